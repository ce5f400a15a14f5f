"""`init` and `info`: creating a database and describing it."""

from __future__ import annotations

from typing import Annotated

import typer

from loyaltycli.cli.options import JsonOption
from loyaltycli.cli.output import emit_json, key_values, message
from loyaltycli.cli.state import STATE, now


def init(
    program: Annotated[str, typer.Option("--program", help="The programme TOML file to store as version 1.")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing database.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Create the database and store the programme as version 1."""
    from loyaltycli.services.programs import init_database

    result = init_database(STATE.location(), program, force, now())
    if json_out:
        emit_json({"db": result.db, "program": result.program, "version": result.version})
    else:
        message(f"Created {result.db} with programme {result.program!r} (version {result.version}).")


def info(json_out: JsonOption = False) -> None:
    """Versions, database, active programme and counts."""
    from loyaltycli.services.info import database_info

    facts = database_info(STATE.database(), now())
    if json_out:
        emit_json(facts)
    else:
        key_values("loyaltycli", [(k.replace("_", " "), v) for k, v in facts.items()])


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("info")(info)
