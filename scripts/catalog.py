"""The German message catalogue: extract, merge, compile, check.

    python scripts/catalog.py update   # extract every message, merge into de.po, compile de.mo
    python scripts/catalog.py check    # list messages without German, or whose German lost a placeholder

Messages are found two ways: Babel extracts `_()`, `N_()` and `ngettext()` calls
from the source, and the help texts of every command and option are read from
the Typer command tree (they are docstrings and `help=` arguments, which is what
`--help` looks up).  The compiled `de.mo` is committed and shipped in the package.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "loyaltycli"
PO = SRC / "locale" / "de" / "LC_MESSAGES" / "loyaltycli.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def code_messages() -> Iterator[tuple[str | tuple[str, str], str]]:
    method_map = [("**/migrations/**", "ignore"), ("**.py", "python")]
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SRC), method_map=method_map, keywords=KEYWORDS
    ):
        yield message, f"{filename}:{lineno}"


def help_messages() -> Iterator[tuple[str, str]]:
    import typer.main

    from loyaltycli.cli import app
    from loyaltycli.cli.helptext import commands

    for command in commands(typer.main.get_command(app)):
        where = f"help:{command.name}"
        if command.help:
            yield inspect.cleandoc(command.help), where
        for param in command.params:
            if getattr(param, "help", None):
                yield param.help, f"{where}:{param.name}"


def extracted() -> Catalog:
    fixed = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)  # no date that changes with every update
    catalog = Catalog(
        locale="de", domain="loyaltycli", project="loyaltycli", fuzzy=False, creation_date=fixed, revision_date=fixed
    )
    for message, where in [*code_messages(), *help_messages()]:
        catalog.add(message, locations=[(where, 0)])
    return catalog


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def problems(catalog: Catalog) -> list[str]:
    """What a German user would miss: messages with no translation, translations that lost a placeholder."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            found.append(f"no German for {ids[0]!r}")
            continue
        wanted = set().union(*(placeholders(i) for i in ids))
        for text in strings:
            if placeholders(text) != wanted:
                found.append(f"placeholders of {ids[0]!r}: {sorted(wanted)} vs {text!r}")
    return found


def merged() -> Catalog:
    """Every extracted message with the German it already has."""
    with open(PO, "rb") as fh:
        existing = read_po(fh, locale="de")
    catalog = extracted()
    catalog.plural_forms  # noqa: B018 - German: two forms, n != 1
    for message in catalog:
        if message.id and message.id in existing:
            message.string = existing[message.id].string
    return catalog


def update() -> None:
    catalog = merged()
    with open(PO, "wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, sort_output=True, no_location=True)
    with open(MO, "wb") as fh:
        write_mo(fh, catalog)
    for line in problems(catalog):
        print(line)


def main() -> None:
    action = sys.argv[1] if len(sys.argv) > 1 else "check"
    if action == "update":
        update()
    else:
        issues = problems(merged())
        print("\n".join(issues) or "every message has its German")
        sys.exit(1 if issues else 0)


if __name__ == "__main__":
    main()
