import logging
import time

import httpx
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
from tenacity import retry, stop_after_attempt, wait_exponential, wait_fixed

from .config import get_settings, SHIPPO_API_KEY, SHIPPO_BASE_URL

logger = logging.getLogger("shop.clients")
settings = get_settings()


def _build_session() -> requests.Session:
    s = requests.Session()
    adapter = HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.5, status_forcelist=[502, 503, 504]))
    s.mount("https://", adapter)
    s.headers["User-Agent"] = "shop/0.3"
    return s


class PaymentsClient:
    def __init__(self, base_url: str = settings.payments_url, api_token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.session = _build_session()
        self.api_token = api_token

    def charge(self, order_id: int, amount_cents: int, idempotency_key: str) -> dict:
        resp = self.session.post(
            f"{self.base_url}/v1/charges",
            json={"order_id": order_id, "amount": amount_cents},
            headers={"Idempotency-Key": idempotency_key, "Authorization": f"Bearer {self.api_token}"},
        )
        resp.raise_for_status()
        return resp.json()

    def refund(self, charge_id: str) -> dict:
        resp = self.session.post(f"{self.base_url}/v1/refunds", json={"charge": charge_id}, timeout=settings.http_timeout)
        resp.raise_for_status()
        return resp.json()


class InventoryClient:
    def __init__(self):
        self._client = httpx.AsyncClient(base_url=settings.inventory_url, timeout=httpx.Timeout(3.0, connect=1.0))

    async def reserve(self, sku: str, qty: int) -> bool:
        r = await self._client.post("/reservations", json={"sku": sku, "qty": qty})
        return r.status_code == 201

    async def stock(self, sku: str) -> int:
        r = await self._client.get(f"/stock/{sku}")
        r.raise_for_status()
        return r.json()["available"]


def shipping_rates(address: dict, parcel: dict) -> list[dict]:
    r = requests.post(
        f"{SHIPPO_BASE_URL}/shipments/",
        json={"address_to": address, "parcels": [parcel], "async": False},
        headers={"Authorization": f"ShippoToken {SHIPPO_API_KEY}"},
    )
    r.raise_for_status()
    return r.json()["rates"]


@retry(stop=stop_after_attempt(5), wait=wait_fixed(2))
def fetch_exchange_rate(currency: str) -> float:
    r = httpx.get(f"https://rates.example.com/latest?base=USD&symbols={currency}", timeout=4)
    r.raise_for_status()
    return r.json()["rates"][currency]


@retry(stop=stop_after_attempt(4), wait=wait_exponential(multiplier=0.5, max=8))
def fetch_tax_rate(zip_code: str) -> float:
    r = requests.get(f"https://tax.example.com/rates/{zip_code}", timeout=(2, 5))
    r.raise_for_status()
    return float(r.json()["rate"])


def notify_warehouse(order_id: int, attempts: int = 5) -> None:
    for attempt in range(attempts):
        try:
            requests.post("http://warehouse:9000/orders", json={"id": order_id}, timeout=3).raise_for_status()
            return
        except requests.RequestException:
            logger.warning("warehouse notify failed (attempt %d)", attempt + 1)
            time.sleep(1)
    raise RuntimeError("warehouse unreachable")
