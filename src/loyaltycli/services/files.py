"""Reading the files a user names, with errors that name the file."""

from __future__ import annotations

from loyaltycli.errors import BadInputError


def read_text(path: str, what: str = "file") -> str:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return fh.read()
    except FileNotFoundError:
        raise BadInputError(f"{path}: no such {what}.") from None
    except IsADirectoryError:
        raise BadInputError(f"{path}: is a folder, not a {what}.") from None
    except UnicodeDecodeError as exc:
        raise BadInputError(f"{path}: is not UTF-8 text (byte {exc.start}).") from None
    except OSError as exc:
        raise BadInputError(f"{path}: cannot be read ({exc.strerror}).") from None
