"""Fill msgstrs of de.po from a Python file defining DE = {msgid: msgstr} (a translator's batch)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "src/loyaltycli/locale/de/LC_MESSAGES/loyaltycli.po"


def main() -> None:
    batch = runpy.run_path(sys.argv[1])["DE"]
    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="de")
    unknown = []
    for msgid, msgstr in batch.items():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalog.get(key)
        if message is None:
            unknown.append(key)
            continue
        message.string = msgstr
    with open(PO, "wb") as fh:
        write_po(fh, catalog, width=0, sort_output=True, no_location=True)
    print(f"{len(batch) - len(unknown)} translated; not in the catalogue: {unknown}")


if __name__ == "__main__":
    main()
