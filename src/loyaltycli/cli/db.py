"""`db copy|upgrade|backup`: moving up to PostgreSQL, explicit migrations, backups."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from loyaltycli.cli.options import JsonOption
from loyaltycli.cli.output import emit_json, message
from loyaltycli.cli.state import STATE, now
from loyaltycli.i18n import _

app = typer.Typer(
    help="Copy the database to PostgreSQL, run migrations, back up a SQLite file.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("copy")
def copy(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="The empty target: postgresql://... (password from the URL in "
            "LOYALTY_DB, PGPASSWORD or ~/.pgpass) or a new SQLite file.",
        ),
    ],
    json_out: JsonOption = False,
) -> None:
    """Copy everything into an empty database in one transaction, then verify both."""
    from loyaltycli.services.dbadmin import copy_database
    from loyaltycli.storage.location import Location

    result = copy_database(STATE.database(), Location(to), now())
    if json_out:
        emit_json(asdict(result))
    else:
        counts = ", ".join(f"{n} {t}" for t, n in result.rows.items())
        message(
            _("Copied {source} to {target} ({counts}); verify passed on both and the summaries agree.").format(
                source=result.source, target=result.target, counts=counts
            )
        )


@app.command("upgrade")
def upgrade(json_out: JsonOption = False) -> None:
    """Bring the schema up to date now (commands otherwise do it on first use)."""
    from loyaltycli.services.dbadmin import upgrade as service

    revision = service(STATE.location())
    if json_out:
        emit_json({"db": STATE.location().shown, "schema": revision})
    else:
        message(_("{shown} is at schema {revision}.").format(shown=STATE.location().shown, revision=revision))


@app.command("backup")
def backup(
    path: Annotated[str, typer.Argument(help="The new backup file.")],
    json_out: JsonOption = False,
) -> None:
    """Write a consistent copy of the SQLite database, also while it is in use."""
    from loyaltycli.services.dbadmin import backup as service

    pages = service(STATE.database(), path)
    if json_out:
        emit_json({"backup": path, "pages": pages})
    else:
        message(
            _("Backed up {shown} to {path} ({pages} pages).").format(
                shown=STATE.location().shown, path=path, pages=pages
            )
        )
