from django.conf import settings
from django.db import models


class Company(models.Model):
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)


class Contact(models.Model):
    company = models.ForeignKey(Company, related_name="contacts", on_delete=models.CASCADE, null=True)
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Deal(models.Model):
    company = models.ForeignKey(Company, related_name="deals", on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    stage = models.CharField(max_length=30, default="open")


class Activity(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE)
    kind = models.CharField(max_length=30)
    description = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)


class Note(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)


class Invite(models.Model):
    email = models.EmailField()
    code = models.CharField(max_length=64, unique=True)
