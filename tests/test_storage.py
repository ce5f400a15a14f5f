"""The database: migrations, upgrade of an old file, SQLite settings, file permissions."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from loyaltycli.storage import models  # noqa: F401
from loyaltycli.storage.bulk import one_of
from loyaltycli.storage.database import HEAD_REVISION, Database, _engine, open_database
from loyaltycli.storage.location import Location, mask_password
from loyaltycli.storage.migrate import head_revision, upgrade
from loyaltycli.storage.models import Member, declare_partial_indexes
from tests.conftest import Cli, query


def test_head_revision_constant_matches_the_scripts() -> None:
    assert head_revision() == HEAD_REVISION


def test_migrations_create_exactly_the_models(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    path.touch()
    db = Database(Location(str(path)), _engine(Location(str(path))))
    upgrade(db)
    declare_partial_indexes()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diffs = [
            d
            for d in compare_metadata(context, models.Base.metadata)
            if d[0] != "remove_table" or d[1].name != "alembic_version"
        ]
    db.dispose()
    assert diffs == []


def test_a_database_made_by_the_first_migration_is_upgraded_on_first_use(tmp_path: Path, program_file, clock) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "old.db"
    path.touch()
    db = Database(Location(str(path)), _engine(Location(str(path))))
    upgrade(db, "0001")
    db.dispose()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO program_version (version, name, effective, applied_at, source, data) VALUES "
        "(1, 'Old', NULL, '2025-01-01 00:00:00', '', ?)",
        ('{"program": {"name": "Old", "currency": "EUR", "timezone": "Europe/Berlin"}}',),
    )
    con.execute(
        "INSERT INTO member (id, name, email, email_key, marketing, status, enrolled_at, enrolled_on, debt) VALUES "
        "('M000001', 'Olga', 'olga@example.com', 'olga@example.com', 0, 'active', '2025-01-01 10:00:00', "
        "'2025-01-01', 0)"
    )
    con.commit()
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    con.close()
    cli = Cli(path)
    assert cli.json("member", "show", "olga@example.com")["name"] == "Olga"
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
    indexes = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "ix_ledger_member_date" in indexes
    con.close()


def test_new_sqlite_file_is_private_wal_and_enforces_foreign_keys(tmp_path: Path, program_file, clock) -> None:  # type: ignore[no-untyped-def]
    cli = Cli(tmp_path / "fresh.db")  # `init` itself, not the copy of a template the other tests start from
    cli("init", "--program", str(program_file()))
    mode = stat.S_IMODE(os.stat(cli.db).st_mode)
    assert mode == 0o600
    con = sqlite3.connect(cli.db)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.close()
    engine = _engine(Location(str(cli.db)))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


def test_init_force_says_what_it_removes_and_wants_yes(cli: Cli, program_file) -> None:  # type: ignore[no-untyped-def]
    cli("enroll", "Anna")
    cli("purchase", "Anna", "10.00", expect=None)
    cli("enroll", "Ben", "--email", "ben@example.com")
    cli("purchase", "ben@example.com", "10.00")
    refused = cli("init", "--program", str(program_file()), "--force", expect=2)  # no terminal to ask on
    assert "holds 2 members, 1 receipt and 110 points" in refused.stderr and "--yes" in refused.stderr
    assert len(cli.json("member", "list")) == 2
    done = cli("init", "--program", str(program_file()), "--force", "--yes")
    assert "holds 2 members" in done.stderr
    assert cli.json("member", "list") == []


def test_programme_versions_and_effective_dates(cli: Cli, program_file) -> None:  # type: ignore[no-untyped-def]
    newer = program_file(Path(program_file()).read_text().replace("Test Shop", "Test Shop 2"), "v2.toml")
    doc = cli.json("program", "apply", str(newer), "--effective", "2027-01-01")
    assert doc == {"version": 2, "effective": "2027-01-01", "program": "Test Shop 2"}
    assert cli.json("program", "show")["program"]["name"] == "Test Shop"  # not yet in force
    doc = cli.json("program", "apply", str(newer))
    assert doc["version"] == 3 and doc["effective"] == "2026-06-15"
    assert cli.json("program", "show")["version"] == 3


def test_export_then_check_gives_the_same_programme(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "exported.toml"
    cli("program", "export", "-o", str(out))
    assert cli.json("program", "check", str(out))["ok"] is True
    from loyaltycli.domain.program import parse_program
    from tests.conftest import BASIC_PROGRAM

    assert parse_program(out.read_text(), "x") == parse_program(BASIC_PROGRAM, "y")


def test_info_masks_passwords() -> None:
    assert mask_password("postgresql://shop:s3cret@db.local/loyalty") == "postgresql://shop:***@db.local/loyalty"


def test_instants_are_stored_as_naive_utc(cli: Cli) -> None:
    cli("enroll", "Anna", "--date", "2026-03-01T23:30-05:00")
    row = query(cli.db, "SELECT enrolled_at, enrolled_on FROM member")[0]
    assert str(row[0]).startswith("2026-03-02 04:30:00") and str(row[1]) == str(dt.date(2026, 3, 2))


def test_one_of_matches_a_large_batch_of_awkward_values_on_both_backends(cli: Cli) -> None:
    """`one_of` passes a batch as one parameter (JSON array on SQLite, array on PostgreSQL): quotes,
    non-ASCII text and numbers must come back exactly, and an empty batch matches nothing."""
    names = ['O\'Brien "Jr"', "Zoë Ærø", "plain"]
    for name in names:
        cli("enroll", name, "--id", name)
    db = open_database(Location(cli.db))
    try:
        with db.read() as tx:
            dialect = tx.conn.dialect.name
            wanted = [*names, *(f"nobody-{n}" for n in range(5000))]
            found = tx.conn.scalars(select(Member.id).where(one_of(Member.id, wanted, dialect))).all()
            assert sorted(found) == sorted(names)
            pks = tx.conn.scalars(select(Member.pk)).all()
            assert sorted(tx.conn.scalars(select(Member.pk).where(one_of(Member.pk, pks, dialect))).all()) == sorted(
                pks
            )
            assert tx.conn.scalars(select(Member.pk).where(one_of(Member.pk, [], dialect))).all() == []
    finally:
        db.engine.dispose()


def test_upgrading_keeps_the_lines_and_uses_of_an_older_database(tmp_path: Path, program_file, clock) -> None:  # type: ignore[no-untyped-def]
    """0007 -> 0008 moves receipt lines into the receipt; 0006 -> 0007 records the uses of used vouchers;
    the append-only triggers survive every step."""
    path = tmp_path / "old.db"
    cli = Cli(path)
    cli("init", "--program", str(program_file()))
    cli("enroll", "Anna", "--email", "anna@example.com")
    first = cli.json(
        "purchase", "anna@example.com", "-", "--line", "A:books:2:14.99", "--line", ":x:1:3.00", "--receipt", "P1"
    )
    code = cli.json("redeem", "anna@example.com", "mug")["voucher"]
    cli("voucher", "use", code)
    db = Database(Location(str(path)), _engine(Location(str(path))))
    from alembic import command

    from loyaltycli.storage.migrate import alembic_config

    with db.write_engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
    db.dispose()
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM receipt_line").fetchone() == (2,)
    con.close()
    again = cli.json(
        "purchase", "anna@example.com", "-", "--line", "A:books:2:14.99", "--line", ":x:1:3.00", "--receipt", "P1"
    )
    assert again["breakdown"] == first["breakdown"]
    assert cli.json("verify")["ok"] is True
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM voucher_use").fetchone() == (1,)
    triggers = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"ledger_entry_no_update", "ledger_entry_no_delete"} <= triggers
    con.close()


def test_receipt_lines_are_stored_as_compact_json() -> None:
    """The hand-written encoder writes exactly what json.dumps would, for any text and numbers."""
    import json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from loyaltycli.domain.purchase_plans import LineRow, decode_lines, encode_lines

    text = st.none() | st.text(max_size=12)
    line = st.builds(
        LineRow, text, text, st.integers(-(10**8), 10**8), st.integers(-(10**10), 10**10), st.booleans(), text
    )

    @settings(max_examples=200, deadline=None)
    @given(st.lists(line, max_size=5))
    def check(lines: list[LineRow]) -> None:
        expected = json.dumps(
            [[*ln[:4], 1 if ln[4] else 0, ln[5]] for ln in lines], separators=(",", ":"), ensure_ascii=False
        )
        assert encode_lines(lines) == expected
        assert decode_lines(encode_lines(lines)) == lines

    check()


def test_a_members_tier_history_counts_receipts_in_the_window_and_before_the_instant() -> None:
    """MemberState keeps its receipts as flat integers; the qualifying sum reads them back exactly."""
    import datetime as dt

    from loyaltycli.storage.state import MemberState

    state = MemberState(1, "M000001", "active", None, dt.date(2025, 1, 1), None, 0)
    noon = dt.datetime(2026, 3, 1, 12, 0, 0, 250_000)
    state.remember(dt.datetime(2025, 2, 28, 9, 0), dt.date(2025, 2, 28), 10_000, 100)  # before the window
    state.remember(dt.datetime(2025, 3, 1, 9, 0), dt.date(2025, 3, 1), 5_000, 50)
    state.remember(noon, dt.date(2026, 3, 1), 2_500, 25)
    state.remember(dt.datetime(2026, 3, 1, 13, 0), dt.date(2026, 3, 1), -1_000, -10)  # a refund, after noon
    since = dt.date(2025, 3, 1)
    assert state.qualifying("spend", since, noon) == 5_000  # the receipt at exactly `before` does not count
    assert state.qualifying("spend", since, noon + dt.timedelta(microseconds=1)) == 7_500
    assert state.qualifying("points", since, dt.datetime(2026, 3, 2)) == 65
    assert state.qualifying("spend", dt.date(2024, 1, 1), dt.datetime(2027, 1, 1)) == 16_500


def test_a_receipt_id_stored_a_moment_ago_by_another_till_is_said(cli: Cli) -> None:
    """The one insert into `receipt` turns the database's unique violation into ReceiptIdTaken, which
    refunds and returns report as a duplicate (a race another till won)."""
    import datetime as dt

    import pytest

    from loyaltycli.storage.receipts import ReceiptIdTaken, add_receipt

    db = open_database(Location(str(cli.db)))
    try:
        values = {
            "receipt_id": "RACE-1",
            "kind": "return",
            "occurred_at": dt.datetime(2026, 6, 15, 8, 0),
            "local_date": dt.date(2026, 6, 15),
            "program_version": 1,
            "total_cents": 500,
            "created_at": dt.datetime(2026, 6, 15, 8, 0),
        }
        with db.write() as tx:
            added = add_receipt(tx, **values)
            assert (added.receipt_id, added.total_cents, added.points) == ("RACE-1", 500, 0)
        with pytest.raises(ReceiptIdTaken), db.write() as tx:
            add_receipt(tx, **values)
    finally:
        db.dispose()
    assert query(cli.db, "SELECT receipt_id, source, lines FROM receipt") == [("RACE-1", "cli", "[]")]


def test_a_member_enrolled_a_moment_ago_by_another_till_is_refused_as_a_duplicate(cli: Cli) -> None:
    """`enroll` is a batch of one through the one insert into `member`: a unique id, e-mail or phone taken
    between its checks and its insert (another till) is a DuplicateError, not an internal error."""
    import datetime as dt

    import pytest

    from loyaltycli.errors import DuplicateError
    from loyaltycli.storage.members import NewMember, NewMembers

    cli("enroll", "Anna", "--email", "anna@example.com")
    db = open_database(Location(str(cli.db)))
    try:
        with pytest.raises(DuplicateError, match="already has this id, e-mail or phone"), db.write() as tx:
            enrolment = NewMembers(tx)
            (pk,) = enrolment.pks(1)
            at, day = dt.datetime(2026, 6, 15, 8, 0), dt.date(2026, 6, 15)
            enrolment.insert(
                [NewMember(pk, "X1", "Anna 2", "Anna@example.com", "anna@example.com", None, None, False, at, day)]
            )
    finally:
        db.dispose()
    assert query(cli.db, "SELECT id FROM member") == [("M000001",)]
