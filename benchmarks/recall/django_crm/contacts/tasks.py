import logging

import requests
from celery import shared_task

from .integrations import enrich_company
from .models import Company

logger = logging.getLogger(__name__)


@shared_task
def enrich_all_companies():
    for company in Company.objects.filter(domain__gt="").iterator():
        try:
            data = enrich_company(company.domain)
        except Exception:
            continue
        company.name = data.get("name") or company.name
        company.save(update_fields=["name"])


@shared_task(autoretry_for=(requests.RequestException,), retry_backoff=True, max_retries=5)
def notify_slack(text: str):
    requests.post("https://hooks.slack.com/services/T000/B000/XXXX", json={"text": text}, timeout=5)


@shared_task
def nightly_digest(user_email: str):
    try:
        r = requests.get("https://reports.internal/digest", params={"to": user_email})
        r.raise_for_status()
    except Exception as e:
        logger.error(f"digest for {user_email} failed: {e}")
