"""DSFinV-K, the export every certified German till writes (KassenSichV): a folder or zip of CSV tables.

Layout as pretix's python-dsfinvk writes it (dsfinvk/models.py, DSFinV-K 2.0): `;`-separated, CRLF,
numbers with a decimal comma and `.` thousands (`1.234,56`), times as the till's local
`YYYY-MM-DDTHH:MM:SS`, flags `0`/`1`. Two tables matter to a loyalty programme:

- `transactions.csv` (Bonkopf), one row per receipt: `Z_KASSE_ID`, `Z_NR`, `BON_ID`, `BON_TYP`
  (`Beleg` is a sale; `AVTraining`, `AVBelegabbruch`, ... are not), `BON_STORNO`, `BON_START`,
  `BON_ENDE`, `UMS_BRUTTO`, `KUNDE_ID`, `KUNDE_NAME`;
- `lines.csv` (Bonpos), one row per item: `BON_ID`, `POS_ZEILE`, `GV_TYP` (`Umsatz` is goods),
  `P_STORNO`, `ART_NR`, `WARENGR`, `MENGE`, `STK_BR` (unit price with VAT).

`joined()` writes each row of `lines.csv` with its receipt's header beside it, in a temporary file
with the same line numbers, which the `dsfinvk` preset (formats.py) then reads like any export.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _
from loyaltycli.importers.csvfile import encoding_of

HEADER_TABLE, LINES_TABLE = "transactions.csv", "lines.csv"
HEADER_FIELDS = ("BON_NR", "BON_TYP", "BON_STORNO", "BON_START", "BON_ENDE", "UMS_BRUTTO", "KUNDE_ID", "KUNDE_NAME")
LINE_FIELDS: tuple[str, ...] = ("Z_KASSE_ID", "Z_NR", "BON_ID", "POS_ZEILE", "GV_TYP", "P_STORNO", "ARTIKELTEXT")
LINE_FIELDS += ("ART_NR", "WARENGR_ID", "WARENGR", "MENGE", "STK_BR")
JOINED = (*LINE_FIELDS, *HEADER_FIELDS)
KEY = ("Z_KASSE_ID", "Z_NR", "BON_ID")


@contextmanager
def joined(path: str) -> Iterator[str]:
    """The path of a temporary CSV of every item row with its receipt header (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="loyalty-dsfinvk-") as folder:
        tables = _tables(path, Path(folder))
        with _open(tables[HEADER_TABLE]) as handle:
            headers = _headers(handle, path)
        target = Path(folder) / "dsfinvk.csv"
        with _open(tables[LINES_TABLE]) as handle, open(target, "w", encoding="utf-8", newline="") as out:
            _join(handle, headers, out, path)
        yield str(target)


def _tables(path: str, folder: Path) -> dict[str, Path]:
    """Where the two tables are: in the export's folder, or taken out of its zip into `folder`."""
    source = Path(path)
    if source.is_dir():
        found = {child.name.lower(): child for child in source.iterdir()}
    elif not source.exists():
        raise BadInputError(_("{path}: no such DSFinV-K export (a folder or a zip file).").format(path=path))
    elif not zipfile.is_zipfile(source):
        raise BadInputError(
            _("{path}: a DSFinV-K export is a folder or a zip file with transactions.csv and lines.csv.").format(
                path=path
            )
        )
    else:
        found = {}
        with zipfile.ZipFile(source) as archive:
            for member in archive.namelist():
                name = member.rsplit("/", 1)[-1].lower()
                if name in (HEADER_TABLE, LINES_TABLE) and name not in found:
                    found[name] = folder / f"export-{name}"
                    with archive.open(member) as packed, open(found[name], "wb") as unpacked:
                        shutil.copyfileobj(packed, unpacked)
    for name in (HEADER_TABLE, LINES_TABLE):
        if name not in found:
            raise BadInputError(_("{path}: the export has no {name}.").format(path=path, name=name))
    return found


def _open(table: Path) -> IO[str]:
    """A table in its encoding: UTF-8 as DSFinV-K asks, else Windows-1252 as older tills write (detected)."""
    return open(table, encoding=encoding_of(str(table)), newline="")  # noqa: SIM115 - the caller closes it


def _reader(handle: IO[str], name: str, wanted: tuple[str, ...], path: str) -> tuple[csv.DictReader[str], list[str]]:
    reader = csv.DictReader(handle, delimiter=";")
    columns = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise BadInputError(
            _("{path}: {name} has no column {columns}; is this a DSFinV-K export?").format(
                path=path, name=name, columns=", ".join(missing)
            )
        )
    return reader, columns


def _headers(handle: IO[str], path: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each receipt's header fields by (till, closing, receipt)."""
    reader, _columns = _reader(handle, HEADER_TABLE, (*KEY, "BON_TYP", "BON_ENDE", "KUNDE_ID"), path)
    return {tuple(row[k] or "" for k in KEY): tuple(row.get(name) or "" for name in HEADER_FIELDS) for row in reader}


def _join(handle: IO[str], headers: dict[tuple[str, ...], tuple[str, ...]], out: IO[str], path: str) -> None:
    reader, _columns = _reader(handle, LINES_TABLE, (*KEY, "MENGE", "STK_BR"), path)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(JOINED)
    missing = ("",) * len(HEADER_FIELDS)
    for row in reader:
        header = headers.get(tuple(row[k] or "" for k in KEY), missing)
        writer.writerow([*(row.get(name) or "" for name in LINE_FIELDS), *header])
