"""Alembic environment: always run on a connection that loyaltycli hands in."""

from alembic import context

from loyaltycli.storage.models import Base, declare_partial_indexes

declare_partial_indexes()

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
