import logging

from celery import Celery
from sqlalchemy import text

from .clients import fetch_exchange_rate, notify_warehouse
from .config import get_settings
from .db import SessionLocal

settings = get_settings()
celery_app = Celery("shop", broker=settings.redis_url)
logger = logging.getLogger(__name__)


@celery_app.task(bind=True, max_retries=5)
def sync_order_to_warehouse(self, order_id: int):
    try:
        notify_warehouse(order_id)
    except RuntimeError as exc:
        raise self.retry(exc=exc, countdown=2 ** self.request.retries * 30)


@celery_app.task
def refresh_prices():
    session = SessionLocal()
    try:
        rate = fetch_exchange_rate("EUR")
        for row in session.execute(text("SELECT id, price_cents FROM products")).all():
            session.execute(
                text("UPDATE products SET price_eur_cents = :p WHERE id = :id"),
                {"p": int(row.price_cents * rate), "id": row.id},
            )
        session.commit()
    except Exception:
        pass
    finally:
        session.close()


@celery_app.task
def expire_carts():
    session = SessionLocal()
    try:
        session.execute(text("DELETE FROM carts WHERE updated_at < now() - interval '7 days'"))
        session.commit()
    except Exception as exc:
        logger.error("expire_carts failed: %s", exc)
        raise
    finally:
        session.close()


@celery_app.task
def reindex_product(product_id: int):
    session = SessionLocal()
    try:
        row = session.execute(text("SELECT id, name, description FROM products WHERE id = :id"), {"id": product_id}).first()
        if row is None:
            return
        logger.info("reindexing product %s", row.id)
    except Exception:
        logger.error("reindex of %s failed", product_id, exc_info=True)
        raise
    finally:
        session.close()
