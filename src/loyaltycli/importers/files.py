"""Reading the files a user names, with errors that name the file."""

from __future__ import annotations

import csv
from typing import IO, Any

from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _


def read_text(path: str, what: str = "file") -> str:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return fh.read()
    except FileNotFoundError:
        raise BadInputError(_("{path}: no such {what}.").format(path=path, what=what)) from None
    except IsADirectoryError:
        raise BadInputError(_("{path}: is a folder, not a {what}.").format(path=path, what=what)) from None
    except UnicodeDecodeError as exc:
        raise BadInputError(_("{path}: is not UTF-8 text (byte {start}).").format(path=path, start=exc.start)) from None
    except OSError as exc:
        raise BadInputError(
            _("{path}: cannot be read ({strerror}).").format(path=path, strerror=exc.strerror)
        ) from None


def open_rejects(path: str, header: list[str]) -> tuple[IO[str], Any]:
    """The `--rejects` file of an import: the file's own columns plus `reason` (closed by the caller)."""
    try:
        handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - the caller closes it
    except OSError as exc:
        raise BadInputError(
            _("--rejects {path}: cannot be written ({strerror}).").format(path=path, strerror=exc.strerror)
        ) from None
    writer = csv.writer(handle)
    writer.writerow([*header, "reason"])
    return handle, writer
