import logging

from django.core.mail import EmailMessage
from django.db import connection

logger = logging.getLogger(__name__)


def send_welcome_pack(contact) -> None:
    msg = EmailMessage(
        subject="Welcome aboard",
        body=f"Hi {contact.full_name}, your account manager will be in touch.",
        to=[contact.email],
    )
    msg.attach_file("/srv/crm/assets/welcome.pdf")
    msg.send()


def search_contacts(term, order_by="full_name"):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, full_name, email FROM contacts_contact WHERE full_name ILIKE '%%{}%%' ORDER BY {} LIMIT 50".format(term, order_by)
        )
        return cursor.fetchall()


def deals_by_stage(stage: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, title, amount FROM contacts_deal WHERE stage = %s LIMIT 200", [stage])
        return cursor.fetchall()
