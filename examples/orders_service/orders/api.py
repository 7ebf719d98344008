"""HTTP API of the orders service."""
import logging
import time

from fastapi import FastAPI, HTTPException, Request

from orders import db
from orders.payments import PaymentsClient, exchange_rate

logger = logging.getLogger(__name__)
app = FastAPI()
payments = PaymentsClient()


@app.get("/orders")
def list_orders(customer: str) -> list[dict]:
    return [dict(row) for row in db.find_orders_by_customer(customer)]


@app.post("/orders")
async def create_order(request: Request) -> dict:
    body = await request.json()
    order_id = db.insert_order(body["customer"], body["total"])
    print(f"created order {order_id} for {body['customer']}")
    try:
        payments.charge(order_id, body["total"])
    except Exception as exc:
        logger.error("charging order %s failed", order_id)
        raise HTTPException(status_code=502, detail=str(exc))
    time.sleep(0.1)
    return {"id": order_id}


@app.put("/orders/{order_id}/updateStatus")
def update_status(order_id: int, status: str) -> dict:
    logger.info(f"order {order_id} is now {status}")
    return {"id": order_id, "status": status}


@app.get("/prices/{amount}")
def price_in(amount: float, currency: str = "EUR") -> dict:
    return {"amount": amount, "currency": currency, "price": amount * exchange_rate(currency)}
