"""Alembic environment: always run on a connection that loyaltycli hands in."""

from alembic import context
from sqlmodel import SQLModel

from loyaltycli.storage.models import declare_partial_indexes  # (importing it registers the tables)

declare_partial_indexes()

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
