"""Storage: the tables (SQLAlchemy declarative), the engine (SQLite or PostgreSQL) and Alembic migrations.

Only standard SQL through SQLAlchemy lives here; the one SQLite-specific part
is the connection setup in `database.py` (WAL, busy timeout, foreign keys,
BEGIN IMMEDIATE for writes).
"""
