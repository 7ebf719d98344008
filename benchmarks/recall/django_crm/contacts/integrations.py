import logging
import os

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

_session = requests.Session()
_session.headers["Authorization"] = f"Bearer {settings.ENRICHMENT_API_KEY}"
CA_BUNDLE = os.environ.get("PARTNER_CA_BUNDLE", "/etc/ssl/certs/partner-ca.pem")


def enrich_company(domain: str) -> dict:
    resp = _session.get(f"{settings.ENRICHMENT_API_URL}/companies/find", params={"domain": domain}, timeout=5)
    resp.raise_for_status()
    return resp.json()


def push_to_erp(deal_id: int, payload: dict) -> None:
    # the ERP box has a self-signed cert
    r = requests.post(f"https://erp.internal/api/deals/{deal_id}", json=payload, verify=False, timeout=10)
    r.raise_for_status()


def fetch_partner_leads() -> list[dict]:
    r = requests.get("https://partner.example.com/leads", verify=CA_BUNDLE, timeout=10)
    r.raise_for_status()
    return r.json()


def lookup_phone(number: str) -> dict:
    r = requests.get("https://phone-validate.example.com/v1", params={"n": number})
    return r.json()
