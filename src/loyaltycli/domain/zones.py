"""Time zones and the country they imply (the default region for phone numbers)."""

from __future__ import annotations

import functools
import os
import zoneinfo

from loyaltycli.i18n import _


def check_timezone(name: str) -> None:
    """Raise ValueError unless `name` is an IANA time zone this machine knows."""
    if not name or name.startswith("/") or ".." in name:
        raise ValueError(_('{name!r} is not an IANA time zone such as "Europe/Berlin"').format(name=name))
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(_('{name!r} is not an IANA time zone such as "Europe/Berlin"').format(name=name)) from None


def check_country(code: str) -> str:
    """An ISO 3166-1 alpha-2 code (from the time-zone database's table, else the phone-number library's)."""
    upper = code.strip().upper()
    known = _countries()
    if not known:
        import phonenumbers  # ~20 ms to import: only when the tz tables are missing

        known = frozenset(phonenumbers.SUPPORTED_REGIONS)
    if upper not in known:
        raise ValueError(_('{code!r} is not an ISO 3166-1 alpha-2 country code such as "DE"').format(code=code))
    return upper


@functools.cache
def _countries() -> frozenset[str]:
    for base in _tz_dirs():
        try:
            with open(os.path.join(base, "iso3166.tab"), encoding="utf-8") as fh:
                return frozenset(line.split("\t", 1)[0] for line in fh if line[:1].isalpha())
        except OSError:
            continue
    return frozenset()


@functools.cache
def _zone_countries() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for base in _tz_dirs():
        path = os.path.join(base, "zone.tab")
        try:
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("#"):
                        continue
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) >= 3:
                        mapping.setdefault(parts[2], parts[0])
        except OSError:
            continue
        if mapping:
            break
    return mapping


def _tz_dirs() -> list[str]:
    dirs = list(zoneinfo.TZPATH)
    try:
        import importlib.resources

        dirs.append(str(importlib.resources.files("tzdata") / "zoneinfo"))
    except (ImportError, ModuleNotFoundError):
        pass
    return dirs


def country_of_timezone(name: str) -> str | None:
    """The country a time zone belongs to (`Europe/Berlin` -> `DE`), if the zone table says."""
    return _zone_countries().get(name)
