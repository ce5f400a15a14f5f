"""Shared fixtures: a CliRunner, a fresh database per test, a pinned clock."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import time_machine
from typer.testing import CliRunner

from loyaltycli.cli import app_for, global_options_first
from loyaltycli.i18n import set_language

BASIC_PROGRAM = """\
[program]
name = "Test Shop"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1
rounding = "floor"

[bonuses]
signup = 50

[expiry]
policy = "fixed"
months = 24

[redeem]
min_balance = 50
voucher_days = 90

[[rewards]]
id = "mug"
name = "Mug"
points = 80
kind = "free_item"
value = "8.00"
"""

NOW = "2026-06-15T10:00:00+02:00"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOYALTY_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("LOYALTY_LANG", "en")  # tests read English unless they ask for German
    set_language(None)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class Cli:
    """Runs `loyalty --db DB ...` in-process and keeps the last result."""

    def __init__(self, db: Path | str) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, expect: int | None = 0) -> Any:
        argv = global_options_first(["--db", str(self.db), *args])
        # As `loyalty` itself runs: the root with only the command asked for (building all 44 took 55 ms).
        result = self.runner.invoke(app_for(argv), argv, catch_exceptions=False)
        if expect is not None:
            assert result.exit_code == expect, (
                f"loyalty {' '.join(args)}: exit {result.exit_code}, expected {expect}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}"
            )
        return result

    def json(self, *args: str, expect: int = 0) -> Any:
        import json

        result = self(*args, "--json", expect=expect)
        return json.loads(result.stdout)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def program_file(tmp_path: Path) -> Callable[..., Path]:
    def make(text: str = BASIC_PROGRAM, name: str = "program.toml") -> Path:
        return write(tmp_path / name, text)

    return make


POSTGRES = os.environ.get("LOYALTY_TEST_POSTGRES")
ENABLE_POSTGRES = "set LOYALTY_TEST_POSTGRES=postgresql://postgres@127.0.0.1:5432/test to run them on PostgreSQL too"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Every test that asks for a database runs on both backends (PostgreSQL when configured)."""
    if request.param == "postgresql" and not POSTGRES:
        pytest.skip(ENABLE_POSTGRES)
    return str(request.param)


@pytest.fixture
def make_db(backend: str, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Names a fresh database: a file in tmp_path, or a PostgreSQL schema of its own, dropped afterwards."""
    schemas: list[str] = []

    def make(name: str) -> str:
        if backend == "sqlite":
            return str(tmp_path / f"{name}.db")
        assert POSTGRES is not None
        schema = f"t_{uuid.uuid4().hex[:12]}"
        _pg_execute(f"CREATE SCHEMA {schema}")
        schemas.append(schema)
        separator = "&" if "?" in POSTGRES else "?"
        return f"{POSTGRES}{separator}options=-csearch_path%3D{schema}"

    yield make
    for schema in schemas:
        _pg_execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _pg_execute(sql: str) -> None:
    import psycopg

    assert POSTGRES is not None
    with psycopg.connect(POSTGRES, autocommit=True) as conn:  # an unreachable server fails the test
        conn.execute(sql)


@contextmanager
def _connection(target: str | Path) -> Iterator[Any]:
    """A connection to a test database on either backend, closed (engine and all) afterwards."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = (
        make_url(str(target)).set(drivername="postgresql+psycopg")
        if str(target).startswith("postgres")
        else f"sqlite:///{target}"
    )
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def query(target: str | Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on either backend (tests only read with it)."""
    from sqlalchemy import text

    with _connection(target) as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def snapshot(target: str | Path) -> dict[str, Any]:
    """Row count and digest of every table, on either backend (to prove a command changed nothing)."""
    from sqlalchemy import inspect, text

    result = {}
    with _connection(target) as conn:
        for name in sorted(inspect(conn).get_table_names()):
            rows = [repr(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{name}"'))]
            result[name] = (len(rows), hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest())
    return result


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not POSTGRES:
        terminalreporter.write_line(f"PostgreSQL tests skipped: {ENABLE_POSTGRES}.")


@pytest.fixture(scope="session")
def _initialised(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path, Path], None]:
    """`loyalty init` of a SQLite file, done once per programme text at NOW and copied after that: the
    database `init` writes depends on nothing else, and most tests start from BASIC_PROGRAM."""
    made: dict[str, Path] = {}
    folder = tmp_path_factory.mktemp("initialised")

    def initialise(target: Path, program: Path) -> None:
        digest = hashlib.sha256(program.read_bytes()).hexdigest()
        if digest not in made:
            template = folder / f"{digest}.db"
            with time_machine.travel(NOW, tick=False):
                Cli(template)("init", "--program", str(program))
            made[digest] = template
        shutil.copy2(made[digest], target)

    return initialise


@pytest.fixture
def cli(
    make_db: Callable[[str], str],
    program_file: Callable[..., Path],
    clock: Any,
    backend: str,
    _initialised: Callable[[Path, Path], None],
) -> Cli:
    """A database initialised with BASIC_PROGRAM on each backend, clock pinned to NOW."""
    runner = Cli(make_db("shop"))
    if backend == "sqlite":
        _initialised(Path(runner.db), program_file())
    else:
        runner("init", "--program", str(program_file()))
    return runner


@pytest.fixture
def sqlite_cli(
    tmp_path: Path, program_file: Callable[..., Path], clock: Any, _initialised: Callable[[Path, Path], None]
) -> Cli:
    """Like `cli`, on SQLite only (for tests that read the file itself)."""
    runner = Cli(tmp_path / "shop.db")
    _initialised(tmp_path / "shop.db", program_file())
    return runner


def fingerprint(path: Path) -> dict[str, Any] | None:
    """Per-table row count and digest of a SQLite file (to prove a command changed nothing)."""
    if not os.path.exists(path):
        return None
    con = sqlite3.connect(path)
    try:
        result: dict[str, Any] = {}
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
            rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            result[name] = (len(rows), hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest())
        return result
    finally:
        con.close()
