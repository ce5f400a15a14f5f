"""Plain parameters keep Click's value without Typer's Pydantic check; anything else still gets it."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
import typer
from typer.testing import CliRunner

from loyaltycli.cli.errors import LoyaltyGroup
from loyaltycli.cli.plain_values import _is_plain, pass_plain_values


@pytest.mark.parametrize(
    ("annotation", "plain"),
    [
        (str, True),
        (int, True),
        (bool, True),
        (str | None, True),
        (list[str] | None, True),
        (list[int], True),
        (float, False),
        (list[float] | None, False),
        (str | int, False),
    ],
)
def test_which_annotations_are_plain(annotation: Any, plain: bool) -> None:
    assert _is_plain(annotation) is plain


def _app(seen: dict[str, Any]) -> typer.Typer:
    app = typer.Typer(cls=LoyaltyGroup)  # the root class of `loyalty`, which installs the plain values

    @app.command()
    def run(
        name: str,
        times: Annotated[int, typer.Option("--times")] = 1,
        tag: Annotated[list[str] | None, typer.Option("--tag")] = None,
        ratio: Annotated[float, typer.Option("--ratio")] = 0.5,
    ) -> None:
        seen.update(name=name, times=times, tag=tag, ratio=ratio)

    @app.command()
    def other() -> None:  # two commands: a group, as `loyalty` is
        pass

    return app


def _invoke(args: list[str]) -> tuple[Any, dict[str, Any]]:
    seen: dict[str, Any] = {}
    return CliRunner().invoke(_app(seen), args), seen


def test_plain_values_arrive_as_their_types() -> None:
    result, seen = _invoke(["run", "Anna", "--times", "3", "--tag", "a", "--tag", "b", "--ratio", "1.5"])
    assert result.exit_code == 0, result.output
    assert seen == {"name": "Anna", "times": 3, "tag": ["a", "b"], "ratio": 1.5}


def test_a_bad_whole_number_is_still_a_usage_error() -> None:
    result, seen = _invoke(["run", "Anna", "--times", "three"])
    assert result.exit_code == 2
    assert "'three' is not a whole number" in result.output
    assert seen == {}


@pytest.mark.parametrize(("given", "read"), [("3", 3), ("-3", -3), ("+12", 12), ("007", 7)])
def test_whole_numbers_are_read_from_their_digits(given: str, read: int) -> None:
    result, seen = _invoke(["run", "Anna", "--times", given])
    assert result.exit_code == 0, result.output
    assert seen["times"] == read


@pytest.mark.parametrize("given", ["3.5", "1e3", "", "٣"])
def test_anything_else_is_not_a_whole_number(given: str) -> None:
    result, _seen = _invoke(["run", "Anna", "--times", given])
    assert result.exit_code == 2
    assert "is not a whole number" in result.output


def test_only_plain_parameters_are_replaced() -> None:
    command: Any = typer.main.get_command(_app({}))
    pass_plain_values(command)
    params = {p.name: p for p in command.commands["run"].params}
    assert {name for name, p in params.items() if p._runtime_param is not None} == {"name", "times", "tag"}


def test_a_typer_whose_internals_moved_keeps_its_own_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    from loyaltycli.cli import plain_values

    class Moved:
        def __init__(self, descriptor: Any) -> None:
            raise TypeError("RuntimeParam() takes other arguments now")

    monkeypatch.setattr(plain_values, "_plain_coercion", lambda: Moved)
    result, seen = _invoke(["run", "Anna", "--times", "3"])
    assert result.exit_code == 0, result.output
    assert seen["times"] == 3
