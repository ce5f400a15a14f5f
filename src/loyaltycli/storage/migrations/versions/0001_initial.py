"""The first schema: programme versions, members, receipts, ledger, lots, vouchers, stamps.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _pk() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("pk", sa.Integer(), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "program_version",
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("effective", sa.Date(), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_table(
        "member",
        _pk(),
        sa.Column("id", sa.String(64), unique=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String()),
        sa.Column("email_key", sa.String(), unique=True),
        sa.Column("phone", sa.String(), unique=True),
        sa.Column("birthday", sa.Date()),
        sa.Column("marketing", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("block_reason", sa.String()),
        sa.Column("referred_by_pk", sa.Integer(), sa.ForeignKey("member.pk")),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("last_purchase_on", sa.Date()),
        sa.Column("erased_at", sa.DateTime()),
        sa.Column("debt", sa.Integer(), nullable=False),
    )
    op.create_table(
        "receipt",
        _pk(),
        sa.Column("receipt_id", sa.String(128), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("member_pk", sa.Integer(), sa.ForeignKey("member.pk")),
        sa.Column("refund_of_pk", sa.Integer(), sa.ForeignKey("receipt.pk")),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("program_version", sa.Integer(), sa.ForeignKey("program_version.version"), nullable=False),
        sa.Column("channel", sa.String()),
        sa.Column("store", sa.String()),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("eligible_cents", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("bonus_points", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.String()),
        sa.Column("stamps", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "receipt_line",
        _pk(),
        sa.Column("receipt_pk", sa.Integer(), sa.ForeignKey("receipt.pk"), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String()),
        sa.Column("category", sa.String()),
        sa.Column("quantity_milli", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("campaign_id", sa.String()),
    )
    op.create_table(
        "voucher",
        _pk(),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("member_pk", sa.Integer(), sa.ForeignKey("member.pk"), nullable=False),
        sa.Column("reward_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.String()),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("used_at", sa.DateTime()),
        sa.Column("used_receipt", sa.String()),
        sa.Column("receipt_pk", sa.Integer(), sa.ForeignKey("receipt.pk")),
    )
    op.create_table(
        "ledger_entry",
        _pk(),
        sa.Column("member_pk", sa.Integer(), sa.ForeignKey("member.pk"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("program_version", sa.Integer(), sa.ForeignKey("program_version.version"), nullable=False),
        sa.Column("command", sa.String(32), nullable=False),
        sa.Column("receipt_pk", sa.Integer(), sa.ForeignKey("receipt.pk")),
        sa.Column("voucher_pk", sa.Integer(), sa.ForeignKey("voucher.pk")),
        sa.Column("ref", sa.String(128)),
        sa.Column("note", sa.String()),
    )
    op.create_table(
        "point_lot",
        _pk(),
        sa.Column("member_pk", sa.Integer(), sa.ForeignKey("member.pk"), nullable=False),
        sa.Column("entry_pk", sa.Integer(), sa.ForeignKey("ledger_entry.pk"), nullable=False, unique=True),
        sa.Column("earned", sa.Integer(), nullable=False),
        sa.Column("available_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date()),
        sa.Column("remaining", sa.Integer(), nullable=False),
    )
    op.create_table(
        "lot_use",
        _pk(),
        sa.Column("lot_pk", sa.Integer(), sa.ForeignKey("point_lot.pk"), nullable=False),
        sa.Column("entry_pk", sa.Integer(), sa.ForeignKey("ledger_entry.pk"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
    )
    op.create_table(
        "stamp_count",
        _pk(),
        sa.Column("member_pk", sa.Integer(), sa.ForeignKey("member.pk"), nullable=False),
        sa.Column("card_id", sa.String(64), nullable=False),
        sa.Column("stamps", sa.Integer(), nullable=False),
        sa.UniqueConstraint("member_pk", "card_id"),
    )


def downgrade() -> None:
    for table in (
        "stamp_count",
        "lot_use",
        "point_lot",
        "ledger_entry",
        "voucher",
        "receipt_line",
        "receipt",
        "member",
        "program_version",
    ):
        op.drop_table(table)
