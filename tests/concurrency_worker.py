"""A till or a cron job in its own process, for the concurrency tests.

    python -m tests.concurrency_worker purchases DB SECONDS PREFIX
    python -m tests.concurrency_worker expire DB SECONDS

Prints one line: how many commands succeeded, and the first error if any.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from decimal import Decimal

from loyaltycli.errors import LoyaltyError
from loyaltycli.services import jobs, purchases
from loyaltycli.storage.database import open_database
from loyaltycli.storage.location import Location


def main() -> None:
    kind, db_path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    db = open_database(Location(db_path))
    done, errors = 0, []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        now = dt.datetime.now(dt.UTC)
        try:
            if kind == "purchases":
                n += 1
                member = ("anna@example.com", "ben@example.com")[n % 2]
                request = purchases.PurchaseRequest(
                    member, purchases.one_line(Decimal("12.34"), "food", None), receipt_id=f"{sys.argv[4]}-{n}"
                )
                purchases.purchase(db, request, now)
            else:
                jobs.expire(db, now.date() + dt.timedelta(days=400), False, now)
            done += 1
        except LoyaltyError as exc:
            errors.append(f"refused: {exc.message}")
        except Exception as exc:  # noqa: BLE001 - the test wants to see any failure
            errors.append(f"{type(exc).__name__}: {exc}")
    print(done, errors[0] if errors else "")
    db.dispose()


if __name__ == "__main__":
    main()
