import csv

from django.core.management.base import BaseCommand

from contacts.models import Company, Contact


class Command(BaseCommand):
    help = "Import leads from a CSV export"

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **options):
        n = 0
        with open(options["path"], newline="") as fh:
            for row in csv.DictReader(fh):
                company, _ = Company.objects.get_or_create(name=row["company"])
                Contact.objects.create(company=company, full_name=row["name"], email=row["email"])
                n += 1
        print(f"imported {n} leads")
