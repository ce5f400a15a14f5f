"""An idempotency key on ledger entries: `redeem --key ID` makes a till's retry safe.

A unique index over the entries that have a key: one key names at most one entry.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy of the table, which would drop the append-only triggers).
    op.add_column("ledger_entry", sa.Column("idempotency_key", sa.String(128), nullable=True))
    # Partial: only the few entries with a key are indexed, so bulk inserts (an import) pay nothing for it.
    op.create_index(
        "ux_ledger_idempotency_key",
        "ledger_entry",
        ["idempotency_key"],
        unique=True,
        sqlite_where=sa.text("idempotency_key IS NOT NULL"),
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ux_ledger_idempotency_key", table_name="ledger_entry")
    op.drop_column("ledger_entry", "idempotency_key")
