"""German and English (SPEC §1 "Language"): the choice, the catalogue, and what machines read staying the same."""

from __future__ import annotations

import datetime as dt
import gettext
import importlib.util
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from loyaltycli import i18n
from loyaltycli.cli import app
from loyaltycli.i18n import choose_language, set_language
from tests.conftest import Cli
from tests.test_architecture import walk

ROOT = Path(__file__).resolve().parent.parent


def _catalog_tool() -> Any:
    spec = importlib.util.spec_from_file_location("catalog", ROOT / "scripts" / "catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def german(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOYALTY_LANG", "de")
    set_language(None)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"LOYALTY_LANG": "de"}, "de"),
        ({"LOYALTY_LANG": "en", "LANG": "de_DE.UTF-8"}, "en"),
        ({"LOYALTY_LANG": "fr"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LC_MESSAGES": "de_AT", "LANG": "en_GB.UTF-8"}, "de"),
        ({"LC_ALL": "C", "LC_MESSAGES": "de_DE", "LANG": "de_DE"}, "en"),
        ({"LC_ALL": "", "LANG": "de_CH.UTF-8"}, "de"),
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_the_language_comes_from_loyalty_lang_then_the_posix_locale(env: dict[str, str], expected: str) -> None:
    assert choose_language(env) == expected


def test_every_message_has_german_that_keeps_its_placeholders() -> None:
    """Fails when a message is added without German, or a translation loses or misspells a placeholder."""
    tool = _catalog_tool()
    assert tool.problems(tool.merged()) == []


def test_the_problems_check_can_fail() -> None:
    from babel.messages.catalog import Catalog

    tool = _catalog_tool()
    catalog = Catalog(locale="de")
    catalog.add("Voucher {code} expired.", "Gutschein {kode} ist abgelaufen.")
    catalog.add("No vouchers yet.", "")
    assert len(tool.problems(catalog)) == 2


def test_the_shipped_catalogue_is_compiled_from_the_translations() -> None:
    from babel.messages.pofile import read_po

    with open(_catalog_tool().PO, "rb") as fh:
        source = read_po(fh, locale="de")
    with open(_catalog_tool().MO, "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for message in source:
        if message.id and not isinstance(message.id, tuple):
            assert compiled.gettext(message.id) == message.string, message.id


def test_plurals_numbers_money_and_dates(german: None) -> None:
    assert i18n.points(1) == "1 Punkt"
    assert i18n.points(2) == "2 Punkte"
    assert i18n.points(1234) == "1.234 Punkte"
    assert i18n.members(1) == "1 Mitglied"
    assert i18n.money(Decimal("1234.56"), "EUR") == "1.234,56\xa0€"
    assert i18n.day(dt.date(2026, 12, 31)) == "31.12.2026"
    set_language("en")
    assert (i18n.points(1), i18n.points(2), i18n.members(1)) == ("1 point", "2 points", "1 member")
    assert i18n.day(dt.date(2026, 12, 31)) == "2026-12-31"


@pytest.fixture
def shop(sqlite_cli: Cli) -> Cli:
    sqlite_cli("enroll", "Anna Berg", "--email", "anna@example.com", "--phone", "+491701234567")
    sqlite_cli("purchase", "anna@example.com", "12.50", "--receipt", "R1")
    return sqlite_cli


def _in(language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOYALTY_LANG", language)
    set_language(None)


def test_every_commands_help_in_both_languages(shop: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [path.split() for path, _command in walk(app) if path]
    for language, usage, options in (("en", "Usage:", "Options"), ("de", "Aufruf:", "Optionen")):
        _in(language, monkeypatch)
        for path in paths:
            result = shop.runner.invoke(app, [*path, "--help"])
            assert result.exit_code == 0, (path, result.output)
            assert result.output.startswith(usage) and options in result.output, (path, result.output)
            assert "<str>" not in result.output and "{member}" not in result.output, result.output
    _in("de", monkeypatch)
    text = shop.runner.invoke(app, ["purchase", "--help"]).output
    assert "Einen Beleg buchen und seine Punkte gutschreiben." in text
    assert "Diese Hilfe zeigen und beenden." in text


@pytest.mark.parametrize(
    ("args", "code", "english", "german"),
    [
        (["member", "show", "nobody"], 1, "No member matches 'nobody'", "Kein Mitglied passt zu 'nobody'"),
        (["purchase", "anna@example.com", "12.5x"], 2, "is not an amount of money", "ist kein Geldbetrag"),
        (["voucher", "show", "NOPE"], 1, "There is no voucher NOPE", "Es gibt keinen Gutschein NOPE"),
        (["purchase"], 2, "Missing argument", "fehlt"),
        (["--bogus"], 2, "No such option: --bogus", "Unbekannte Option: --bogus"),
        (["statement", "anna@example.com", "--from", "2026-05-02", "--to", "2026-05-01"], 2, "before", "vor"),
    ],
)
def test_errors_in_both_languages_with_the_same_exit_code(
    shop: Cli, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, english: str, german: str
) -> None:
    for language, expected, prefix in (("en", english, "rror"), ("de", german, "Fehler")):
        _in(language, monkeypatch)
        result = shop(*args, expect=code)
        assert expected in result.stderr and prefix in result.stderr, (language, result.stderr)
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["member", "show", "anna@example.com", "--json"],
        ["member", "list", "--csv"],
        ["statement", "anna@example.com", "--json"],
        ["statement", "anna@example.com", "--csv"],
        ["report", "--json"],
        ["report", "monthly", "--csv"],
        ["purchase", "anna@example.com", "3.00", "--receipt", "R1-dry", "--dry-run", "--json"],
        ["program", "show", "--json"],
    ],
)
def test_what_machines_read_is_the_same_in_both_languages(
    shop: Cli, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    outputs = []
    for language in ("en", "de"):
        _in(language, monkeypatch)
        result = shop(*args)
        outputs.append((result.exit_code, result.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0][1].strip()


def test_people_read_german(shop: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _in("de", monkeypatch)
    shown = shop("member", "show", "anna@example.com").stdout
    assert "verfügbar" in shown and "0170 1234567" in shown and "E-Mail" in shown  # the shop's country: national
    shop("enroll", "Lena Wien", "--phone", "+43 664 1234567")
    listed = shop("member", "list").stdout
    assert "+43 664 1234567" in listed and "0170 1234567" in listed  # another country: international
    assert "+491701234567" in shop("member", "list", "--csv").stdout  # machines get E.164
    bought = shop("purchase", "anna@example.com", "1234.50", "--receipt", "R2")
    assert "1.234 Punkte für" in bought.stdout and "1.234,50" in bought.stdout
    report = shop("report").stdout
    assert "Übersicht" in report and "€" in report
    assert "1 Beleg" in report or "2 Belege" in report


def test_the_installed_command_speaks_german() -> None:
    """The compiled catalogue ships in the package: a subprocess of the installed command finds it."""
    result = subprocess.run(
        [sys.executable, "-m", "loyaltycli", "--help"],
        capture_output=True,
        text=True,
        env={"LOYALTY_LANG": "de", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "Aufruf: " in result.stdout and "Befehle" in result.stdout
    english = subprocess.run(
        [sys.executable, "-m", "loyaltycli", "--help"], capture_output=True, text=True, env={"LANG": "C"}
    )
    assert "Usage: " in english.stdout and "Commands" in english.stdout
    assert json.dumps(result.returncode) == json.dumps(english.returncode)


# Words that German writes as English does (a translator checked each): anything else left as it was is untranslated.
SAME_IN_GERMAN = {"Bonus", "Code", "Name", "Partner", "Status", "Version"}


def test_no_german_string_is_empty_or_left_in_english() -> None:
    """Walks every message of the catalogue (issue 27: words left in English slipped through)."""
    tool = _catalog_tool()
    untranslated = []
    for entry in tool.merged():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for source, german in zip(ids, strings, strict=False):
            if not german.strip() or (german == source and source not in SAME_IN_GERMAN):
                untranslated.append(source)
    assert untranslated == []


def test_german_words_of_the_owners_screens(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages that stayed English or ungrammatical in German (issue 27)."""
    monkeypatch.setenv("LOYALTY_LANG", "de")
    set_language(None)
    cli("enroll", "Anna", "--id", "A")
    assert cli("member", "edit", "A", "--name", "Anna B").stderr.strip() == "Anna B (A) geändert."
    assert cli("member", "block", "A", "--reason", "x").stderr.strip() == "Anna B (A) gesperrt."
    assert "ist keine E-Mail-Adresse" in cli("enroll", "X", "--email", "bad@shop", expect=2).stderr
    assert "bestätigen Sie mit --yes" in cli("member", "erase", "A", expect=2).stderr
    assert "1 Mitglied, 1 Eintrag" in cli("verify").stderr
    shown = cli("program", "show").stdout
    assert "Anmeldung 50 Punkte" in shown and "fest, 24 Monate" in shown and "abgerundet" in shown
    assert "Gratisartikel" in shown and "floor" not in shown and "free_item" not in shown


def test_a_mistyped_command_is_answered_in_german(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOYALTY_LANG", "de")
    set_language(None)
    said = cli("membr", "list", expect=2).stderr
    assert "Unbekannter Befehl 'membr'. Meinten Sie 'member'?" in said and "Did you mean" not in said


def test_each_thread_speaks_its_own_language_and_keeps_its_own_notes() -> None:
    """Language, home region and notes are a context's, not the process's (issue 28): the counter screen's
    worker threads cannot switch one another's language or see one another's notes."""
    import threading

    from loyaltycli import i18n, notes

    ready = threading.Barrier(2)
    said: dict[str, tuple[str, str, list[str]]] = {}

    def speak(language: str, region: str | None) -> None:
        i18n.set_language(language)
        i18n.set_home_region(region)
        notes.note(f"note of {language}")
        ready.wait()  # both have chosen before either speaks
        phone = i18n.shown_phone("DE|0170 1234567|+49 170 1234567")
        said[language] = (i18n._("yes"), phone, notes.drain())

    threads = [threading.Thread(target=speak, args=args) for args in (("de", "DE"), ("en", None))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert said["de"] == ("ja", "0170 1234567", ["note of de"])
    assert said["en"] == ("yes", "+49 170 1234567", ["note of en"])
    assert notes.drain() == []  # nothing of theirs reached this thread
