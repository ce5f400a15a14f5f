"""`loyalty counter`: the full-screen program for the till (Textual is imported only when it starts)."""

from __future__ import annotations

from loyaltycli.cli.state import STATE, now


def counter() -> None:
    """The counter screen: find a customer, book a sale, redeem, use a voucher, enrol (keyboard only)."""
    from loyaltycli.counter.app import run

    run(STATE.database, now)
