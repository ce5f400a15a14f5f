"""The programme file (SPEC §2): examples load, errors name file, line and field."""

from pathlib import Path

import pytest
import tomli_w

from loyaltycli.domain.program import parse_program, program_to_data
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
