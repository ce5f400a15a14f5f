"""An index of merged members by the member they were merged into.

`member show`, `statement` and the counter sum a member's lifetime figures
together with those of the members merged into it; without an index that
look-up read the whole member table on every call. Partial: only merged
members have a value.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    where = sa.text("merged_into_pk IS NOT NULL")
    op.create_index("ix_member_merged_into", "member", ["merged_into_pk"], sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    op.drop_index("ix_member_merged_into", table_name="member")
