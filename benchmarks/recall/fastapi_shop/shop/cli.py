import argparse
import logging

from sqlalchemy import text

from .auth import hash_password
from .db import SessionLocal


def main(argv=None):
    parser = argparse.ArgumentParser(prog="shop-admin")
    sub = parser.add_subparsers(dest="cmd", required=True)
    create = sub.add_parser("create-admin")
    create.add_argument("email")
    create.add_argument("password")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)

    if args.cmd == "create-admin":
        session = SessionLocal()
        session.execute(
            text("INSERT INTO customers (email, password_hash, is_admin) VALUES (:e, :p, true)"),
            {"e": args.email, "p": hash_password(args.password)},
        )
        session.commit()
        print(f"created admin {args.email}")
        logging.info("admin created")


if __name__ == "__main__":
    main()
