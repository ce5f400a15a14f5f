"""`program check|show|apply|export`."""

from __future__ import annotations

from typing import Annotated

import typer

from loyaltycli import i18n
from loyaltycli.cli.options import JsonOption, day
from loyaltycli.cli.output import emit_json, error, message, write_file
from loyaltycli.cli.state import STATE, now
from loyaltycli.errors import LoyaltyError, ProgramError
from loyaltycli.i18n import _

app = typer.Typer(
    help="Check, show, apply and export the programme (its TOML file).", no_args_is_help=True, rich_markup_mode=None
)

FileArgument = Annotated[str, typer.Argument(help="A programme TOML file.")]


@app.command("check")
def check(path: FileArgument, json_out: JsonOption = False) -> None:
    """Validate a programme file; writes nothing."""
    from loyaltycli.services.programs import load_program_file

    try:
        program, _source = load_program_file(path)
    except LoyaltyError as exc:  # an invalid programme, or a file that cannot be read at all
        problems = exc.problems if isinstance(exc, ProgramError) else [exc.message]
        if json_out:
            emit_json({"ok": False, "errors": problems})
        for problem in problems:
            error(problem)
        raise typer.Exit(exc.exit_code) from None
    if json_out:
        emit_json({"ok": True, "errors": [], "program": program.program.name})
    else:
        message(_("{path}: ok ({name!r}).").format(path=path, name=program.program.name))


@app.command("show")
def show(json_out: JsonOption = False) -> None:
    """The programme in force today, summarised."""
    from loyaltycli.cli.render_program import program_summary
    from loyaltycli.domain.program import program_to_json_data
    from loyaltycli.services.programs import show_program

    view = show_program(STATE.database(), now())
    if json_out:
        emit_json(
            program_to_json_data(view.active.program)
            | {"version": view.active.version, "effective": view.active.effective}
        )
    else:
        program_summary(view)


@app.command("apply")
def apply(
    path: FileArgument,
    effective: Annotated[
        str | None,
        typer.Option("--effective", help="First day (YYYY-MM-DD) whose receipts use it; default today."),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Store a new programme version, used for receipts dated on or after --effective."""
    from loyaltycli.services.programs import apply_program

    start = day(effective, "--effective")
    result = apply_program(STATE.database(), path, start, now())
    if json_out:
        emit_json({"version": result.version, "effective": result.effective, "program": result.program})
    else:
        message(
            _("Programme {program!r} is version {version}, effective {effective}.").format(
                program=result.program, version=result.version, effective=i18n.day(result.effective)
            )
        )


@app.command("export")
def export(
    output: Annotated[str | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.")] = None,
) -> None:
    """The programme in force today as TOML."""
    from loyaltycli.services.programs import export_program

    text = export_program(STATE.database(), now())
    if output:
        write_file(output, text, "--output")
    else:
        typer.echo(text, nl=False)
