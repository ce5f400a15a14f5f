"""Indexes for the look-ups that must not slow down with years of sales.

A member's receipts and ledger by date, lots by expiry, a receipt's lines and
entries, lot uses both ways.  Added after the first schema, so databases made
by 0001 are upgraded on first use.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_receipt_member_date", "receipt", ["member_pk", "local_date"]),
    ("ix_receipt_local_date", "receipt", ["local_date"]),
    ("ix_receipt_refund_of_pk", "receipt", ["refund_of_pk"]),
    ("ix_receipt_line_receipt_pk", "receipt_line", ["receipt_pk"]),
    ("ix_ledger_member_date", "ledger_entry", ["member_pk", "business_date"]),
    ("ix_ledger_entry_receipt_pk", "ledger_entry", ["receipt_pk"]),
    ("ix_lot_member_expiry", "point_lot", ["member_pk", "expires_on"]),
    ("ix_point_lot_expires_on", "point_lot", ["expires_on"]),
    ("ix_lot_use_lot_pk", "lot_use", ["lot_pk"]),
    ("ix_lot_use_entry_pk", "lot_use", ["entry_pk"]),
    ("ix_voucher_member_pk", "voucher", ["member_pk"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
