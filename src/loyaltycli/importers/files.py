"""Reading the files a user names, with errors that name the file."""

from __future__ import annotations

import csv
from typing import IO, Any

from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _
from loyaltycli.importers.csvfile import SalesFile


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


def open_rejects(path: str, source: SalesFile) -> tuple[IO[str], Any]:
    """The `--rejects` file of an import: the file's own columns plus `reason` (closed by the caller), written
    as the file was (encoding, delimiter, line ends), so that the program that made it, Excel say, opens it."""
    encoding = "utf-8-sig" if source.bom else "utf-8" if source.encoding == "utf-8-sig" else source.encoding
    try:
        # A reason in a character the file's encoding lacks is written as `?` rather than lost with the row.
        handle = open(path, "w", encoding=encoding, errors="replace", newline="")  # noqa: SIM115 - the caller closes
    except OSError as exc:
        raise BadInputError(
            _("--rejects {path}: cannot be written ({strerror}).").format(path=path, strerror=exc.strerror)
        ) from None
    writer = csv.writer(handle, delimiter=source.delimiter, lineterminator=source.line_end)
    writer.writerow([*source.header, "reason"])
    return handle, writer
