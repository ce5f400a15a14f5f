"""A card number per member (issue "member cards"): 13 digits with a check digit, drawn at random.

Existing members get one here; new members get one when they are enrolled. A number belongs to one member
at most (a unique index of the rows that have one).

Revision ID: 0015
Revises: 0014
"""

import secrets

import sqlalchemy as sa
from alembic import op

from loyaltycli.domain.cards import card_number

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("member", sa.Column("card", sa.String(13), nullable=True))
    conn = op.get_bind()
    member = sa.table("member", sa.column("pk", sa.Integer()), sa.column("card", sa.String()))
    pks = [pk for (pk,) in conn.execute(sa.select(member.c.pk).order_by(member.c.pk))]
    cards: set[str] = set()
    rows = []
    for pk in pks:
        card = card_number(f"{secrets.randbelow(10**11):011d}")
        while card in cards:
            card = card_number(f"{secrets.randbelow(10**11):011d}")
        cards.add(card)
        rows.append({"b_pk": pk, "b_card": card})
    if rows:
        conn.execute(
            member.update().where(member.c.pk == sa.bindparam("b_pk")).values(card=sa.bindparam("b_card")), rows
        )
    where = sa.text("card IS NOT NULL")
    op.create_index("ux_member_card", "member", ["card"], unique=True, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    op.drop_index("ux_member_card", table_name="member")
    op.drop_column("member", "card")
