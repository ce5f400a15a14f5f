"""Fewer index entries to write: what no query looks up is left out of the indexes.

- `ix_lot_member_expiry` (member, expiry) goes: every query of one member's lots
  is served by `ix_lot_balance` (member, remaining, available, expiry).
- Refund receipts, entries of a receipt and lots with an expiry date are found by
  `= ?` or a date range; their indexes now hold only the rows that have a value
  (partial indexes, `WHERE ... IS NOT NULL`), not the many that have none.

Storing the rows of the 200,000-line acceptance import: 3.2 s -> 2.9 s
(median of six, all four tables, same pragmas).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

PARTIAL = (
    ("ix_receipt_refund_of_pk", "receipt", "refund_of_pk"),
    ("ix_ledger_entry_receipt_pk", "ledger_entry", "receipt_pk"),
    ("ix_point_lot_expires_on", "point_lot", "expires_on"),
)


def upgrade() -> None:
    op.drop_index("ix_lot_member_expiry", table_name="point_lot")
    for name, table, column in PARTIAL:
        op.drop_index(name, table_name=table)
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, table, [column], sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    for name, table, column in PARTIAL:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column])
    op.create_index("ix_lot_member_expiry", "point_lot", ["member_pk", "expires_on"])
