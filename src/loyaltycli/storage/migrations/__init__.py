"""Alembic migrations shipped in the package; `loyaltycli.storage.migrate` runs them."""
