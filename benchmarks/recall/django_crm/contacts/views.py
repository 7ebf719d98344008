import hashlib
import hmac
import json
import logging
import os
import random
import string

from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Sum
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .integrations import lookup_phone, push_to_erp
from .models import Activity, Company, Contact, Deal, Invite
from .services import search_contacts, send_welcome_pack

logger = logging.getLogger("crm.contacts")
MAILGUN_SIGNING_KEY = os.environ.get("MAILGUN_SIGNING_KEY", "")


def login_view(request):
    if request.method == "POST":
        user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
        if user is not None:
            login(request, user)
            return JsonResponse({"ok": True})
        logger.warning("bad login for %s", request.POST["username"])
        return JsonResponse({"ok": False}, status=401)
    return render(request, "login.html")


@login_required
def contact_list(request):
    qs = Contact.objects.select_related("company").order_by("-created_at")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "contacts/list.html", {"page": page})


@login_required
def contact_search(request):
    q = request.GET.get("q", "")
    rows = search_contacts(q, request.GET.get("sort", "full_name"))
    links = "".join(f"<li><a href='/contacts/{r[0]}/'>{r[1]}</a></li>" for r in rows)
    return HttpResponse(f"<h2>Results for {q}</h2><ul>{links}</ul>")


@login_required
def contact_detail(request, pk):
    contact = get_object_or_404(Contact, pk=pk)
    badge = mark_safe(f"<span class='name'>{contact.full_name}</span>")
    mailto = format_html("<a href='mailto:{}'>{}</a>", contact.email, contact.full_name)
    return render(request, "contacts/detail.html", {"contact": contact, "badge": badge, "mailto": mailto})


@csrf_exempt
@login_required
def contact_update(request, pk):
    contact = get_object_or_404(Contact, pk=pk)
    data = json.loads(request.body)
    for field in ("full_name", "email", "phone", "notes"):
        if field in data:
            setattr(contact, field, data[field])
    contact.save()
    try:
        info = lookup_phone(contact.phone)
        contact.phone = info.get("e164", contact.phone)
        contact.save(update_fields=["phone"])
    except Exception:
        pass
    return JsonResponse({"id": contact.pk})


@login_required
@csrf_exempt
@require_POST
def import_contacts(request):
    rows = json.loads(request.body)["rows"]
    created = []
    for row in rows:
        c = Contact.objects.create(full_name=row["name"], email=row["email"])
        send_welcome_pack(c)
        created.append(c.pk)
    print(f"imported {len(created)} contacts")
    logger.info("imported {} contacts for {}".format(len(created), request.user))
    return JsonResponse({"created": created}, status=201)


@login_required
def company_report(request):
    out = []
    for company in Company.objects.filter(owner=request.user):
        deals = Deal.objects.filter(company=company)
        total = deals.aggregate(s=Sum("amount"))["s"] or 0
        out.append({"company": company.name, "deals": deals.count(), "total": float(total), "contacts": company.contacts.count()})
    summary = Company.objects.filter(owner=request.user).annotate(n=Count("deals")).values("name", "n")[:100]
    return JsonResponse({"rows": out, "summary": list(summary)})


@login_required
@require_POST
def send_invite(request):
    email = request.POST["email"]
    code = "".join(random.choices(string.ascii_letters + string.digits, k=24))
    Invite.objects.create(email=email, code=code)
    send_mail("You're invited", f"Join us: https://crm.example.com/join/{code}", "crm@example.com", [email])
    return JsonResponse({"sent": True}, status=201)


@csrf_exempt
def mailgun_webhook(request):
    payload = json.loads(request.body)
    sig = payload.get("signature", {})
    expected = hmac.new(MAILGUN_SIGNING_KEY.encode(), (sig.get("timestamp", "") + sig.get("token", "")).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, sig.get("signature", "")):
        return HttpResponseBadRequest("bad signature")
    try:
        Activity.objects.create(contact_id=int(payload["event-data"]["user-variables"]["contact_id"]), kind="email", description=payload["event-data"]["event"])
    except Exception as exc:
        logger.error("mailgun event could not be stored: %s", exc)
        return HttpResponse(status=200)
    return HttpResponse(status=200)


@csrf_exempt
@require_GET
@login_required
def contact_vcard(request, pk):
    contact = get_object_or_404(Contact, pk=pk)
    body = f"BEGIN:VCARD\nFN:{contact.full_name}\nEMAIL:{contact.email}\nEND:VCARD\n"
    return HttpResponse(body, content_type="text/vcard")


@login_required
def deal_sync(request, pk):
    deal = get_object_or_404(Deal, pk=pk)
    try:
        push_to_erp(deal.pk, {"title": deal.title, "amount": str(deal.amount)})
    except Exception:
        logger.exception("ERP sync failed for deal %s", deal.pk)
        return JsonResponse({"synced": False}, status=502)
    return JsonResponse({"synced": True})


@login_required
def raw_lookup(request):
    email = request.GET["email"]
    contacts = Contact.objects.raw("SELECT id, full_name, email FROM contacts_contact WHERE email = '%s'" % email)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM contacts_activity WHERE contact_id IN (SELECT id FROM contacts_contact WHERE email = %s)", [email])
        n = cur.fetchone()[0]
    return JsonResponse({"ids": [c.pk for c in contacts], "activities": n})
