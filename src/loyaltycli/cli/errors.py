"""The one place where errors become exit codes and messages (SPEC §1)."""

from __future__ import annotations

import sys
import traceback
from typing import Any

import typer
from typer.core import TyperGroup

from loyaltycli.cli.output import error
from loyaltycli.cli.state import STATE
from loyaltycli.errors import LoyaltyError

INTERNAL_ERROR = 3


class LoyaltyGroup(TyperGroup):
    """The root command: runs a sub-command and translates what it raises."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except LoyaltyError as exc:
            self._debug_trace()
            error(exc.message)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if _is_click_exception(exc):
                raise
            raise typer.Exit(_unexpected(exc)) from None
        finally:
            STATE.close()

    @staticmethod
    def _debug_trace() -> None:
        if STATE.debug:
            traceback.print_exc(file=sys.stderr)


def _is_click_exception(exc: Exception) -> bool:
    return any(cls.__name__ in {"ClickException", "Exit", "Abort"} for cls in type(exc).__mro__)


def _unexpected(exc: Exception) -> int:
    """Database trouble is reported plainly; anything else is a bug, shown in full with --debug."""
    if STATE.debug:
        traceback.print_exc(file=sys.stderr)
    name = type(exc).__name__
    if name == "OperationalError":
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        error(f"the database could not be used ({reason}); nothing was changed.")
        return 1
    error(f"internal error ({name}: {exc}); nothing was changed. Run with --debug for details.")
    return INTERNAL_ERROR
