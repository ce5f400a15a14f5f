"""Unguessable, readable codes for vouchers and generated receipt ids."""

from __future__ import annotations

import secrets

# Crockford-style: no 0/O, 1/I/L or U, so a code read out at the counter is typed right.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def voucher_code() -> str:
    """12 characters from 30 (about 59 bits from `secrets`), in three groups: `K7QX-M3TD-P9WA`."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def normalise_code(code: str) -> str:
    """What the customer typed: any case, with or without dashes or spaces."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(raw) == 12 and all(ch in ALPHABET for ch in raw):
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    return code.strip().upper()


def receipt_id(prefix: str = "R") -> str:
    """A generated receipt id for a purchase recorded without `--receipt`."""
    return f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(10))
