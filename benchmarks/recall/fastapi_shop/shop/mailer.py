import logging
import os
import smtplib
from email.message import EmailMessage

log = logging.getLogger(__name__)

SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))


def send_order_confirmation(to_addr: str, order_id: int, total_cents: int) -> None:
    msg = EmailMessage()
    msg["Subject"] = f"Your order #{order_id}"
    msg["From"] = "orders@shop.example"
    msg["To"] = to_addr
    msg.set_content(f"Thanks! We received your order of ${total_cents / 100:.2f}.")
    with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=10) as smtp:
        smtp.starttls()
        smtp.send_message(msg)
    log.info("confirmation sent for order %s", order_id)
