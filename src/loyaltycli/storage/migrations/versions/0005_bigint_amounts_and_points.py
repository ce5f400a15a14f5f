"""Amounts and points as 64-bit integers on PostgreSQL.

SPEC §1 allows 99,999,999.99 per receipt: 9,999,999,999 cents, beyond a
32-bit INTEGER (21,474,836.47).  Points can grow as large (rates up to 1,000,
multipliers up to 100).  SQLite's INTEGER is 64-bit already: nothing to do there.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = {
    "member": ["debt"],
    "receipt": ["total_cents", "eligible_cents", "points", "bonus_points", "campaign_points", "stamps"],
    "receipt_line": ["quantity_milli", "amount_cents"],
    "ledger_entry": ["points"],
    "point_lot": ["earned", "remaining"],
    "lot_use": ["points"],
    "stamp_count": ["stamps"],
}


def _alter(type_: type[sa.types.TypeEngine]) -> None:  # type: ignore[type-arg]
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=type_())


def upgrade() -> None:
    _alter(sa.BigInteger)


def downgrade() -> None:
    _alter(sa.Integer)
