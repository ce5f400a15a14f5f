"""Marketing consent as provable events (SPEC §3 `consent`, issue 31 item 4): time, channel and the
consent text's version, for every way a consent is given or withdrawn; mailing lists follow the latest."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, query

PROGRAM = """\
[program]
name = "Consent Shop"
currency = "EUR"
timezone = "Europe/Berlin"

[consent]
text_version = "2026-11"
"""


@pytest.fixture
def shop(make_db: Callable[[str], str], program_file: Callable[..., Path], clock: Any) -> Cli:
    cli = Cli(make_db("consent"))
    cli("init", "--program", str(program_file(PROGRAM, "consent.toml")))
    return cli


def test_every_consent_and_withdrawal_is_an_event_newest_first(shop: Cli, clock: Any) -> None:
    shop("enroll", "Anna", "--email", "anna@example.com", "--marketing")  # at the till, 10:00
    clock.move_to("2026-06-20T18:30:00+02:00")
    withdrawn = shop.json("consent", "anna@example.com", "--marketing", "nein", "--channel", "web")
    assert withdrawn == {
        "member": "M000001",
        "marketing": False,
        "at": "2026-06-20T18:30:00+02:00",
        "channel": "web",
        "text_version": "2026-11",
    }
    clock.move_to("2026-07-01T09:15:00+02:00")
    shop("member", "edit", "anna@example.com", "--marketing")
    shown = shop.json("member", "show", "anna@example.com")
    assert shown["marketing"] is True
    assert shown["consents"] == [
        {"marketing": True, "at": "2026-07-01T09:15:00+02:00", "channel": "till", "text_version": "2026-11"},
        {"marketing": False, "at": "2026-06-20T18:30:00+02:00", "channel": "web", "text_version": "2026-11"},
        {"marketing": True, "at": "2026-06-15T10:00:00+02:00", "channel": "till", "text_version": "2026-11"},
    ]
    text = shop("member", "show", "anna@example.com").stdout
    assert "Marketing consent" in text and "withdrawn" in text and "on the web" in text


def test_mailing_lists_follow_the_latest_event(shop: Cli) -> None:
    shop("enroll", "Anna", "--email", "anna@example.com", "--marketing")
    shop("enroll", "Ben", "--email", "ben@example.com")
    shop("enroll", "Cleo", "--email", "cleo@example.com", "--marketing")
    shop("consent", "cleo@example.com", "--marketing", "no")
    shop("consent", "ben@example.com", "--marketing", "yes", "--channel", "counter")
    listed = shop("member", "list", "--marketing", "--csv").stdout.splitlines()[1:]
    assert sorted(line.split(",")[0] for line in listed) == ["M000001", "M000002"]
    for member_id, flag in query(shop.db, "SELECT id, marketing FROM member ORDER BY id"):
        events = query(
            shop.db,
            "SELECT e.marketing FROM consent_event e JOIN member m ON m.pk = e.member_pk WHERE m.id = "
            f"'{member_id}' ORDER BY e.at DESC, e.pk DESC",
        )
        assert bool(flag) == (bool(events[0][0]) if events else False)


def test_a_customer_list_and_the_counter_record_their_channel(shop: Cli, tmp_path: Path, clock: Any) -> None:
    customers = tmp_path / "kunden.csv"
    customers.write_text("Name;E-Mail;Newsletter\nAnna;anna@example.com;ja\nBen;ben@example.com;nein\n")
    shop("member", "import", str(customers))
    from loyaltycli.counter.work import Backend
    from loyaltycli.storage.database import open_database
    from loyaltycli.storage.location import Location

    db = open_database(Location(str(shop.db)))
    try:
        Backend(db, lambda: dt.datetime.now(dt.UTC)).enrol("Cleo", "cleo@example.com", "", True)
    finally:
        db.dispose()
    channels = {
        member: shop.json("member", "show", member)["consents"]
        for member in ("anna@example.com", "ben@example.com", "cleo@example.com")
    }
    assert [c["channel"] for c in channels["anna@example.com"]] == ["import"]
    assert channels["ben@example.com"] == []
    assert [(c["channel"], c["text_version"]) for c in channels["cleo@example.com"]] == [("counter", "2026-11")]


def test_bad_answers_and_channels_are_named(shop: Cli) -> None:
    shop("enroll", "Anna", "--email", "anna@example.com")
    assert (
        "--marketing: 'vielleicht' is not yes or no"
        in shop("consent", "anna@example.com", "--marketing", "vielleicht", expect=2).stderr
    )
    assert (
        "--channel: 'phone' is not one of till, import, web, counter"
        in shop("consent", "anna@example.com", "--marketing", "yes", "--channel", "phone", expect=2).stderr
    )
    assert query(shop.db, "SELECT COUNT(*) FROM consent_event") == [(0,)]
    shop("member", "erase", "M000001", "--yes")
    assert "erased" in shop("consent", "M000001", "--marketing", "yes", expect=1).stderr


def test_consent_given_before_events_were_kept_is_on_record_after_the_upgrade(
    tmp_path: Path, program_file: Callable[..., Path], clock: Any
) -> None:
    from loyaltycli.storage.database import Database, _engine
    from loyaltycli.storage.location import Location
    from loyaltycli.storage.migrate import upgrade

    path = tmp_path / "old.db"
    Cli(path)("init", "--program", str(program_file(PROGRAM, "c.toml")))
    db = Database(Location(str(path)), _engine(Location(str(path))))
    from alembic import command

    from loyaltycli.storage.migrate import alembic_config

    with db.write_engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0015")
    db.dispose()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO member (id, name, marketing, status, enrolled_at, enrolled_on, debt, name_key) VALUES "
        "('M000007', 'Olga', 1, 'active', '2025-01-01 09:00:00', '2025-01-01', 0, 'olga')"
    )
    con.commit()
    con.close()
    upgrade(Database(Location(str(path)), _engine(Location(str(path)))))
    assert Cli(path).json("member", "show", "M000007")["consents"] == [
        {"marketing": True, "at": "2025-01-01T10:00:00+01:00", "channel": "migration", "text_version": None}
    ]
