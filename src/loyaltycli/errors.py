"""One error hierarchy for every layer; the CLI maps it to the exit codes of SPEC §1.

Exit 1: refused by the rules or the data.  Exit 2: bad usage or a bad input file.
Messages are one or two plain sentences that say what was wrong and where.
"""

from __future__ import annotations

from loyaltycli.i18n import _


class LoyaltyError(Exception):
    """Base of every error a user can cause; carries its exit code."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RefusedError(LoyaltyError):
    """The rules or the data refuse the command (exit 1)."""

    exit_code = 1


class BadInputError(LoyaltyError):
    """Bad usage or a bad input file (exit 2)."""

    exit_code = 2


class ProgramError(BadInputError):
    """A programme file that cannot be read or is invalid; lists every problem."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{shown}{more}")


class DatabaseMissingError(RefusedError):
    """The database does not exist (it is never created by accident)."""


class NotFoundError(RefusedError):
    """A member, receipt, reward, voucher or action that does not exist."""


class AmbiguousError(RefusedError):
    """A reference that names more than one member."""


class DuplicateError(RefusedError):
    """A member, receipt or voucher that already exists with other data."""


class BlockedError(RefusedError):
    """The member is blocked or erased."""


class InsufficientPointsError(RefusedError):
    """Not enough available points for a redemption or deduction."""


class LimitReachedError(RefusedError):
    """An action limit, reward stock or voucher state forbids the command."""


class IntegrityProblemsError(RefusedError):
    """`verify` found broken invariants."""


class ReadOnlyDatabaseError(RefusedError):
    """A write to a database whose file or folder cannot be written."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the open transaction rolls back (exit 143)."""


def kept_note(exc: BaseException) -> str:
    """What an interrupted command kept (set by commands that commit in steps, such as `import`)."""
    return str(getattr(exc, "kept", "") or _("nothing of this command was written"))
