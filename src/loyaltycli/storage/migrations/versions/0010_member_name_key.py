"""A member's name as searches match it (case and accents ignored), kept beside the name.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from loyaltycli.domain.search import search_key

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("member", sa.Column("name_key", sa.String(), nullable=False, server_default=""))
    conn = op.get_bind()
    member = sa.table("member", sa.column("pk", sa.Integer()), sa.column("name", sa.String()))
    keyed = sa.table("member", sa.column("pk", sa.Integer()), sa.column("name_key", sa.String()))
    rows = conn.execute(sa.select(member.c.pk, member.c.name)).all()
    if rows:
        conn.execute(
            keyed.update().where(keyed.c.pk == sa.bindparam("b_pk")).values(name_key=sa.bindparam("b_key")),
            [{"b_pk": pk, "b_key": search_key(name or "")} for pk, name in rows],
        )


def downgrade() -> None:
    op.drop_column("member", "name_key")
