"""A member's phone as people write it, kept beside the number (`phones.phone_forms`).

`member show` printed the phone in its national or international form by loading
phonenumbers, about 35 ms of a command whose whole budget is a few hundred. The
forms depend on the number alone, so they are worked out when the number is
stored, as the search key of the name is.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from loyaltycli.domain.phones import phone_forms

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("member", sa.Column("phone_shown", sa.String(), nullable=True))
    conn = op.get_bind()
    member = sa.table("member", sa.column("pk", sa.Integer()), sa.column("phone", sa.String()))
    shown = sa.table("member", sa.column("pk", sa.Integer()), sa.column("phone_shown", sa.String()))
    rows = conn.execute(sa.select(member.c.pk, member.c.phone).where(member.c.phone.is_not(None))).all()
    if rows:
        conn.execute(
            shown.update().where(shown.c.pk == sa.bindparam("b_pk")).values(phone_shown=sa.bindparam("b_shown")),
            [{"b_pk": pk, "b_shown": phone_forms(phone)} for pk, phone in rows],
        )


def downgrade() -> None:
    op.drop_column("member", "phone_shown")
