"""The invariants of SPEC §6 that `verify` checks, each a `check_*` function over the whole database.

Each check returns a list of problems (empty when it holds); all checks run,
and their problems are reported together.  The checks are aggregates in SQL,
so they stay fast on a large ledger.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import case, func, inspect, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from loyaltycli.storage.models import DEBT_KINDS, LedgerEntry, LotUse, Member, PointLot, Receipt, Voucher, VoucherUse

LIMIT = 20


def check_balances(session: Session) -> list[str]:
    """1. Each member's ledger sum equals their lots' remaining points less their refund debt."""
    ledger_sum = (
        select(col(LedgerEntry.member_pk), func.sum(col(LedgerEntry.points)).label("total"))
        .group_by(col(LedgerEntry.member_pk))
        .subquery()
    )
    lots_sum = (
        select(col(PointLot.member_pk), func.sum(col(PointLot.remaining)).label("total"))
        .group_by(col(PointLot.member_pk))
        .subquery()
    )
    rows = session.execute(
        select(
            col(Member.id), func.coalesce(ledger_sum.c.total, 0), func.coalesce(lots_sum.c.total, 0), col(Member.debt)
        )
        .outerjoin(ledger_sum, ledger_sum.c.member_pk == col(Member.pk))
        .outerjoin(lots_sum, lots_sum.c.member_pk == col(Member.pk))
        .where(func.coalesce(ledger_sum.c.total, 0) != func.coalesce(lots_sum.c.total, 0) - col(Member.debt))
        .limit(LIMIT)
    ).all()
    problems = [f"member {m}: ledger sums to {a} but lots hold {b} less a debt of {d}" for m, a, b, d in rows]
    negative = session.execute(select(col(Member.id), col(Member.debt)).where(col(Member.debt) < 0).limit(LIMIT)).all()
    problems += [f"member {m}: negative debt {d}" for m, d in negative]
    return problems + _debt_matches_refunds(session)


def _debt_matches_refunds(session: Session) -> list[str]:
    """A debt exists only through refunds: it equals what refunds could not find in lots."""
    used = (
        select(col(LotUse.entry_pk), func.sum(col(LotUse.points)).label("used"))
        .group_by(col(LotUse.entry_pk))
        .subquery()
    )
    open_refunds = (
        select(
            col(LedgerEntry.member_pk), func.sum(-col(LedgerEntry.points) - func.coalesce(used.c.used, 0)).label("open")
        )
        .outerjoin(used, used.c.entry_pk == col(LedgerEntry.pk))
        .where(col(LedgerEntry.kind).in_(DEBT_KINDS), col(LedgerEntry.points) < 0)
        .group_by(col(LedgerEntry.member_pk))
        .subquery()
    )
    rows = session.execute(
        select(col(Member.id), col(Member.debt), func.coalesce(open_refunds.c.open, 0))
        .outerjoin(open_refunds, open_refunds.c.member_pk == col(Member.pk))
        .where(col(Member.debt) != func.coalesce(open_refunds.c.open, 0))
        .limit(LIMIT)
    ).all()
    return [f"member {m}: debt {d} but refunds left {o} points unfound" for m, d, o in rows]


def check_lots(session: Session) -> list[str]:
    """2. No lot is consumed beyond what it earned: uses + remaining = earned, and earned = its entry."""
    used = (
        select(col(LotUse.lot_pk), func.sum(col(LotUse.points)).label("used")).group_by(col(LotUse.lot_pk)).subquery()
    )
    rows = session.execute(
        select(
            col(PointLot.pk),
            col(PointLot.earned),
            col(PointLot.remaining),
            func.coalesce(used.c.used, 0),
            col(LedgerEntry.points),
        )
        .outerjoin(used, used.c.lot_pk == col(PointLot.pk))
        .join(LedgerEntry, col(LedgerEntry.pk) == col(PointLot.entry_pk))
        .where(
            (col(PointLot.earned) != col(PointLot.remaining) + func.coalesce(used.c.used, 0))
            | (col(PointLot.remaining) < 0)
            | (col(PointLot.earned) != col(LedgerEntry.points))
        )
        .limit(LIMIT)
    ).all()
    problems = [f"lot {pk}: earned {e}, remaining {r}, used {u}, entry says {p}" for pk, e, r, u, p in rows]
    bad_uses = session.execute(
        select(col(LotUse.pk), col(LotUse.points)).where(col(LotUse.points) <= 0).limit(LIMIT)
    ).all()
    problems += [f"lot use {pk}: {p} points" for pk, p in bad_uses]
    over = (
        select(col(LotUse.entry_pk), func.sum(col(LotUse.points)).label("used"))
        .group_by(col(LotUse.entry_pk))
        .subquery()
    )
    rows = session.execute(
        select(col(LedgerEntry.pk), col(LedgerEntry.points), over.c.used)
        .join(over, over.c.entry_pk == col(LedgerEntry.pk))
        .where(over.c.used > -col(LedgerEntry.points))
        .limit(LIMIT)
    ).all()
    problems += [f"entry {pk}: consumes {u} points but books {p}" for pk, p, u in rows]
    return problems


def check_receipts(session: Session) -> list[str]:
    """3. Every refund points to a purchase and, with the others, reverses no more than it earned or cost."""
    refunds = (
        select(
            col(Receipt.refund_of_pk),
            func.sum(col(Receipt.points)).label("points"),
            func.sum(col(Receipt.total_cents)).label("cents"),
        )
        .where(col(Receipt.kind) == "refund")
        .group_by(col(Receipt.refund_of_pk))
        .subquery()
    )
    rows = session.execute(
        select(
            col(Receipt.receipt_id), col(Receipt.points), refunds.c.points, col(Receipt.total_cents), refunds.c.cents
        )
        .join(refunds, refunds.c.refund_of_pk == col(Receipt.pk))
        .where((refunds.c.points > col(Receipt.points)) | (refunds.c.cents > col(Receipt.total_cents)))
        .limit(LIMIT)
    ).all()
    problems = [f"receipt {r}: refunds reverse {rp} of {p} points, {rc} of {c} cents" for r, p, rp, c, rc in rows]
    orphans = session.scalars(
        select(col(Receipt.receipt_id))
        .where(col(Receipt.kind) == "refund")
        .where(
            col(Receipt.refund_of_pk).is_(None)
            | ~col(Receipt.refund_of_pk).in_(select(col(Receipt.pk)).where(col(Receipt.kind) == "purchase"))
        )
        .limit(LIMIT)
    ).all()
    problems += [f"refund {r} does not point to a purchase" for r in orphans]
    dupes = session.execute(
        select(col(Receipt.receipt_id), func.count())
        .group_by(col(Receipt.receipt_id))
        .having(func.count() > 1)
        .limit(LIMIT)
    ).all()
    problems += [f"receipt id {r} appears {n} times" for r, n in dupes]
    return problems


def check_vouchers(session: Session) -> list[str]:
    """4. Every redeemed voucher came from exactly one redemption and was used at most once."""
    issued_by = (
        select(col(LedgerEntry.voucher_pk), func.count().label("n"))
        .where(col(LedgerEntry.voucher_pk).is_not(None), col(LedgerEntry.kind) == "redeem")
        .group_by(col(LedgerEntry.voucher_pk))
        .subquery()
    )
    rows = session.execute(
        select(col(Voucher.code), func.coalesce(issued_by.c.n, 0))
        .outerjoin(issued_by, issued_by.c.voucher_pk == col(Voucher.pk))
        .where(col(Voucher.source) == "redeem", func.coalesce(issued_by.c.n, 0) != 1)
        .limit(LIMIT)
    ).all()
    problems = [f"voucher {c}: issued by {n} redemptions" for c, n in rows]
    inconsistent = session.scalars(
        select(col(Voucher.code))
        .where(
            case(
                (col(Voucher.status) == "used", col(Voucher.used_at).is_(None)), else_=col(Voucher.used_at).is_not(None)
            )
        )
        .limit(LIMIT)
    ).all()
    problems += [f"voucher {c}: status and use date disagree" for c in inconsistent]
    uses = select(col(VoucherUse.voucher_pk), func.count().label("n")).group_by(col(VoucherUse.voucher_pk)).subquery()
    used = func.coalesce(uses.c.n, 0)
    wrong = session.execute(
        select(col(Voucher.code), used)
        .outerjoin(uses, uses.c.voucher_pk == col(Voucher.pk))
        .where(or_(used > 1, case((col(Voucher.status) == "used", used != 1), else_=used != 0)))
        .limit(LIMIT)
    ).all()
    problems += [f"voucher {c}: used {n} times" for c, n in wrong]
    return problems + _check_cancellations(session)


def _check_cancellations(session: Session) -> list[str]:
    """6. A cancelled voucher's points came back once (one booking, no more than were spent), and only
    cancelled vouchers gave points back."""
    entry = col(LedgerEntry.points)
    back = (
        select(
            col(LedgerEntry.voucher_pk).label("voucher_pk"),
            func.count(func.distinct(col(LedgerEntry.created_at))).label("bookings"),
            func.sum(entry).label("points"),
        )
        .where(col(LedgerEntry.kind) == "cancel")
        .group_by(col(LedgerEntry.voucher_pk))
        .subquery()
    )
    spent = (
        select(col(LedgerEntry.voucher_pk).label("voucher_pk"), func.sum(-entry).label("points"))
        .where(col(LedgerEntry.kind) == "redeem", col(LedgerEntry.voucher_pk).is_not(None))
        .group_by(col(LedgerEntry.voucher_pk))
        .subquery()
    )
    rows = session.execute(
        select(col(Voucher.code), col(Voucher.status), back.c.bookings, back.c.points, spent.c.points)
        .join(back, back.c.voucher_pk == col(Voucher.pk))
        .outerjoin(spent, spent.c.voucher_pk == col(Voucher.pk))
        .where(
            or_(
                col(Voucher.status) != "cancelled",
                back.c.bookings != 1,
                back.c.points > func.coalesce(spent.c.points, 0),
            )
        )
        .limit(LIMIT)
    ).all()
    return [
        f"voucher {code} ({status}): {points} points came back in {n} bookings" for code, status, n, points, _ in rows
    ]


def check_append_only(session: Session) -> list[str]:
    """5. The database refuses updates and deletes of ledger entries (triggers), and lots point to entries."""
    conn = session.connection()
    problems = []
    if conn.dialect.name == "sqlite":
        names = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars().all())
        missing = {"ledger_entry_no_update", "ledger_entry_no_delete"} - names
    else:
        names = set(
            conn.exec_driver_sql("SELECT tgname FROM pg_trigger WHERE tgrelid = 'ledger_entry'::regclass")
            .scalars()
            .all()
        )
        missing = {"ledger_entry_append_only"} - names
    if missing:
        problems.append(f"the ledger is not protected against changes (missing triggers: {', '.join(sorted(missing))})")
    if not inspect(conn).has_table("ledger_entry"):
        problems.append("there is no ledger table")
    return problems


def check_merged(session: Session) -> list[str]:
    """6. A merged member holds no points, debt, stamps or open vouchers."""
    from loyaltycli.storage.merging import merged_holdings

    return [
        f"merged member {row[0]} still holds points, debt, stamps or open vouchers" for row in merged_holdings(session)
    ]


CHECKS: list[Callable[[Session], list[str]]] = [
    check_balances,
    check_lots,
    check_receipts,
    check_vouchers,
    check_merged,
    check_append_only,
]
