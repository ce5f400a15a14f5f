"""Marketing consent as events (issue 31): when, through which channel, to which wording of the text.

`member.marketing` stays as what the latest event says (mailing lists read it). A member who consented
before events were kept gets one event at enrolment, channel `migration`: the consent is on record, but
when and how it was given was not.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_event",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("member_pk", sa.Integer(), sa.ForeignKey("member.pk"), nullable=False),
        sa.Column("marketing", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("text_version", sa.String(64)),
    )
    op.create_index("ix_consent_event_member_pk", "consent_event", ["member_pk"])
    member = sa.table(
        "member", sa.column("pk", sa.Integer()), sa.column("marketing", sa.Boolean()), sa.column("enrolled_at")
    )
    event = sa.table(
        "consent_event",
        sa.column("member_pk", sa.Integer()),
        sa.column("marketing", sa.Boolean()),
        sa.column("at", sa.DateTime()),
        sa.column("channel", sa.String()),
    )
    consented = sa.select(member.c.pk, sa.true(), member.c.enrolled_at, sa.literal("migration")).where(
        member.c.marketing.is_(True)
    )
    op.execute(event.insert().from_select(["member_pk", "marketing", "at", "channel"], consented))


def downgrade() -> None:
    op.drop_index("ix_consent_event_member_pk", table_name="consent_event")
    op.drop_table("consent_event")
