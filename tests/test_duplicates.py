"""`member duplicates` (SPEC §3): pairs that are probably one person, with the reason; nothing merged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from loyaltycli.domain.abuse import Person
from loyaltycli.domain.duplicates import probable_duplicates
from tests.conftest import Cli, snapshot


def test_pairs_by_mailbox_phone_and_similar_name_with_birthday() -> None:
    day = dt.date(1990, 3, 10)
    people = [
        Person("M1", "Anna Müller", "Anna.Mueller@gmail.com", None, day),
        Person("M2", "A. Mueller", "annamueller+shop@googlemail.com", None, None),
        Person("M3", "Mueller Anna", None, "+491701234567", day),
        Person("M4", "Anna Müller", None, None, dt.date(1991, 3, 10)),  # same name, other birthday: no pair
        Person("M5", "Ben Becker", None, "+491701234567", None),
        Person("M6", "Carl", "carl@example.com", None, day),
    ]
    pairs = {(p.a, p.b): p for p in probable_duplicates(people)}
    assert set(pairs) == {("M1", "M2"), ("M3", "M5"), ("M1", "M3")}
    assert pairs[("M1", "M2")].score == 100 and "e-mail" in pairs[("M1", "M2")].reason
    assert "phone" in pairs[("M3", "M5")].reason
    assert 85 <= pairs[("M1", "M3")].score < 100 and "birthday" in pairs[("M1", "M3")].reason


def test_the_command_lists_and_merges_nothing(cli: Cli, clock: Any) -> None:
    cli("enroll", "Anna Müller", "--email", "anna.m+1@example.com", "--birthday", "1990-03-10")
    cli("enroll", "Anna Mueller", "--email", "anna.m@example.com")
    cli("enroll", "anna müller", "--birthday", "1990-03-10")
    cli("enroll", "Ben", "--email", "ben@example.com")
    before = snapshot(cli.db)
    pairs = cli.json("member", "duplicates")
    assert [(p["a"], p["b"]) for p in pairs] == [("M000001", "M000002"), ("M000001", "M000003")]
    assert all(set(p) == {"a", "b", "reason", "score"} for p in pairs)
    assert cli("member", "duplicates", "--csv").stdout.splitlines()[0] == "a,b,reason,score"
    assert "member merge" in cli("member", "duplicates").stderr
    assert snapshot(cli.db) == before
    cli("member", "erase", "M000003", "--yes")
    assert len(cli.json("member", "duplicates")) == 1  # erased members are nobody's duplicate
