"""The programme file (SPEC §2): examples load, errors name file, line and field."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from loyaltycli.domain.program import parse_program, program_from_data, program_to_data, program_to_json_data
from loyaltycli.errors import ProgramError

PROGRAMS = sorted((Path(__file__).parent.parent / "programs").glob("*.toml"))
MINIMAL = '[program]\nname = "Shop"\ncurrency = "EUR"\ntimezone = "Europe/Berlin"\n'


def test_there_is_an_example_for_every_programme_style() -> None:
    names = {p.stem for p in PROGRAMS}
    assert {"cafe", "coffee-chain", "beauty", "bookshop", "airline", "online-shop", "grocer"} <= names


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.name)
def test_every_example_programme_is_valid_and_round_trips(path: Path) -> None:
    program = parse_program(path.read_text(encoding="utf-8"), str(path))
    exported = tomli_w.dumps(program_to_data(program))
    assert parse_program(exported, "exported.toml") == program


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.name)
def test_a_stored_programme_is_rebuilt_as_it_was_loaded(path: Path) -> None:
    """The database keeps a programme as JSON; reading it back gives the same programme, field for field."""
    program = parse_program(path.read_text(encoding="utf-8"), str(path))
    stored = json.loads(json.dumps(program_to_json_data(program)))
    assert program_from_data(stored) == program
    assert program_to_json_data(program_from_data(stored)) == stored


def test_a_stored_programme_is_rebuilt_without_pydantic() -> None:
    program = parse_program((PROGRAMS[0]).read_text(encoding="utf-8"), "p.toml")
    code = (
        "import json, sys\n"
        "from loyaltycli.domain.program import program_from_data\n"
        "program = program_from_data(json.loads(sys.stdin.read()))\n"
        "print(program.program.name, 'pydantic' in sys.modules)\n"
    )
    stored = json.dumps(program_to_json_data(program))
    result = subprocess.run([sys.executable, "-c", code], input=stored, capture_output=True, text=True, check=True)
    assert result.stdout.split()[-1] == "False"
    assert program.program.name in result.stdout


def test_money_is_stored_as_text_and_numbers_plainly() -> None:
    text = MINIMAL + '[earn]\npoints_per_unit = 1.5\nmin_spend = 5\n[redeem]\npoint_value = "0.01"\n'
    stored = program_to_json_data(parse_program(text, "p.toml"))
    assert stored["earn"]["points_per_unit"] == "1.5"
    assert stored["earn"]["min_spend"] == "5.00"
    assert stored["redeem"]["point_value"] == "0.01"
    assert stored["expiry"]["warn_days"] == 30


def test_a_table_given_as_a_value_is_named() -> None:
    assert problems("earn = 5\n" + MINIMAL) == ["p.toml:1: earn: must be a table"]


def test_only_program_is_required() -> None:
    program = parse_program(MINIMAL, "p.toml")
    assert program.earn.points_per_unit == 1
    assert program.expiry.policy == "none"
    assert program.region == "DE"


def problems(text: str) -> list[str]:
    with pytest.raises(ProgramError) as info:
        parse_program(text, "p.toml")
    return info.value.problems


@pytest.mark.parametrize(
    ("extra", "line", "field", "words"),
    [
        ("[earn]\npoints_per_unt = 2\n", 7, "earn.points_per_unt", "unknown key"),
        ("[earn]\npoints_per_unit = 0\n", 7, "earn.points_per_unit", "positive"),
        ('[earn]\nrounding = "bankers"\n', 7, "earn.rounding", "floor"),
        ("[earn.category_rates]\nbooks = -2\n", 7, "earn.category_rates.books", "positive"),
        ('[earn]\nmin_spend = "abc"\n', 7, "earn.min_spend", "amount of money"),
        ('[[campaigns]]\nid = "x"\nstarts = 2026-12-05\nends = 2026-12-01\n', 6, "campaigns.0", "before"),
        ('[expiry]\npolicy = "fixed"\n', 6, "expiry", "months"),
        ('[[rewards]]\nid = "r"\npoints = 10\nkind = "free_item"\n', 6, "rewards.0", "value"),
        (
            '[[rewards]]\nid = "r"\npoints = 10\nkind = "experience"\nmin_tier = "Gold"\n',
            None,
            "rewards.0.min_tier",
            "Gold",
        ),
        (
            '[[stamp_cards]]\nid = "c"\ncategories = ["coffee"]\nstamps = 10\nreward = "nope"\n',
            None,
            "stamp_cards.0.reward",
            "nope",
        ),
        ("[bonuses]\nsignup = -5\n", 7, "bonuses.signup", "negative"),
        ("[earn]\ncategory_rates = 5\n", 7, "earn.category_rates", "must be a table"),
        ('[[actions]]\nid = "a"\n', 6, "actions.0.points", "is required"),
        (
            '[[campaigns]]\nid = "x"\nstarts = 2026-12-05\nhours = "18:00-16:00"\n',
            9,
            "campaigns.0.hours",
            "ends before",
        ),
        (
            '[[campaigns]]\nid = "x"\nstarts = 2026-12-05\nweekdays = ["Mon", "funday"]\n',
            9,
            "campaigns.0.weekdays",
            "sun",
        ),
    ],
)
def test_errors_name_file_line_and_field(extra: str, line: int | None, field: str, words: str) -> None:
    found = problems(MINIMAL + "\n" + extra)
    assert len(found) >= 1
    text = found[0]
    assert text.startswith("p.toml")
    assert field in text and words in text
    if line is not None:
        assert text.startswith(f"p.toml:{line}:")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (MINIMAL.replace('"EUR"', '"EURO"'), "program.currency"),
        (MINIMAL.replace("Europe/Berlin", "Europe/Atlantis"), "program.timezone"),
        (MINIMAL.replace('name = "Shop"\n', ""), "program.name"),
        (MINIMAL + 'country = "XX"\n', "program.country"),
    ],
)
def test_programme_info_errors(text: str, field: str) -> None:
    assert any(field in p for p in problems(text))


def test_malformed_toml_names_the_line() -> None:
    found = problems('[program]\nname = "Shop\n')
    assert found[0].startswith("p.toml:2:") and "invalid TOML" in found[0]


def test_all_problems_are_reported() -> None:
    found = problems(MINIMAL.replace('"EUR"', '"EURO"') + '[earn]\npoints_per_unit = 0\nrounding = "x"\n')
    assert len(found) == 3


def test_tier_thresholds_must_rise() -> None:
    text = MINIMAL + '[[tiers.levels]]\nname = "A"\nthreshold = "10"\n[[tiers.levels]]\nname = "B"\nthreshold = "5"\n'
    assert any("rising" in p and p.startswith("p.toml:5") for p in problems(text))
