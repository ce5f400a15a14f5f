"""The one place where errors become exit codes and messages (SPEC §1)."""

from __future__ import annotations

import os
import signal
import sys
import traceback
from typing import Any

import typer
from typer.core import TyperGroup

from loyaltycli.cli.helptext import install_error_words, readable
from loyaltycli.cli.output import error, message
from loyaltycli.cli.plain_values import pass_plain_values
from loyaltycli.cli.state import STATE
from loyaltycli.errors import LoyaltyError, Terminated, kept_note
from loyaltycli.i18n import _
from loyaltycli.notes import drain
from loyaltycli.storage.location import mask_password

INTERNAL_ERROR = 3
install_error_words()


class LoyaltyGroup(TyperGroup):
    """The root command: runs a sub-command and translates what it raises."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        readable(self)
        pass_plain_values(self)
        return super().main(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except LoyaltyError as exc:
            self._debug_trace()
            error(exc.message)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt as exc:
            self._debug_trace()
            message(_("Interrupted: {kept_note}.").format(kept_note=kept_note(exc)))
            raise typer.Exit(143 if isinstance(exc, Terminated) else 130) from None
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if _is_click_exception(exc):
                raise
            raise typer.Exit(_unexpected(exc)) from None
        finally:
            STATE.close()
            for text in drain():
                message(text)

    @staticmethod
    def _debug_trace() -> None:
        if STATE.debug:
            _print_traceback()


def _print_traceback() -> None:
    """`--debug`: the traceback, with every password in it masked (URLs appear in database errors)."""
    sys.stderr.write(mask_password(traceback.format_exc()))


def _silence_stdout() -> None:
    """The reader of our output went away (`| head -1`): end quietly, and let nothing write there again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # a stdout without a file descriptor (a test's CliRunner)
        pass


def raise_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so the open transaction rolls back and the user is told (exit 143)."""

    def handler(_signum: int, _frame: Any) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, handler)


def _is_click_exception(exc: Exception) -> bool:
    return any(cls.__name__ in {"ClickException", "Exit", "Abort"} for cls in type(exc).__mro__)


def _unexpected(exc: Exception) -> int:
    """Database trouble is reported plainly; anything else is a bug, shown in full with --debug."""
    if STATE.debug:
        _print_traceback()
    name = type(exc).__name__
    if name == "OperationalError":
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        error(
            mask_password(
                _("the database could not be used ({reason}); {kept}.").format(reason=reason, kept=kept_note(exc))
            )
        )
        return 1
    error(
        mask_password(
            _("internal error ({name}: {problem}); {kept}. Run with --debug for details.").format(
                name=name, problem=exc, kept=kept_note(exc)
            )
        )
    )
    return INTERNAL_ERROR
