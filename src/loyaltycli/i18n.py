"""The language of everything written for people (SPEC §1 "Language"): English or German.

The choice: `LOYALTY_LANG` (`en`, `de`), else the POSIX locale (`LC_ALL`, then
`LC_MESSAGES`, then `LANG`; a value starting with `de` means German), else
English.  Messages come from one gettext catalogue, compiled into
`locale/de/LC_MESSAGES/loyaltycli.mo` and shipped in the package; the English
text in the code is the message id.  Numbers, money and dates are written by
Babel in the language's way (`1.234,56 €`, `31.12.2026`); English keeps ISO
dates.  What machines read (`--json`, `--csv`, exit codes, command and option
names) never passes through here.
"""

from __future__ import annotations

import datetime as dt
import gettext
import os
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "loyaltycli"
LANGUAGES = ("en", "de")
_BABEL_LOCALE = {"en": "en_GB", "de": "de_DE"}


@dataclass
class Speech:
    """How this invocation speaks: its language, that language's catalogue, and the programme's country
    (phone numbers of that country are shown in national form). Held in a context variable, not module
    globals: each thread (the counter screen's workers) has its own, so one can never switch another's."""

    language: str | None = None
    catalogue: gettext.NullTranslations | None = None
    home_region: str | None = None


_SPEECH: ContextVar[Speech] = ContextVar("loyaltycli_speech")


def speech() -> Speech:
    """This context's `Speech` (made, from the environment, at its first use)."""
    try:
        return _SPEECH.get()
    except LookupError:
        made = Speech()
        _SPEECH.set(made)
        return made


def choose_language(env: Mapping[str, str] = os.environ) -> str:
    """`de` or `en`, from `LOYALTY_LANG`, else the first set of `LC_ALL`, `LC_MESSAGES`, `LANG`."""
    chosen = env.get("LOYALTY_LANG", "").strip()
    if not chosen:
        chosen = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name, "").strip()), "")
    return "de" if chosen.strip().lower().startswith("de") else "en"


def language() -> str:
    current = speech()
    if current.language is None:
        current.language = choose_language()
    return current.language


def set_language(name: str | None) -> None:
    """Use `name` from now on (None: choose again from the environment); tests and the counter screen."""
    current = speech()
    current.language = name if name in LANGUAGES else None if name is None else "en"
    current.catalogue = None


def catalogue() -> gettext.NullTranslations:
    current = speech()
    if current.catalogue is None:
        current.catalogue = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language()], fallback=True)
    return current.catalogue


def _(message: str) -> str:
    """`message` (English, the id) in the user's language."""
    if language() == "en":
        return message
    return catalogue().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, in the user's language (`{count}` is filled in by the caller)."""
    if language() == "en":
        return singular if count == 1 else plural
    return catalogue().ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks `message` for the catalogue where it is translated later (help texts, table headings)."""
    return message


def _babel_locale() -> str:
    return _BABEL_LOCALE[language()]


def number(value: int | Decimal) -> str:
    """A count or points: `1.234` in German; English keeps plain digits (`1234`), as scripts have read them."""
    if language() == "en":
        return str(value)
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_babel_locale())


def money(amount: Decimal | str, currency: str) -> str:
    """Two decimals and the currency: `1.234,56 €` in German, `€1,234.56` in English."""
    from babel.numbers import format_currency

    return format_currency(Decimal(amount), currency, locale=_babel_locale())


def day(value: dt.date | None) -> str:
    """`31.12.2026` in German; English keeps ISO (`2026-12-31`)."""
    if value is None:
        return ""
    if language() == "en":
        return value.isoformat()
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


def day_time(iso: str) -> str:
    """An ISO instant (`2026-06-15T10:00:00+02:00`) as its day and minute: `15.06.2026 10:00`."""
    instant = dt.datetime.fromisoformat(iso)
    return f"{day(instant.date())} {instant:%H:%M}"


_CHANNELS = {
    "till": N_("at the till"),
    "counter": N_("at the counter screen"),
    "web": N_("on the web"),
    "import": N_("by import"),
    "migration": N_("before events were kept"),
}


def channel_named(channel: str) -> str:
    """Where a consent was given, in a sentence."""
    return _(_CHANNELS.get(channel, channel))


def month(label: str) -> str:
    """A `YYYY-MM` month label for people: `11.2026` in German; English keeps `2026-11`."""
    if language() == "en" or len(label) != 7 or label[4] != "-":
        return label
    return f"{label[5:]}.{label[:4]}"


def long_day(value: dt.date) -> str:
    """A day in a heading: `1 Nov 2026`, `01.11.2026`."""
    from babel.dates import format_date

    return format_date(value, "medium", locale=_babel_locale())


def period(start: dt.date | None, end: dt.date) -> str:
    """A report's period in its heading: `1 Nov 2026 – 30 Nov 2026`; open at the start: `until 30 Nov 2026`."""
    if start is None:
        return _("until {day}").format(day=long_day(end))
    return f"{long_day(start)} – {long_day(end)}"


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def points(count: int) -> str:
    """`1 point`, `2 points`; `1 Punkt`, `2 Punkte`."""
    return ngettext("{count} point", "{count} points", count).format(count=number(count))


def members(count: int) -> str:
    return ngettext("{count} member", "{count} members", count).format(count=number(count))


def receipts(count: int) -> str:
    return ngettext("{count} receipt", "{count} receipts", count).format(count=number(count))


def checked(kind: str, count: int) -> str:
    """What `verify` looked at, counted in words (`2 members`, `5 Einträge`)."""
    forms = {
        "members": lambda: ngettext("{count} member", "{count} members", count),
        "entries": lambda: ngettext("{count} entry", "{count} entries", count),
        "lots": lambda: ngettext("{count} lot", "{count} lots", count),
        "receipts": lambda: ngettext("{count} receipt", "{count} receipts", count),
        "vouchers": lambda: ngettext("{count} voucher", "{count} vouchers", count),
    }.get(kind)
    return forms().format(count=number(count)) if forms else f"{number(count)} {kind}"


def rows(count: int) -> str:
    return ngettext("{count} row", "{count} rows", count).format(count=number(count))


def amount(value: Decimal | str) -> str:
    """An amount of money without its currency, as the language writes it: `1.234,56`, `1234.56`."""
    if language() == "en":
        return str(value)
    from babel.numbers import format_decimal

    return format_decimal(Decimal(value), format="#,##0.00", locale=_babel_locale())


def set_home_region(region: str | None) -> None:
    speech().home_region = region


def phone(e164: str) -> str:
    """A stored phone number (E.164) as people write it: `0170 1234567` in the programme's country,
    `+43 664 1234567` for another."""
    from loyaltycli.domain.phones import phone_forms

    forms = phone_forms(e164)
    return shown_phone(forms) if forms else e164


def shown_phone(forms: str) -> str:
    """The form of `phone_forms` to show: national in the programme's country, international elsewhere."""
    region, national, international = forms.split("|", 2)
    home = speech().home_region
    return national if home is not None and region == home else international


def cell(value: object) -> str:
    """Any value in a table or list for people: numbers, dates, yes/no and phone numbers the language's way."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int):
        return number(value)
    if isinstance(value, Decimal):
        return str(value) if language() == "en" else str(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.isoformat(" ", "minutes") if language() == "en" else f"{day(value.date())} {value:%H:%M}"
    if isinstance(value, dt.date):
        return day(value)
    text = str(value)
    if len(text) > 7 and text[0] == "+" and text[1:].isdigit():
        return phone(text)
    return text


_STATUSES = {
    "active": N_("active"),
    "blocked": N_("blocked"),
    "restricted": N_("restricted"),
    "erased": N_("erased"),
    "merged": N_("merged"),
    "issued": N_("issued"),
    "valid": N_("valid"),
    "used": N_("used"),
    "expired": N_("expired"),
    "cancelled": N_("cancelled"),
}


def status(value: str) -> str:
    """A member's or voucher's status as a word of the language (`--json` keeps the stored value)."""
    return _(_STATUSES.get(value, value))


_ROUNDINGS = {"floor": N_("rounded down"), "round": N_("rounded half up"), "ceil": N_("rounded up")}


def rounding(name: str) -> str:
    """The programme's `earn.rounding` in words."""
    return _(_ROUNDINGS.get(name, name))


def decimal(value: object) -> str:
    """A decimal number given as text or Decimal (`12.5`), with the language's decimal mark (`12,5`)."""
    if value is None or value == "":
        return ""
    text = str(value)
    return text if language() == "en" else text.replace(".", ",")


_ENTRY_KINDS = {
    "earn": N_("purchase"),
    "signup": N_("signup bonus"),
    "birthday": N_("birthday bonus"),
    "referral": N_("referral bonus"),
    "action": N_("action"),
    "adjust": N_("correction"),
    "opening": N_("opening balance"),
    "redeem": N_("redeemed"),
    "cancel": N_("voucher cancelled"),
    "refund": N_("refund"),
    "return": N_("return"),
    "expire": N_("points expired"),
    "merge": N_("merge"),
    "erase": N_("erased"),
}


def entry_kind(kind: str) -> str:
    """What a ledger entry was, in the statement's words (`--json` and `--csv` keep the stored kind)."""
    return _(_ENTRY_KINDS.get(kind, kind))


_FIELDS = {
    "status": N_("status"),
    "reward": N_("reward"),
    "kind": N_("kind"),
    "value": N_("value"),
    "member": N_("member"),
    "partner": N_("partner"),
    "issued_on": N_("issued on"),
    "valid_until": N_("valid until"),
    "used_at": N_("used at"),
    "used_receipt": N_("used on receipt"),
    "database": N_("database"),
    "backend": N_("backend"),
    "schema": N_("schema"),
    "program": N_("programme"),
    "program_version": N_("programme version"),
    "program_versions": N_("programme versions"),
    "compiled": N_("compiled rules (mypyc)"),
    "today": N_("today"),
    "members": N_("members"),
    "receipts": N_("receipts"),
    "ledger_entries": N_("ledger entries"),
    "lots": N_("point lots"),
    "vouchers": N_("vouchers"),
}


def field(name: str) -> str:
    """A field's name as a label for people (`valid_until` -> `valid until`, `gültig bis`)."""
    return _(_FIELDS.get(name, name.replace("_", " ")))


def points_rate(rate: Decimal | int) -> str:
    """`1 point`, `1.5 points` (a rate: the plural unless it is exactly one)."""
    return ngettext("{count} point", "{count} points", 1 if rate == 1 else 2).format(count=decimal(rate))


def basis(name: str | None) -> str:
    """What a tier is reached by: `spend` (Umsatz) or `points` (Punkte)."""
    return {"spend": _("spend"), "points": _("points")}.get(name or "", name or "")


def threshold(value: object, tier_basis: str | None, currency: str | None) -> str:
    """A tier's threshold: money for a spend basis, points otherwise."""
    if tier_basis == "spend" and currency:
        return money(Decimal(str(value)), currency)
    return number(int(Decimal(str(value))))


_REWARD_KINDS = {
    "free_item": N_("free item"),
    "discount_amount": N_("discount"),
    "discount_percent": N_("percent off"),
    "experience": N_("experience"),
}


def reward_kind(kind: str) -> str:
    """A reward's kind in words (`free_item` is a free item, `Gratisartikel`)."""
    return _(_REWARD_KINDS.get(kind, kind))


def reward_value(kind: str, value: object, currency: str) -> str:
    """What a reward is worth: `10 %` off, or an amount of money."""
    if value is None or value == "":
        return ""
    if "percent" in kind:
        return f"{decimal(value)} %"
    return money(Decimal(str(value)), currency)


def status_named(value: str) -> str:
    """A status in a sentence: the word of the language, and the value options take (`gesperrt (blocked)`),
    so that `member list --status blocked` is easy to find from the message."""
    word = status(value)
    return word if word == value else f"{word} ({value})"
