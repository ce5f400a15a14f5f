"""Which member a merged duplicate was merged into (`member merge`): its references lead there.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("member", sa.Column("merged_into_pk", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("member", "merged_into_pk")
