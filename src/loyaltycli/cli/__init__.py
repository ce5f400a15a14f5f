"""The `loyalty` command: thin Typer commands that parse, call a service, and render.

One sub-app per command group (programs, members, ledger, imports, reports),
mounted on the root below.  Nothing here imports the database layer at module
level, so `loyalty --help` and `program check` start fast.
"""

from __future__ import annotations

import copy
import sys
from typing import Annotated

import typer

from loyaltycli import __version__
from loyaltycli.cli import cards, counter, db, explain, imports, ledger, members, programs, reports, setup
from loyaltycli.cli.errors import LoyaltyGroup, raise_on_sigterm
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
app.command("counter")(counter.counter)
cards.register(app)
explain.register(app)


def main() -> None:
    raise_on_sigterm()
    sys.argv[1:] = global_options_first(sys.argv[1:])
    app_for(sys.argv[1:])()


def app_for(args: list[str], group: typer.Typer = app) -> typer.Typer:
    """The root with only the command that `args` run: Typer turns every command's signature into click
    parameters before it runs one (45 ms for all 44, most of it evaluating annotations), so a command
    at the till starts with its own only. Help, and an unknown command, get the whole group."""
    at = _command_at(args)
    name = args[at] if at is not None else None
    commands = [c for c in group.registered_commands if c.name == name]
    groups = [g for g in group.registered_groups if g.name == name]
    if at is None or not (commands or groups):
        return group
    only = copy.copy(group)
    only.registered_commands = commands
    only.registered_groups = [copy.copy(g) for g in groups]
    for info in only.registered_groups:
        assert info.typer_instance is not None
        info.typer_instance = app_for(args[at + 1 :], info.typer_instance)
    return only


def command_named(args: list[str]) -> str | None:
    """The sub-command of `args` (global options already in front), or None before it asks for help."""
    at = _command_at(args)
    return args[at] if at is not None else None


def _command_at(args: list[str]) -> int | None:
    """Where the sub-command is in `args` (the value of `--db` is skipped), or None."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in GLOBAL_WITH_VALUE:
            i += 2
            continue
        if not arg.startswith("-"):
            return i
        if arg in ("--help", "--version") or arg not in GLOBAL_FLAGS and "=" not in arg:
            return None
        i += 1
    return None


GLOBAL_WITH_VALUE = {"--db"}
GLOBAL_FLAGS = {"--debug"}


def global_options_first(args: list[str]) -> list[str]:
    """`loyalty member list --db shop.db` works like `loyalty --db shop.db member list`: the global
    options are moved before the sub-command (nothing after `--` is touched)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg in GLOBAL_FLAGS or arg.split("=", 1)[0] in GLOBAL_WITH_VALUE and "=" in arg:
            front.append(arg)
        elif arg in GLOBAL_WITH_VALUE and i + 1 < len(args):
            front.extend(args[i : i + 2])
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest
