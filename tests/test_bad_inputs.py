"""Bad input is refused with the exit code of SPEC §1, a short message, no traceback, no change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import BASIC_PROGRAM, Cli, fingerprint

GOOD = BASIC_PROGRAM


def bad_program(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# (name, args builder, exit code, words the message must contain)
CASES = [
    (
        "malformed TOML",
        lambda t: ["program", "apply", bad_program(t, "m.toml", GOOD.replace('"Test Shop"', '"Test'))],
        2,
        ["m.toml:2", "invalid TOML"],
    ),
    (
        "unknown key",
        lambda t: ["program", "apply", bad_program(t, "k.toml", GOOD.replace("rounding", "roundin"))],
        2,
        ["k.toml:8", "earn.roundin", "unknown key"],
    ),
    (
        "negative rate",
        lambda t: ["program", "apply", bad_program(t, "n.toml", GOOD + "\n[earn.category_rates]\nbooks = -2\n")],
        2,
        ["n.toml", "earn.category_rates.books"],
    ),
    (
        "zero rate",
        lambda t: [
            "program",
            "apply",
            bad_program(t, "z.toml", GOOD.replace("points_per_unit = 1", "points_per_unit = 0")),
        ],
        2,
        ["earn.points_per_unit"],
    ),
    (
        "bad rounding",
        lambda t: ["program", "apply", bad_program(t, "r.toml", GOOD.replace('"floor"', '"bankers"'))],
        2,
        ["earn.rounding"],
    ),
    (
        "bad timezone",
        lambda t: ["program", "apply", bad_program(t, "tz.toml", GOOD.replace("Europe/Berlin", "Europe/Atlantis"))],
        2,
        ["tz.toml:4", "program.timezone"],
    ),
    (
        "unknown currency",
        lambda t: ["program", "apply", bad_program(t, "c.toml", GOOD.replace('"EUR"', '"EURO"'))],
        2,
        ["c.toml:3", "program.currency"],
    ),
    (
        "missing name",
        lambda t: ["program", "apply", bad_program(t, "nn.toml", GOOD.replace('name = "Test Shop"\n', ""))],
        2,
        ["program.name"],
    ),
    (
        "reward of unknown tier",
        lambda t: ["program", "apply", bad_program(t, "mt.toml", GOOD + 'min_tier = "Gold"\n')],
        2,
        ["rewards.0.min_tier"],
    ),
    ("missing programme file", lambda t: ["program", "apply", str(t / "missing.toml")], 2, ["missing.toml"]),
    ("check malformed", lambda t: ["program", "check", bad_program(t, "m2.toml", "[program\n")], 2, ["m2.toml:1"]),
    (
        "bad --effective",
        lambda t: ["program", "apply", bad_program(t, "ok.toml", GOOD), "--effective", "2026-02-30"],
        2,
        ["--effective", "2026-02-30"],
    ),
    ("init on existing db", lambda t: ["init", "--program", bad_program(t, "ok2.toml", GOOD)], 1, ["--force"]),
    ("unknown member", lambda t: ["member", "show", "nobody@example.com"], 1, ["nobody@example.com"]),
    ("id that is another member's phone", lambda t: ["enroll", "Carl", "--id", "01701111111"], 1, ["01701111111"]),
    ("id that is another member's e-mail", lambda t: ["enroll", "Carl", "--id", "ANNA@example.com"], 1, ["--id"]),
    ("duplicate e-mail", lambda t: ["enroll", "Anna 2", "--email", "ANNA@example.com"], 1, ["e-mail"]),
    ("duplicate phone in another form", lambda t: ["enroll", "Anna 3", "--phone", "0049 170-1111111"], 1, ["phone"]),
    ("duplicate id", lambda t: ["enroll", "Ben 2", "--id", "BEN"], 1, ["id"]),
    ("impossible birthday", lambda t: ["enroll", "Eve", "--birthday", "1990-02-30"], 2, ["--birthday", "1990-02-30"]),
    ("future birthday", lambda t: ["enroll", "Eve", "--birthday", "2090-01-01"], 2, ["--birthday"]),
    ("bad e-mail", lambda t: ["enroll", "Eve", "--email", "eve at example"], 2, ["--email"]),
    ("bad phone", lambda t: ["enroll", "Eve", "--phone", "call me"], 2, ["phone"]),
    ("bad enrol date", lambda t: ["enroll", "Eve", "--date", "2026-13-45"], 2, ["--date", "2026-13-45"]),
    ("empty name", lambda t: ["enroll", "   "], 2, ["name"]),
    ("unknown referrer", lambda t: ["enroll", "Eve", "--referred-by", "ghost"], 1, ["ghost"]),
    ("block without reason", lambda t: ["member", "block", "BEN"], 2, ["--reason"]),
    ("erase without --yes", lambda t: ["member", "erase", "BEN"], 2, ["--yes"]),
    ("edit erased member", lambda t: ["member", "edit", "ERASED", "--name", "X"], 1, ["erased"]),
    ("bad birthday month", lambda t: ["member", "list", "--birthday-month", "13"], 2, ["--birthday-month"]),
    ("unknown tier", lambda t: ["member", "list", "--tier", "Gold"], 2, ["--tier", "Gold"]),
    ("bad status", lambda t: ["member", "list", "--status", "sleepy"], 2, ["--status"]),
    ("unknown option", lambda t: ["member", "list", "--frobnicate"], 2, ["--frobnicate"]),
    ("unknown command", lambda t: ["frobnicate"], 2, ["frobnicate"]),
    (
        "a table declared twice",
        lambda t: ["program", "apply", bad_program(t, "twice.toml", GOOD + "\n[abuse]\n[abuse]\n")],
        2,
        ["twice.toml", "twice"],
    ),
    ("not an integer", lambda t: ["member", "list", "--lapsed", "soon"], 2, ["--lapsed"]),
]


@pytest.fixture
def shop(sqlite_cli: Cli) -> Cli:
    cli = sqlite_cli
    cli("enroll", "Anna", "--email", "anna@example.com", "--phone", "+49 170 1111111")
    cli("enroll", "Ben", "--id", "BEN")
    cli("enroll", "Gone", "--id", "ERASED")
    cli("member", "erase", "ERASED", "--yes")
    return cli


def test_there_are_at_least_25_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize(("name", "args", "code", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_cleanly(shop: Cli, tmp_path: Path, name: str, args, code: int, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    before = fingerprint(shop.db)
    result = shop(*args(tmp_path), expect=code)
    assert fingerprint(shop.db) == before, f"{name}: the database changed"
    err = " ".join(result.stderr.split())
    assert err, f"{name}: nothing on stderr"
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word.lower() in err.lower(), f"{name}: {word!r} not in {err!r}"
    assert err.count(". ") <= 3, f"{name}: more than two sentences: {err!r}"
    assert result.stderr.endswith("\n"), f"{name}: the message runs into the next line: {result.stderr!r}"


def test_missing_database_is_not_created(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "never.db")
    result = cli("member", "list", expect=1)
    assert "init" in result.stderr
    assert not (tmp_path / "never.db").exists()


def test_database_in_a_missing_folder(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "no" / "such" / "x.db")
    result = cli("member", "list", expect=1)
    assert "does not exist" in result.stderr
    assert not (tmp_path / "no").exists()


def test_init_with_a_malformed_programme_creates_nothing(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "new.db")
    result = cli("init", "--program", bad_program(tmp_path, "bad.toml", "[program"), expect=2)
    assert "bad.toml:1" in result.stderr
    assert not (tmp_path / "new.db").exists()


def test_init_in_a_missing_folder(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "nope" / "new.db")
    cli("init", "--program", bad_program(tmp_path, "ok.toml", GOOD), expect=2)
    assert not os.path.exists(tmp_path / "nope")


def test_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = Cli(junk)("member", "list", expect=1)
    assert "junk.db" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["program", "export", "-o", "/nonexistent/dir/x.toml"],
        ["report", "--html", "/nonexistent/dir/r.html"],
        ["statement", "BEN", "--html", "/nonexistent/dir/s.html"],
        ["import", "/nonexistent/dir/sales.csv"],
    ],
)
def test_output_or_input_in_a_missing_folder(shop: Cli, args: list[str]) -> None:
    result = shop(*args, expect=2)
    assert "/nonexistent/dir/" in result.stderr and "Traceback" not in result.stderr


def test_the_installed_command_ends_its_error_with_a_newline(tmp_path: Path) -> None:
    import subprocess
    import sys

    twice = bad_program(tmp_path, "cafe.toml", GOOD + "\n[abuse]\nmax_receipts_per_day = 1\n[abuse]\n")
    done = subprocess.run(
        [sys.executable, "-m", "loyaltycli", "--db", str(tmp_path / "n.db"), "init", "--program", twice],
        capture_output=True,
        text=True,
        env={**os.environ, "LOYALTY_LANG": "en"},
    )
    assert done.returncode == 2 and "twice" in done.stderr and done.stderr.endswith("\n"), done.stderr
