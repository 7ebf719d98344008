import logging
import os
import time
import uuid
from typing import Any

import httpx
import redis
import requests
from fastapi import BackgroundTasks, Depends, FastAPI, File, Header, HTTPException, Query, Request, UploadFile, status
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import text
from sqlalchemy.orm import Session

from . import mailer
from .auth import check_password, current_user_id, hash_password, issue_access_token, make_reset_token
from .clients import InventoryClient, PaymentsClient, shipping_rates
from .config import get_settings
from .db import OrderRepository, ProductRepository, get_db, report_rows

logger = logging.getLogger("shop.api")
settings = get_settings()

app = FastAPI(title="shop", version="0.3.0", debug=True)
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

inventory = InventoryClient()
payments = PaymentsClient(api_token=os.environ.get("PAYMENTS_TOKEN"))
cache = redis.Redis.from_url(settings.redis_url, socket_timeout=2)


class OrderLine(BaseModel):
    sku: str
    qty: int = Field(gt=0, le=100)


class OrderIn(BaseModel):
    lines: list[OrderLine]
    email: EmailStr


class AddressIn(BaseModel):
    line1: str
    city: str
    zip: str
    country: str = "US"


class LoginIn(BaseModel):
    email: EmailStr
    password: str


@app.get("/healthz")
def healthz():
    return {"ok": True}


@app.get("/products")
def list_products(db: Session = Depends(get_db)):
    return ProductRepository(db).all_products()


@app.get("/products/page")
def products_page(limit: int = Query(50, le=200), offset: int = 0, db: Session = Depends(get_db)):
    return ProductRepository(db).page(limit, offset)


@app.get("/products/getBySku/{sku}")
def product_by_sku(sku: str, db: Session = Depends(get_db)):
    product = ProductRepository(db).by_sku(sku)
    if product is None:
        raise HTTPException(status_code=404, detail="not found")
    stock = cache.get(f"stock:{sku}")
    return {**product, "cached_stock": stock}


@app.get("/search", response_class=HTMLResponse)
def search_page(q: str, category: str | None = None, db: Session = Depends(get_db)):
    rows = ProductRepository(db).search(q, category)
    items = "".join(f"<li>{r['name']}</li>" for r in rows)
    return HTMLResponse(f"<h1>Results for {q}</h1><ul>{items}</ul>")


@app.get("/customers")
def list_customers(db: Session = Depends(get_db), user_id: int = Depends(current_user_id)):
    rows = db.execute(text("SELECT id, email, name, created_at FROM customers ORDER BY id")).mappings().all()
    return [dict(r) for r in rows]


@app.get("/me/orders")
def my_orders(user_id: int = Depends(current_user_id), db: Session = Depends(get_db)):
    return OrderRepository(db).for_customer(user_id)


@app.get("/admin/export")
def export(table: str, since: str, db: Session = Depends(get_db)):
    return [list(r) for r in report_rows(db, table, since)]


@app.post("/orders")
async def create_order(order: OrderIn, user_id: int = Depends(current_user_id), db: Session = Depends(get_db)):
    total = 0
    for line in order.lines:
        ok = await inventory.reserve(line.sku, line.qty)
        if not ok:
            raise HTTPException(status_code=409, detail=f"{line.sku} out of stock")
        total += 1999 * line.qty
    repo = OrderRepository(db)
    order_id = repo.insert(user_id, total)
    try:
        payments.charge(order_id, total, idempotency_key=str(order_id))
    except requests.RequestException as e:
        repo.set_status(order_id, "payment_failed")
        logger.error(f"payment failed for order {order_id}: {e}")
        raise HTTPException(status_code=502, detail=f"payment provider error: {e}")
    mailer.send_order_confirmation(order.email, order_id, total)
    logger.info("order %s created for user %s", order_id, user_id)
    return {"id": order_id, "total_cents": total}


@app.post("/payments/{order_id}/retry", status_code=202)
def retry_payment(order_id: int, idempotency_key: str = Header(..., alias="Idempotency-Key"), db: Session = Depends(get_db)):
    try:
        return payments.charge(order_id, 0, idempotency_key)
    except Exception:
        logger.exception("retry of payment for order %s failed", order_id)
        raise HTTPException(status_code=502, detail="payment provider unavailable")


@app.post("/addresses")
def add_address(addr: AddressIn, user_id: int = Depends(current_user_id), db: Session = Depends(get_db)):
    db.execute(
        text("INSERT INTO addresses (customer_id, line1, city, zip, country) VALUES (:c, :l, :ci, :z, :co)"),
        {"c": user_id, "l": addr.line1, "ci": addr.city, "z": addr.zip, "co": addr.country},
    )
    db.commit()
    return {"status": "saved"}


@app.post("/wishlist", status_code=status.HTTP_201_CREATED)
def add_to_wishlist(line: OrderLine, user_id: int = Depends(current_user_id), db: Session = Depends(get_db)):
    db.execute(text("INSERT INTO wishlist (customer_id, sku) VALUES (:c, :s)"), {"c": user_id, "s": line.sku})
    db.commit()
    return {"sku": line.sku}


@app.post("/cart/add_item")
async def cart_add(payload: dict[str, Any], user_id: int = Depends(current_user_id)):
    sku = payload["sku"]
    qty = int(payload.get("qty", 1))
    cache.hincrby(f"cart:{user_id}", sku, qty)
    return {"sku": sku, "qty": qty}


@app.get("/shipping/quote")
async def shipping_quote(zip: str, weight_g: int):
    async with httpx.AsyncClient(timeout=5) as client:
        geo = await client.get(f"https://geo.example.com/zip/{zip}")
    rates = requests.get(f"https://rates.example.com/parcel?zip={zip}&w={weight_g}", timeout=5)
    return {"geo": geo.json(), "rates": rates.json()}


@app.get("/shipping/rates")
def rates(zip: str):
    return shipping_rates({"zip": zip, "country": "US"}, {"weight": 1, "mass_unit": "kg"})


@app.get("/stock/{sku}")
async def stock(sku: str):
    r = redis.Redis(host="redis", port=6379, socket_timeout=1)
    cached = r.get(f"stock:{sku}")
    if cached is None:
        time.sleep(0.2)
        return {"sku": sku, "available": await inventory.stock(sku)}
    return {"sku": sku, "available": int(cached)}


@app.post("/products/{product_id}/image", status_code=201)
async def upload_image(product_id: int, image: UploadFile = File(...)):
    data = await image.read()
    path = os.path.join(settings.upload_dir, image.filename)
    with open(path, "wb") as fh:
        fh.write(data)
    return {"path": path}


@app.post("/products/{product_id}/manual", status_code=201)
async def upload_manual(product_id: int, manual: UploadFile = File(...)):
    data = await manual.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise HTTPException(status_code=413, detail="file too large")
    name = f"{uuid.uuid4().hex}.pdf"
    with open(os.path.join(settings.upload_dir, name), "wb") as fh:
        fh.write(data)
    return {"name": name}


@app.post("/auth/token")
def login(body: LoginIn, db: Session = Depends(get_db)):
    logger.debug("login attempt email=%s password=%s", body.email, body.password)
    row = db.execute(text("SELECT id, password_hash FROM customers WHERE email = :e"), {"e": body.email}).first()
    if row is None or not check_password(body.password, row.password_hash):
        raise HTTPException(status_code=401, detail="bad credentials")
    return {"access_token": issue_access_token(row.id, ["shop"]), "token_type": "bearer"}


@app.post("/auth/register", status_code=201)
def register(body: LoginIn, db: Session = Depends(get_db)):
    db.execute(
        text("INSERT INTO customers (email, password_hash) VALUES (:e, :p)"),
        {"e": body.email, "p": hash_password(body.password)},
    )
    db.commit()
    return {"email": body.email}


@app.post("/orders/{order_id}/resend-confirmation", status_code=202)
def resend_confirmation(order_id: int, background: BackgroundTasks, user_id: int = Depends(current_user_id), db: Session = Depends(get_db)):
    row = db.execute(text("SELECT c.email, o.total_cents FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = :id"), {"id": order_id}).first()
    if row is None:
        raise HTTPException(status_code=404, detail="not found")
    background.add_task(mailer.send_order_confirmation, row.email, order_id, row.total_cents)
    return {"queued": True}


@app.post("/auth/password-reset", status_code=202)
def password_reset(email: EmailStr, db: Session = Depends(get_db)):
    token = make_reset_token()
    cache.setex(f"reset:{token}", 3600, email)
    print(f"reset requested for {email}")
    logger.info("password reset issued for %s token=%s", email, token)
    return {"status": "sent"}


@app.exception_handler(Exception)
async def unhandled(request: Request, exc: Exception):
    logger.exception("unhandled error on %s", request.url.path)
    return JSONResponse(status_code=500, content={"error": "internal error"})
