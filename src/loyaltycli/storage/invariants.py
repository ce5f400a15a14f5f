"""The invariants of SPEC §6 that `verify` checks, each a `check_*` function over the whole database.

Each check returns a list of problems (empty when it holds); all checks run,
and their problems are reported together.  The checks are aggregates in SQL,
so they stay fast on a large ledger.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import case, func, inspect, or_, select

from loyaltycli.storage.models import DEBT_KINDS, LedgerEntry, LotUse, Member, PointLot, Receipt, Voucher, VoucherUse
from loyaltycli.storage.records import Transaction

LIMIT = 20


def check_balances(tx: Transaction) -> list[str]:
    """1. Each member's ledger sum equals their lots' remaining points less their refund debt."""
    ledger_sum = (
        select(LedgerEntry.member_pk, func.sum(LedgerEntry.points).label("total"))
        .group_by(LedgerEntry.member_pk)
        .subquery()
    )
    lots_sum = (
        select(PointLot.member_pk, func.sum(PointLot.remaining).label("total")).group_by(PointLot.member_pk).subquery()
    )
    rows = tx.conn.execute(
        select(Member.id, func.coalesce(ledger_sum.c.total, 0), func.coalesce(lots_sum.c.total, 0), Member.debt)
        .outerjoin(ledger_sum, ledger_sum.c.member_pk == Member.pk)
        .outerjoin(lots_sum, lots_sum.c.member_pk == Member.pk)
        .where(func.coalesce(ledger_sum.c.total, 0) != func.coalesce(lots_sum.c.total, 0) - Member.debt)
        .limit(LIMIT)
    ).all()
    problems = [f"member {m}: ledger sums to {a} but lots hold {b} less a debt of {d}" for m, a, b, d in rows]
    negative = tx.conn.execute(select(Member.id, Member.debt).where(Member.debt < 0).limit(LIMIT)).all()
    problems += [f"member {m}: negative debt {d}" for m, d in negative]
    return problems + _debt_matches_refunds(tx)


def _debt_matches_refunds(tx: Transaction) -> list[str]:
    """A debt exists only through refunds: it equals what refunds could not find in lots."""
    used = select(LotUse.entry_pk, func.sum(LotUse.points).label("used")).group_by(LotUse.entry_pk).subquery()
    open_refunds = (
        select(LedgerEntry.member_pk, func.sum(-LedgerEntry.points - func.coalesce(used.c.used, 0)).label("open"))
        .outerjoin(used, used.c.entry_pk == LedgerEntry.pk)
        .where(LedgerEntry.kind.in_(DEBT_KINDS), LedgerEntry.points < 0)
        .group_by(LedgerEntry.member_pk)
        .subquery()
    )
    rows = tx.conn.execute(
        select(Member.id, Member.debt, func.coalesce(open_refunds.c.open, 0))
        .outerjoin(open_refunds, open_refunds.c.member_pk == Member.pk)
        .where(Member.debt != func.coalesce(open_refunds.c.open, 0))
        .limit(LIMIT)
    ).all()
    return [f"member {m}: debt {d} but refunds left {o} points unfound" for m, d, o in rows]


def check_lots(tx: Transaction) -> list[str]:
    """2. No lot is consumed beyond what it earned: uses + remaining = earned, and earned = its entry."""
    used = select(LotUse.lot_pk, func.sum(LotUse.points).label("used")).group_by(LotUse.lot_pk).subquery()
    rows = tx.conn.execute(
        select(
            PointLot.pk,
            PointLot.earned,
            PointLot.remaining,
            func.coalesce(used.c.used, 0),
            LedgerEntry.points,
        )
        .outerjoin(used, used.c.lot_pk == PointLot.pk)
        .join(LedgerEntry, LedgerEntry.pk == PointLot.entry_pk)
        .where(
            (PointLot.earned != PointLot.remaining + func.coalesce(used.c.used, 0))
            | (PointLot.remaining < 0)
            | (PointLot.earned != LedgerEntry.points)
        )
        .limit(LIMIT)
    ).all()
    problems = [f"lot {pk}: earned {e}, remaining {r}, used {u}, entry says {p}" for pk, e, r, u, p in rows]
    bad_uses = tx.conn.execute(select(LotUse.pk, LotUse.points).where(LotUse.points <= 0).limit(LIMIT)).all()
    problems += [f"lot use {pk}: {p} points" for pk, p in bad_uses]
    over = select(LotUse.entry_pk, func.sum(LotUse.points).label("used")).group_by(LotUse.entry_pk).subquery()
    rows = tx.conn.execute(
        select(LedgerEntry.pk, LedgerEntry.points, over.c.used)
        .join(over, over.c.entry_pk == LedgerEntry.pk)
        .where(over.c.used > -LedgerEntry.points)
        .limit(LIMIT)
    ).all()
    problems += [f"entry {pk}: consumes {u} points but books {p}" for pk, p, u in rows]
    return problems


def check_receipts(tx: Transaction) -> list[str]:
    """3. Every refund points to a purchase and, with the others, reverses no more than it earned or cost."""
    refunds = (
        select(
            Receipt.refund_of_pk,
            func.sum(Receipt.points).label("points"),
            func.sum(Receipt.total_cents).label("cents"),
        )
        .where(Receipt.kind == "refund")
        .group_by(Receipt.refund_of_pk)
        .subquery()
    )
    rows = tx.conn.execute(
        select(Receipt.receipt_id, Receipt.points, refunds.c.points, Receipt.total_cents, refunds.c.cents)
        .join(refunds, refunds.c.refund_of_pk == Receipt.pk)
        .where((refunds.c.points > Receipt.points) | (refunds.c.cents > Receipt.total_cents))
        .limit(LIMIT)
    ).all()
    problems = [f"receipt {r}: refunds reverse {rp} of {p} points, {rc} of {c} cents" for r, p, rp, c, rc in rows]
    orphans = tx.conn.scalars(
        select(Receipt.receipt_id)
        .where(Receipt.kind == "refund")
        .where(
            Receipt.refund_of_pk.is_(None)
            | ~Receipt.refund_of_pk.in_(select(Receipt.pk).where(Receipt.kind == "purchase"))
        )
        .limit(LIMIT)
    ).all()
    problems += [f"refund {r} does not point to a purchase" for r in orphans]
    dupes = tx.conn.execute(
        select(Receipt.receipt_id, func.count()).group_by(Receipt.receipt_id).having(func.count() > 1).limit(LIMIT)
    ).all()
    problems += [f"receipt id {r} appears {n} times" for r, n in dupes]
    return problems


def check_vouchers(tx: Transaction) -> list[str]:
    """4. Every redeemed voucher came from exactly one redemption and was used at most once."""
    issued_by = (
        select(LedgerEntry.voucher_pk, func.count().label("n"))
        .where(LedgerEntry.voucher_pk.is_not(None), LedgerEntry.kind == "redeem")
        .group_by(LedgerEntry.voucher_pk)
        .subquery()
    )
    rows = tx.conn.execute(
        select(Voucher.code, func.coalesce(issued_by.c.n, 0))
        .outerjoin(issued_by, issued_by.c.voucher_pk == Voucher.pk)
        .where(Voucher.source == "redeem", func.coalesce(issued_by.c.n, 0) != 1)
        .limit(LIMIT)
    ).all()
    problems = [f"voucher {c}: issued by {n} redemptions" for c, n in rows]
    inconsistent = tx.conn.scalars(
        select(Voucher.code)
        .where(case((Voucher.status == "used", Voucher.used_at.is_(None)), else_=Voucher.used_at.is_not(None)))
        .limit(LIMIT)
    ).all()
    problems += [f"voucher {c}: status and use date disagree" for c in inconsistent]
    uses = select(VoucherUse.voucher_pk, func.count().label("n")).group_by(VoucherUse.voucher_pk).subquery()
    used = func.coalesce(uses.c.n, 0)
    wrong = tx.conn.execute(
        select(Voucher.code, used)
        .outerjoin(uses, uses.c.voucher_pk == Voucher.pk)
        .where(or_(used > 1, case((Voucher.status == "used", used != 1), else_=used != 0)))
        .limit(LIMIT)
    ).all()
    problems += [f"voucher {c}: used {n} times" for c, n in wrong]
    return problems + _check_cancellations(tx)


def _check_cancellations(tx: Transaction) -> list[str]:
    """6. A cancelled voucher's points came back once (one booking, no more than were spent), and only
    cancelled vouchers gave points back."""
    entry = LedgerEntry.points
    back = (
        select(
            LedgerEntry.voucher_pk.label("voucher_pk"),
            func.count(func.distinct(LedgerEntry.created_at)).label("bookings"),
            func.sum(entry).label("points"),
        )
        .where(LedgerEntry.kind == "cancel")
        .group_by(LedgerEntry.voucher_pk)
        .subquery()
    )
    spent = (
        select(LedgerEntry.voucher_pk.label("voucher_pk"), func.sum(-entry).label("points"))
        .where(LedgerEntry.kind == "redeem", LedgerEntry.voucher_pk.is_not(None))
        .group_by(LedgerEntry.voucher_pk)
        .subquery()
    )
    rows = tx.conn.execute(
        select(Voucher.code, Voucher.status, back.c.bookings, back.c.points, spent.c.points)
        .join(back, back.c.voucher_pk == Voucher.pk)
        .outerjoin(spent, spent.c.voucher_pk == Voucher.pk)
        .where(
            or_(
                Voucher.status != "cancelled",
                back.c.bookings != 1,
                back.c.points > func.coalesce(spent.c.points, 0),
            )
        )
        .limit(LIMIT)
    ).all()
    return [
        f"voucher {code} ({status}): {points} points came back in {n} bookings" for code, status, n, points, _ in rows
    ]


def check_append_only(tx: Transaction) -> list[str]:
    """5. The database refuses updates and deletes of ledger entries (triggers), and lots point to entries."""
    conn = tx.conn
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


def check_merged(tx: Transaction) -> list[str]:
    """6. A merged member holds no points, debt, stamps or open vouchers."""
    from loyaltycli.storage.merging import merged_holdings

    return [f"merged member {row[0]} still holds points, debt, stamps or open vouchers" for row in merged_holdings(tx)]


CHECKS: list[Callable[[Transaction], list[str]]] = [
    check_balances,
    check_lots,
    check_receipts,
    check_vouchers,
    check_merged,
    check_append_only,
]
