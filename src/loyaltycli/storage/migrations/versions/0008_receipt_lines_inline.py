"""A receipt's lines are stored with the receipt, as one compact JSON text, not one row each.

Nothing queries single lines: they are read back whole (a repeated purchase's
breakdown, `member export`).  One row per line was a third of an import's
writing (200,000 rows for 60,000 receipts).  Each line is
`[sku, category, quantity_milli, amount_cents, eligible (0/1), campaign_id]`.

Revision ID: 0008
Revises: 0007
"""

import json
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("receipt", sa.Column("lines", sa.Text(), nullable=False, server_default="[]"))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT receipt_pk, sku, category, quantity_milli, amount_cents, eligible, campaign_id "
            "FROM receipt_line ORDER BY receipt_pk, line_no"
        )
    )
    lines: dict[int, list[list[object]]] = defaultdict(list)
    for receipt_pk, sku, category, quantity, cents, eligible, campaign in rows:
        lines[receipt_pk].append([sku, category, quantity, cents, 1 if eligible else 0, campaign])
    if lines:
        conn.execute(
            sa.text("UPDATE receipt SET lines = :lines WHERE pk = :pk"),
            [{"pk": pk, "lines": json.dumps(found, separators=(",", ":"))} for pk, found in lines.items()],
        )
    op.drop_table("receipt_line")


def downgrade() -> None:
    op.create_table(
        "receipt_line",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("receipt_pk", sa.Integer(), sa.ForeignKey("receipt.pk"), nullable=False, index=True),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String()),
        sa.Column("category", sa.String()),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("campaign_id", sa.String()),
    )
    conn = op.get_bind()
    for pk, text in conn.execute(sa.text("SELECT pk, lines FROM receipt")).all():
        for n, (sku, category, quantity, cents, eligible, campaign) in enumerate(json.loads(text), start=1):
            conn.execute(
                sa.text(
                    "INSERT INTO receipt_line (receipt_pk, line_no, sku, category, quantity_milli, amount_cents, "
                    "eligible, campaign_id) VALUES (:r, :n, :s, :c, :q, :a, :e, :k)"
                ),
                {
                    "r": pk,
                    "n": n,
                    "s": sku,
                    "c": category,
                    "q": quantity,
                    "a": cents,
                    "e": bool(eligible),
                    "k": campaign,
                },
            )
    op.drop_column("receipt", "lines")
