"""`init` and `info`: creating a database and describing it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from loyaltycli import i18n
from loyaltycli.cli.options import JsonOption
from loyaltycli.cli.output import emit_json, key_values, message
from loyaltycli.cli.state import STATE, now
from loyaltycli.i18n import _


def init(
    program: Annotated[str, typer.Option("--program", help="The programme TOML file to store as version 1.")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing database.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="With --force: replace it without asking.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Create the database and store the programme as version 1."""
    from loyaltycli.services.programs import init_database

    if force:
        _confirm_replacing(yes)

    result = init_database(STATE.location(), program, force, now())
    if json_out:
        emit_json({"db": result.db, "program": result.program, "version": result.version})
    else:
        message(
            _("Created {db} with programme {program!r} (version {version}).").format(
                db=result.db, program=result.program, version=result.version
            )
        )


def _confirm_replacing(yes: bool) -> None:
    """Say what `--force` removes, and ask (or, without a terminal to ask on, want --yes)."""
    import sys

    from loyaltycli.errors import BadInputError, RefusedError
    from loyaltycli.services.info import contents

    held = contents(STATE.location())
    if held is None or (held.members, held.receipts) == (0, 0):
        return
    what = _("{database} holds {members}, {receipts} and {points}; --force removes all of it.").format(
        database=STATE.location().shown,
        members=i18n.members(held.members),
        receipts=i18n.receipts(held.receipts),
        points=i18n.points(held.points),
    )
    if yes:
        message(_("Replacing: {what}").format(what=what))
        return
    if not sys.stdin.isatty():
        raise BadInputError(_("{what} Add --yes to replace it.").format(what=what))
    if not typer.confirm(f"{what} Replace it?", default=False, err=True):
        raise RefusedError(_("Nothing was replaced."))


def info(json_out: JsonOption = False) -> None:
    """Versions, database, active programme and counts."""
    from loyaltycli.services.info import database_info

    facts = asdict(database_info(STATE.database(), now()))
    if json_out:
        emit_json(facts)
    else:
        key_values("loyaltycli", [(i18n.field(k), v) for k, v in facts.items()])


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("info")(info)
