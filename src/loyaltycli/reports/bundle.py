"""`member export MEMBER --bundle FILE.zip`: everything stored about a person, for an access request (GDPR
Art. 15), as one zip the shop hands over: JSON and CSV of every table, the card as a PNG, a short readme in
German and English. Written readable by its owner only (0600), whole or not at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from loyaltycli.domain.cells import neutralise

README = """\
Auskunft über gespeicherte Daten (Art. 15 DSGVO)
================================================

{shop} hat am {today} alle Daten zusammengestellt, die im Kundenbindungsprogramm
über das Mitglied {member} gespeichert sind.

- member.json: alles in einer Datei (maschinenlesbar).
- member.csv: Name, Kontakt, Geburtstag, Status, Einwilligungen, Kartennummer.
- consents.csv: jede Einwilligung in Werbung und jeder Widerruf, mit Zeit, Weg und Textfassung.
- receipts.csv: Einkäufe, Erstattungen und Rückgaben mit ihren Positionen.
- ledger.csv: jede Buchung von Punkten; lots.csv: die Punkteposten mit Gültigkeit.
- vouchers.csv: Gutscheine; stamp_cards.csv: Stempelkarten.
- card.png: die Kundenkarte{catima_de}.

Information about stored data (Art. 15 GDPR)
============================================

On {today}, {shop} put together all data its loyalty programme stores about
member {member}.

- member.json: everything in one file (machine-readable).
- member.csv: name, contact, birthday, status, consents, card number.
- consents.csv: every marketing consent and withdrawal, with time, channel and text version.
- receipts.csv: purchases, refunds and returns with their lines.
- ledger.csv: every booking of points; lots.csv: the points' lots with their dates.
- vouchers.csv: vouchers; stamp_cards.csv: stamp cards.
- card.png: the member card{catima_en}.
"""

TABLES = ("receipts", "ledger", "lots", "vouchers", "stamp_cards", "consents")


def bundle_files(
    export: Any, shop: str, today: dt.date, card_png: bytes | None, catima: str | None
) -> dict[str, bytes]:
    """The bundle's files by name: README.txt, member.json, one CSV per table, card.png."""
    document = asdict(export) | {"catima": catima}
    files = {
        "README.txt": README.format(
            shop=shop,
            member=export.member.get("id"),
            today=today.isoformat(),
            catima_de=f"; in Catima öffnen: {catima}" if catima else "",
            catima_en=f"; open it in Catima: {catima}" if catima else "",
        ).encode("utf-8"),
        "member.json": json.dumps(document, indent=2, ensure_ascii=False, default=_json_value).encode("utf-8"),
        "member.csv": _csv([export.member]),
    }
    for name in TABLES:
        files[f"{name}.csv"] = _csv(getattr(export, name))
    if card_png is not None:
        files["card.png"] = card_png
    return files


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """Rows as CSV with a header (UTF-8 with BOM, which spreadsheets open as such); no row: no columns."""
    out = io.StringIO()
    if rows:
        writer = csv.writer(out, lineterminator="\r\n")
        columns = list(rows[0])
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise(_cell(row.get(column))) for column in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_json_value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def write_bundle(path: Path, files: dict[str, bytes]) -> None:
    """The zip at `path`, mode 0600 from its first byte; replaced whole (a failure leaves no half file)."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=".bundle-", suffix=".zip", dir=folder)  # mkstemp: 0600
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
