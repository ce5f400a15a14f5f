"""One row per use of a voucher, unique per voucher: the database itself refuses a second use.

Two tills using the same code at the same moment cannot both succeed, and
`verify` can tell a voucher used twice (SPEC §6 item 4) from the rows. Vouchers
already used get their row from `voucher.used_at`.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voucher_use",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("voucher_pk", sa.Integer(), sa.ForeignKey("voucher.pk"), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.Column("receipt", sa.String(), nullable=True),
    )
    op.create_index("ux_voucher_use_voucher", "voucher_use", ["voucher_pk"], unique=True)
    op.execute(
        "INSERT INTO voucher_use (voucher_pk, used_at, receipt) "
        "SELECT pk, used_at, used_receipt FROM voucher WHERE status = 'used' AND used_at IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ux_voucher_use_voucher", table_name="voucher_use")
    op.drop_table("voucher_use")
