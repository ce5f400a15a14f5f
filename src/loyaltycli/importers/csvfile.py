"""Opening a sales CSV: checks that make a bad file exit 2 before anything is written,
encoding and delimiter detection, and a stream of rows that never holds the whole file."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _

CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class SalesFile:
    """What was learnt about a file before reading its rows."""

    path: str
    encoding: str
    delimiter: str
    header: list[str]
    line_end: str = "\n"  # what the file's lines end with (a rejects file is written the same way)
    bom: bool = False  # a UTF-8 file that starts with a byte order mark


def inspect_file(path: str, delimiter: str | None = None) -> SalesFile:
    """Read the file once in chunks: readable, text, which encoding, a header row, which delimiter."""
    encoding = encoding_of(path)
    with open(path, encoding=encoding, newline="") as fh:
        sample = fh.read(64 * 1024)
    first = next((line for line in sample.splitlines() if line.strip()), "")
    if not first:
        raise BadInputError(_("{path}: the file is empty; a sales CSV needs a header row and rows.").format(path=path))
    chosen = _delimiter(first, delimiter, path)
    header = next(csv.reader(io.StringIO(first), delimiter=chosen))
    with open(path, "rb") as fh:
        bom = fh.read(3) == codecs.BOM_UTF8
    line_end = "\r\n" if "\r\n" in sample else "\n"
    return SalesFile(path, encoding, chosen, [h.strip() for h in header], line_end, bom)


def encoding_of(path: str) -> str:
    """UTF-16 with a BOM (Excel's "Unicode text"); else UTF-8 (with or without BOM) if every byte decodes,
    else cp1252; NUL bytes in a file that is not UTF-16 mean it is not text."""
    if _starts_with_utf16_bom(path):
        _check_decodes(path, "utf-16", "UTF-16")
        return "utf-16"
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                if b"\x00" in chunk:
                    raise BadInputError(
                        _("{path}: this is not a text CSV file (it holds binary data).").format(path=path)
                    )
                if is_utf8:
                    try:
                        utf8.decode(chunk)
                    except UnicodeDecodeError:
                        is_utf8 = False
            if is_utf8:
                utf8.decode(b"", final=True)
    except FileNotFoundError:
        raise BadInputError(_("{path}: no such file.").format(path=path)) from None
    except IsADirectoryError:
        raise BadInputError(_("{path}: is a folder, not a CSV file.").format(path=path)) from None
    except UnicodeDecodeError:
        is_utf8 = False
    except OSError as exc:
        raise BadInputError(
            _("{path}: cannot be read ({strerror}).").format(path=path, strerror=exc.strerror)
        ) from None
    if is_utf8:
        return "utf-8-sig"
    _check_cp1252(path)
    return "cp1252"


def _starts_with_utf16_bom(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    except OSError:
        return False  # the reading below says why


def _check_cp1252(path: str) -> None:
    _check_decodes(path, "cp1252", "UTF-8 nor Windows-1252")


def _check_decodes(path: str, encoding: str, name: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as fh:
        try:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise BadInputError(
                _("{path}: is {value} {name} text; save it as UTF-8 CSV.").format(
                    path=path, value="neither" if " nor " in name else "not", name=name
                )
            ) from None


def _delimiter(header: str, given: str | None, path: str) -> str:
    if given:
        value = "\t" if given in ("\\t", "tab", "TAB") else given
        if len(value) != 1:
            raise BadInputError(_("--delimiter: {given!r} must be one character (or `tab`).").format(given=given))
        return value
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise BadInputError(
            _("{path}: the first line has no `,` `;` or tab, so it is no CSV header row.").format(path=path)
        )
    return best


class UnreadableRow(list[str]):
    """A record the CSV reader could not read (a field over the size limit, a broken quote); `problem` says why.
    It is rejected like any bad row, and the rows after it are read on."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


def rows(sales: SalesFile) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every non-blank record after the header; the header is row 1."""
    with open(sales.path, encoding=sales.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=sales.delimiter)
        number = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield number, UnreadableRow(f"the row cannot be read as CSV ({exc})")
                continue
            number += 1
            if number == 1 or not any(record):
                continue
            yield number, record
