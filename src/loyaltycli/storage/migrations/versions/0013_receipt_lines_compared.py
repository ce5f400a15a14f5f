"""A receipt no longer stores a fingerprint of its lines: a repeated receipt is compared with its stored lines.

The fingerprint hashed the lines as they were written, so a receipt imported with
`12.5` never matched the same receipt sent again by `purchase` (`12.50`), and
every receipt of an import paid for the hash. The lines themselves have been
stored with the receipt since 0008, in cents; the comparison reads them.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_column("receipt", "fingerprint")


def downgrade() -> None:
    # The hashes are gone; an older version compares against the empty text (a repeat then counts as new data).
    op.add_column("receipt", sa.Column("fingerprint", sa.String(), nullable=False, server_default=""))
