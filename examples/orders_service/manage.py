"""Command line helpers for operators: printing is fine here."""
import sys

from orders import db


def main() -> int:
    for row in db.find_orders_by_customer(sys.argv[1]):
        print(dict(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
