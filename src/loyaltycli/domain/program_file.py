"""Reading a programme file: TOML, validated by Pydantic against the dataclasses of `program.py`.

Only `program load` and the other commands that read a programme file import this (and so Pydantic).
Every problem is reported as `file:line: field.path: message`, lines from `toml_lines.py`.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from loyaltycli.domain.program import Program
from loyaltycli.errors import ProgramError
from loyaltycli.i18n import N_, _


def validate_program_file(text: str, path: str) -> Program:
    """Parse and validate programme TOML; every problem names the file, line and field path."""
    import tomllib

    from pydantic import ValidationError

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProgramError(path, [_toml_syntax_message(path, text, exc)]) from None
    try:
        program: Program = _validator().validate_python(data)
    except ValidationError as exc:
        raise ProgramError(path, _validation_messages(path, text, exc)) from None
    return program


@functools.cache
def _validator() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(Program)


def _toml_syntax_message(path: str, source: str, exc: ValueError) -> str:
    text = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", text)
    line = getattr(exc, "lineno", None) or (int(match.group(1)) if match else None)
    if line is None and "end of document" in text:
        line = max(1, len(source.splitlines()))
    reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", text).strip().rstrip(".")
    where = f"{path}:{line}" if line else path
    return f"{where}: invalid TOML: {reason}"


def _validation_messages(path: str, text: str, exc: Any) -> list[str]:
    from loyaltycli.domain.toml_lines import key_lines

    lines = key_lines(text)
    messages = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        message = _friendly(error)
        # Cross-field problems arrive at the parent with the field named in the message.
        inner = re.match(r"^([a-z_]+(?:\.\d+)?(?:\.[a-z_]+)*): (.*)$", message)
        if inner and error["type"] == "value_error":
            loc = loc + inner.group(1).split(".")
            message = inner.group(2)
        field = ".".join(loc) or "(top level)"
        line = _find_line(lines, loc)
        where = f"{path}:{line}" if line else path
        messages.append(f"{where}: {field}: {message}")
    return messages


def _find_line(lines: dict[str, int], loc: list[str]) -> int | None:
    for end in range(len(loc), 0, -1):
        prefix = ".".join(loc[:end])
        line = lines.get(prefix)
        if line:
            return line
        below = [n for path, n in lines.items() if path.startswith(prefix + ".")]
        if below:
            return min(below)
    return None


# Pydantic's messages for the kinds of mistakes a programme file has, in the catalogue's words.
_PYDANTIC = {
    "decimal_parsing": N_("must be a number such as 1 or 1.5"),
    "decimal_type": N_("must be a number such as 1 or 1.5"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "string_type": N_("must be text in quotes"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "list_type": N_('must be a list such as ["a", "b"]'),
    "dict_type": N_("must be a table"),
    "model_type": N_("must be a table"),
    "dataclass_type": N_("must be a table"),
    "dataclass_exact_type": N_("must be a table"),
    "date_type": N_("must be a date such as 2026-12-31"),
    "date_parsing": N_("must be a date such as 2026-12-31"),
    "date_from_datetime_parsing": N_("must be a date such as 2026-12-31"),
    "string_too_long": N_("is too long"),
    "string_too_short": N_("must not be empty"),
    "less_than_equal": N_("must be at most {le}"),
    "less_than": N_("must be less than {lt}"),
}


def _friendly(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        return _("unknown key (check its spelling)")
    if kind in ("missing", "missing_keyword_only_argument", "missing_argument"):
        return _("is required")
    if kind == "greater_than":
        return (
            _("must be a positive number")
            if ctx.get("gt") == 0
            else _("must be greater than {gt}").format(gt=ctx.get("gt"))
        )
    if kind == "greater_than_equal":
        return _("must not be negative") if ctx.get("ge") == 0 else _("must be at least {ge}").format(ge=ctx.get("ge"))
    if kind == "literal_error":
        return _("must be one of {expected}, not {value!r}").format(
            expected=ctx.get("expected"), value=error.get("input")
        )
    if kind in _PYDANTIC:
        return _(_PYDANTIC[kind]).format(le=ctx.get("le"), lt=ctx.get("lt"))
    msg = str(error["msg"])
    return msg.removeprefix("Value error, ")
