"""A till or a cron job in its own process, for the concurrency tests.

    python -m tests.concurrency_worker till DB SECONDS PREFIX    purchases and redemptions, alternating
    python -m tests.concurrency_worker expire DB SECONDS          expiry runs, one after the other

Prints one line: how many commands were done, how many the rules refused (not enough
points), and the first unexpected error if there was one.

Between two commands a worker pauses a few milliseconds, as a till pauses between sales for much longer:
SQLite's busy handler polls at up to 100 ms, and processes that begin again the instant they commit can
keep a polling one out for seconds on a loaded machine (a till once did 1 sale in 12 s in CI that way).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from decimal import Decimal

from loyaltycli.errors import InsufficientPointsError, LoyaltyError
from loyaltycli.services import jobs, purchases, redemptions
from loyaltycli.storage.database import open_database
from loyaltycli.storage.location import Location

MEMBERS = ("anna@example.com", "ben@example.com")


def main() -> None:
    kind, target, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    db = open_database(Location(target))
    done = refused = n = 0
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = dt.datetime.now(dt.UTC)
        n += 1
        try:
            if kind == "expire":
                jobs.expire(db, None, False, now + dt.timedelta(days=400))  # a run 400 days on, as of its today
            elif n % 3:
                lines = purchases.one_line(Decimal("12.34"), "food", None)
                request = purchases.PurchaseRequest(MEMBERS[n % 2], lines, receipt_id=f"{sys.argv[4]}-{n}")
                purchases.purchase(db, request, now)
            else:
                redemptions.redeem_reward(db, MEMBERS[n % 2], "mug", None, now)
            done += 1
        except InsufficientPointsError:
            refused += 1
        except LoyaltyError as exc:
            errors.append(f"refused: {exc.message}")
        except Exception as exc:  # noqa: BLE001 - the test wants to see any failure
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(random.uniform(0.002, 0.01))
    print(done, refused, errors[0] if errors else "")
    db.dispose()


if __name__ == "__main__":
    main()
