"""The `loyalty` command: thin Typer commands that parse, call a service, and render.

One sub-app per command group (programs, members, ledger, imports, reports),
mounted on the root below.  Nothing here imports the database layer at module
level, so `loyalty --help` and `program check` start fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from loyaltycli import __version__
from loyaltycli.cli import db, imports, ledger, members, programs, reports, setup
from loyaltycli.cli.errors import LoyaltyGroup
from loyaltycli.cli.state import STATE

app = typer.Typer(
    cls=LoyaltyGroup,
    name="loyalty",
    help="Manage a shop's customer loyalty programme: members, points, rewards, imports and reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: rendering it with Rich would add ~60 ms to every start
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"loyaltycli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option("--db", help="SQLite file or postgresql:// URL (default: $LOYALTY_DB, else the user data dir)."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Global options come before the sub-command: `loyalty --db shop.db member list`."""
    STATE.db_option = db
    STATE.debug = debug
    STATE.close()


setup.register(app)
app.add_typer(programs.app, name="program")
members.register(app)
app.add_typer(members.app, name="member")
ledger.register(app)
imports.register(app)
app.add_typer(reports.app, name="report")
app.add_typer(db.app, name="db")


def main() -> None:
    app()
