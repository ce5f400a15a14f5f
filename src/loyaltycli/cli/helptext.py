"""`--help` and usage errors as a person reads them, in their language.

Typer builds the command tree from the code, where help texts are English
(they are the catalogue's message ids).  Before a command line is parsed,
`readable` walks the tree once: it translates every help text, gives each
command list entry its whole first sentence (not a cut-off "…"), and names
values the way manual pages do (`--date DATE`, `MEMBER`) instead of `<str>`
and `{member}`.  Click's own words (Usage, Error, "No such option") are
translated where they are printed.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from typing import Any

from loyaltycli.i18n import N_, _

# Click's messages, as this Typer version words them, and their catalogue ids.
_CLICK_MESSAGES = (
    (
        re.compile(r"No such option: (?P<option>\S+) \(Possible options: (?P<options>.*)\)"),
        N_("No such option: {option} (possible options: {options})"),
    ),
    (re.compile(r"No such option: (?P<option>\S+)"), N_("No such option: {option}")),
    (re.compile(r"Missing option '(?P<option>[^']+)'\.?(?P<rest>.*)"), N_("Missing option '{option}'.")),
    (re.compile(r"Missing argument '(?P<argument>[^']+)'\.?(?P<rest>.*)"), N_("Missing argument '{argument}'.")),
    (re.compile(r"Missing parameter: (?P<parameter>.*)"), N_("Missing parameter: {parameter}")),
    (
        re.compile(r"Got unexpected extra arguments? \((?P<arguments>.*)\)"),
        N_("Unexpected extra arguments: {arguments}"),
    ),
    (re.compile(r"No such command '(?P<command>[^']+)'\.?"), N_("No such command '{command}'.")),
    (re.compile(r"Option '(?P<option>[^']+)' requires an argument\.?"), N_("Option '{option}' needs a value.")),
    (
        re.compile(r"Option '(?P<option>[^']+)' requires (?P<count>\d+) arguments\.?"),
        N_("Option '{option}' needs {count} values."),
    ),
    (
        re.compile(r"Option '(?P<option>[^']+)' does not take a value\.?"),
        N_("Option '{option}' does not take a value."),
    ),
    (
        re.compile(r"Invalid value for (?P<parameter>.+?): (?P<reason>.*)", re.S),
        N_("Invalid value for {parameter}: {reason}"),
    ),
)


_SUGGESTION = re.compile(r"(?P<message>.*?)\.?\s+Did you mean (?P<suggestions>.+)\?", re.S)


def translate_click_message(text: str) -> str:
    """A message of Click's (parsing the command line) in the user's language."""
    suggested = _SUGGESTION.fullmatch(text.strip())
    if suggested:  # Typer adds its suggestion to a message that may be in our language already
        first = translate_click_message(suggested["message"] + ".")
        return first + " " + _("Did you mean {suggestions}?").format(suggestions=suggested["suggestions"])
    for pattern, msgid in _CLICK_MESSAGES:
        found = pattern.fullmatch(text.strip())
        if found:
            values = {k: v for k, v in found.groupdict().items() if k != "rest"}
            if "reason" in values:
                values["reason"] = _(values["reason"])
            return _(msgid).format(**values)
    return _(text)


def commands(root: Any) -> Iterator[Any]:
    """Every command of the tree under `root`, `root` included."""
    yield root
    for sub in getattr(root, "commands", {}).values():
        yield from commands(sub)


def first_sentence(text: str) -> str:
    """The first sentence of a help text, whole, for the list of commands."""
    flat = " ".join(text.split())
    found = re.search(r"(?<=[.!?])\s", flat)
    return flat[: found.start()] if found else flat


def readable(root: Any) -> None:
    """Translate and tidy the help of the whole tree (once per tree; cheap: no catalogue is read in English)."""
    if getattr(root, "_loyalty_readable", False):
        return
    for command in commands(root):
        _command(command)
    root._loyalty_readable = True


def _command(command: Any) -> None:
    import inspect

    if command.help:
        command.help = _(inspect.cleandoc(command.help))
        command.short_help = first_sentence(command.help)
    command.options_metavar = _("[OPTIONS]")
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = _("COMMAND [ARGS]...")
    command.format_usage = types.MethodType(_format_usage, command)
    for param in command.params:
        _param(param)
    _help_option(command)


def _param(param: Any) -> None:
    if getattr(param, "help", None):
        param.help = _(param.help)
    if param.param_type_name == "argument":
        name = (param.metavar or param.name or "").upper()
        shown = name + ("..." if param.nargs != 1 else "")
        param.display_type_rich = lambda ctx=None: ""
        param._rich_display_name = lambda: shown
        param._usage_display_name = lambda: shown if param.required else f"[{shown}]"
    elif not getattr(param, "is_flag", False) and not getattr(param, "count", False):
        metavar = param.metavar or max(param.opts, key=len).lstrip("-").upper()
        param.display_type_rich = lambda ctx=None: metavar


def _help_option(command: Any) -> None:
    from typer._click.decorators import help_option

    if getattr(command, "_help_option", None) is None and command.add_help_option:
        help_option(["--help"])(command)
        command._help_option = command.params.pop()
    if command._help_option is not None:
        command._help_option.help = _("Show this message and exit.")


def _format_usage(self: Any, ctx: Any, formatter: Any) -> None:
    formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=_("Usage: "))


# The words Typer itself looks up with gettext (section headings, markers), listed for the catalogue.
TYPER_WORDS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("required"),
    N_("default: {default}"),
    N_("Aborted!"),
    N_("No such command {name!r}."),
)


def install_error_words() -> None:
    """Click prints "Usage:", "Try … for help." and "Error: …" itself; these versions say it in the user's language."""
    import typer.core
    from typer._click import exceptions
    from typer._click.utils import echo

    typer.core._ = _  # type: ignore[attr-defined]  # Typer's headings ("Options", "Commands") via our catalogue

    def show_usage_error(self: Any, file: Any = None) -> None:
        if self.ctx is not None:
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                hint = _("Try '{command} --help' for help.").format(command=self.ctx.command_path) + "\n"
            echo(f"{self.ctx.get_usage()}\n{hint}", file=file, err=file is None, color=self.ctx.color)
        echo(
            _("Error: {message}").format(message=translate_click_message(self.format_message())),
            file=file,
            err=file is None,
        )

    def show_error(self: Any, file: Any = None) -> None:
        echo(
            _("Error: {message}").format(message=translate_click_message(self.format_message())),
            file=file,
            err=file is None,
        )

    exceptions.UsageError.show = show_usage_error  # type: ignore[method-assign]
    exceptions.ClickException.show = show_error  # type: ignore[method-assign]
