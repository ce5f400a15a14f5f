"""The programme file (SPEC §2) as frozen dataclasses, and their stored form.

A programme file is validated once, by Pydantic (`program_file.py`, imported only then), against the
dataclasses below: their `Annotated` fields carry a `Checked` that tells Pydantic the bounds and conversions.
A stored programme was validated when it was loaded, so `program_from_data` rebuilds it without Pydantic:
the everyday commands never import it. `program_to_data` gives back a dict that tomli-w writes and that
parses to the same programme.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
import re
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from loyaltycli.domain.currencies import ISO_4217
from loyaltycli.domain.money import MAX_AMOUNT, format_amount, parse_money
from loyaltycli.domain.search import search_key
from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _


@dataclass(frozen=True)
class Checked:
    """How Pydantic checks one field of a programme file: a conversion before, bounds, a check after.

    `dump` writes the value back (money as "5.00"). Pydantic is imported only when a file is validated.
    """

    before: Callable[[Any], Any] | None = None
    after: Callable[[Any], Any] | None = None
    dump: Callable[[Any], Any] | None = None
    bounds: tuple[tuple[str, Any], ...] = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic import AfterValidator, BeforeValidator, Field

        metadata: list[Any] = []
        if self.before is not None:
            metadata.append(BeforeValidator(self.before))
        if self.bounds:
            metadata.append(Field(**dict(self.bounds)))
        if self.after is not None:
            metadata.append(AfterValidator(self.after))
        return handler(Annotated[(source, *metadata)] if metadata else source)


def checked(
    before: Callable[[Any], Any] | None = None,
    after: Callable[[Any], Any] | None = None,
    dump: Callable[[Any], Any] | None = None,
    **bounds: Any,
) -> Checked:
    return Checked(before, after, dump, tuple(bounds.items()))


def _money(value: Any) -> Decimal:
    if isinstance(value, float):
        # TOML floats are binary; read their shortest decimal form, never the float itself.
        value = repr(value)
    try:
        return parse_money(value, "value")
    except BadInputError:
        raise ValueError(_('must be an amount of money such as "5.00"')) from None


def _number(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _plain_number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value.normalize()


def _not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(_("must not be negative"))
    return value


def _positive_money(value: Decimal | None) -> Decimal | None:
    if value is not None and value <= 0:
        raise ValueError(_("must be a positive amount of money"))
    return value


Money = Annotated[Decimal, checked(before=_money, dump=format_amount)]
Number = Annotated[Decimal, checked(before=_number)]
# SPEC §1 limits: no number of a programme can make a sum overflow later.
Rate = Annotated[Decimal, checked(before=_number, gt=0, le=1000)]
Multiplier = Annotated[Decimal, checked(before=_number, gt=0, le=100)]
BonusPoints = Annotated[int, checked(ge=0, le=1_000_000)]
Days = Annotated[int, checked(ge=0, le=3660)]
Identifier = Annotated[str, checked(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


def _categories(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(normalise_category(v) for v in values)


Categories = Annotated[tuple[str, ...], checked(after=_categories)]


@functools.lru_cache(maxsize=4096)
def normalise_category(category: str | None) -> str:
    """Categories match case-insensitively and without surrounding blanks."""
    return (category or "").strip().lower()


def _currency(value: str) -> str:
    if value not in ISO_4217:
        raise ValueError(_('{value!r} is not an ISO 4217 currency code such as "EUR"').format(value=value))
    return value


def _category_rates(rates: dict[str, Decimal]) -> dict[str, Decimal]:
    return {normalise_category(k): v for k, v in rates.items()}


def _timezone(value: str) -> str:
    from loyaltycli.domain.zones import check_timezone

    check_timezone(value)
    return value


def _country(value: str) -> str:
    from loyaltycli.domain.zones import check_country

    return check_country(value)


class _Table:
    """A table of the file: frozen, compared by value, fields given by name, unknown keys refused."""

    __pydantic_config__: typing.ClassVar[dict[str, str]] = {"extra": "forbid"}


@dataclass(frozen=True, kw_only=True)
class ProgramInfo(_Table):
    name: Annotated[str, checked(min_length=1)]
    currency: Annotated[str, checked(after=_currency)]
    timezone: Annotated[str, checked(after=_timezone)]
    country: Annotated[str, checked(after=_country)] | None = None


@dataclass(frozen=True, kw_only=True)
class Earn(_Table):
    points_per_unit: Rate = Decimal(1)
    rounding: Literal["floor", "round", "ceil"] = "floor"
    min_spend: Annotated[Money, checked(after=_not_negative)] = Decimal("0.00")
    pending_days: Days = 0
    exclude_categories: Categories = ()
    exclude_skus: tuple[str, ...] = ()
    gift_card_categories: Categories = ("gift-card", "gift-cards", "giftcard", "giftcards", "gift card")
    category_rates: Annotated[dict[str, Rate], checked(after=_category_rates)] = field(default_factory=dict)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_HOURS = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$")


def _lower_weekdays(values: Any) -> Any:
    return [v.strip().lower() if isinstance(v, str) else v for v in values] if isinstance(values, list) else values


def _monthdays(values: tuple[int, ...]) -> tuple[int, ...]:
    wrong = [d for d in values if not (1 <= d <= 31 or d == -1)]
    if wrong:
        raise ValueError(
            _("{wrong} is not a day of the month (1 to 31, or -1 for the last day)").format(wrong=wrong[0])
        )
    return values


def _hours(value: str) -> str:
    match = _HOURS.match(value.strip())
    if not match:
        raise ValueError(_('"{value}" is not a time range such as "16:00-18:00"').format(value=value))
    start, end = _minutes(match.group(1), match.group(2)), _minutes(match.group(3), match.group(4))
    if end > 24 * 60:
        raise ValueError(_('"{value}" ends after 24:00').format(value=value))
    if end <= start:
        raise ValueError(_('"{value}" ends before it starts').format(value=value))
    return value.strip()


@dataclass(frozen=True, kw_only=True)
class Campaign(_Table):
    id: Identifier
    name: str = ""
    starts: dt.date
    ends: dt.date | None = None  # open: runs until a programme version drops it
    multiplier: Multiplier = Decimal(1)
    bonus_points: BonusPoints = 0
    categories: Categories = ()
    channels: Categories = ()
    min_spend: Money = Decimal("0.00")
    weekdays: Annotated[tuple[Weekday, ...], checked(before=_lower_weekdays)] = ()
    monthdays: Annotated[tuple[int, ...], checked(after=_monthdays)] = ()
    hours: Annotated[str, checked(after=_hours)] | None = None  # "16:00-18:00": local time, start in, end out

    def __post_init__(self) -> None:
        if self.ends is not None and self.ends < self.starts:
            raise ValueError(_("ends ({ends}) is before starts ({starts})").format(ends=self.ends, starts=self.starts))

    @property
    def title(self) -> str:
        return self.name or self.id

    @property
    def minutes(self) -> tuple[int, int] | None:
        """The `hours` window as minutes after local midnight: (start, end), start in, end out."""
        if self.hours is None:
            return None
        start, end = self.hours.split("-")
        return _minutes(*start.split(":")), _minutes(*end.split(":"))

    def runs_on(self, day: dt.date) -> bool:
        """Whether the campaign runs on this local day (dates, weekdays, days of the month; not hours)."""
        if day < self.starts or (self.ends is not None and day > self.ends):
            return False
        if self.weekdays and WEEKDAYS[day.weekday()] not in self.weekdays:
            return False
        if self.monthdays:
            last = calendar.monthrange(day.year, day.month)[1]
            if day.day not in self.monthdays and not (day.day == last and -1 in self.monthdays):
                return False
        return True

    def runs_at(self, clock: dt.time) -> bool:
        """Whether a receipt at this local wall-clock time falls in `hours` (always, without hours)."""
        window = self.minutes
        if window is None:
            return True
        minute = clock.hour * 60 + clock.minute
        return window[0] <= minute < window[1]


def _minutes(hours: str, minutes: str) -> int:
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True, kw_only=True)
class TierLevel(_Table):
    name: Annotated[str, checked(min_length=1)]
    threshold: Annotated[Number, checked(after=_not_negative)] = Decimal(0)
    multiplier: Multiplier = Decimal(1)


@dataclass(frozen=True, kw_only=True)
class Tiers(_Table):
    basis: Literal["spend", "points"] = "spend"
    window_months: Annotated[int, checked(ge=1, le=120)] = 12
    levels: Annotated[tuple[TierLevel, ...], checked(min_length=1)]

    def __post_init__(self) -> None:
        names = [level.name for level in self.levels]
        if len(set(names)) != len(names):
            raise ValueError(_("tier names must be unique"))
        thresholds = [level.threshold for level in self.levels]
        if thresholds != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
            raise ValueError(_("levels must be listed with strictly rising thresholds"))


@dataclass(frozen=True, kw_only=True)
class Expiry(_Table):
    policy: Literal["none", "fixed", "inactivity"] = "none"
    months: Annotated[int, checked(ge=1, le=1200)] | None = None
    at_period_end: Literal["none", "month", "year"] = "none"
    warn_days: Days = 30

    def __post_init__(self) -> None:
        if self.policy != "none" and self.months is None:
            raise ValueError(_("policy {policy!r} needs `months`").format(policy=self.policy))


@dataclass(frozen=True, kw_only=True)
class Bonuses(_Table):
    signup: BonusPoints = 0
    birthday: BonusPoints = 0
    referral_referrer: BonusPoints = 0
    referral_referee: BonusPoints = 0
    referral_min_spend: Money = Decimal("0.00")


@dataclass(frozen=True, kw_only=True)
class Action(_Table):
    id: Identifier
    name: str = ""
    points: Annotated[int, checked(ge=1, le=1_000_000)]
    limit: Literal["once", "daily", "monthly", "unlimited"] = "unlimited"


@dataclass(frozen=True, kw_only=True)
class Abuse(_Table):
    """What `report suspicious` flags; a limit left out is not checked."""

    max_receipts_per_day: Annotated[int, checked(ge=1, le=100_000)] | None = None
    max_refunds_per_30_days: Annotated[int, checked(ge=0, le=100_000)] | None = None


@dataclass(frozen=True, kw_only=True)
class Consent(_Table):
    """`[consent]`: which wording of the marketing consent members agree to now (recorded with each consent)."""

    text_version: Annotated[str, checked(min_length=1, max_length=64)] | None = None


@dataclass(frozen=True, kw_only=True)
class Redeem(_Table):
    min_balance: BonusPoints = 0
    point_value: Annotated[Money, checked(after=_positive_money)] | None = None
    voucher_days: Annotated[int, checked(ge=1, le=3660)] = 90


@dataclass(frozen=True, kw_only=True)
class Reward(_Table):
    id: Identifier
    name: str = ""
    points: Annotated[int, checked(ge=1, le=1_000_000)]
    kind: Literal["free_item", "discount_amount", "discount_percent", "experience"]
    value: Number | None = None
    min_tier: str | None = None
    stock: Annotated[int, checked(ge=0, le=1_000_000_000)] | None = None
    partner: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind == "experience":
            return
        if self.value is None:
            raise ValueError(_("a {kind} reward needs a `value`").format(kind=self.kind))
        if self.kind == "discount_percent":
            if not 0 < self.value <= 100:
                raise ValueError(_("value: a percentage must be above 0 and at most 100"))
        elif self.value <= 0 or self.value > MAX_AMOUNT or self.value != self.value.quantize(Decimal("0.01")):
            raise ValueError(_("value: must be a positive amount of money with at most two decimals"))

    @property
    def title(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, kw_only=True)
class StampCard(_Table):
    id: Identifier
    name: str = ""
    categories: Categories = ()
    skus: tuple[str, ...] = ()
    stamps: Annotated[int, checked(ge=2, le=1000)]
    reward: str

    def __post_init__(self) -> None:
        if not self.categories and not self.skus:
            raise ValueError(_("a stamp card needs `categories` or `skus`"))


@dataclass(frozen=True, kw_only=True)
class Program(_Table):
    """A whole programme; immutable, compared by value."""

    program: ProgramInfo
    earn: Earn = Earn()
    campaigns: tuple[Campaign, ...] = ()
    tiers: Tiers | None = None
    expiry: Expiry = Expiry()
    bonuses: Bonuses = Bonuses()
    actions: tuple[Action, ...] = ()
    redeem: Redeem = Redeem()
    rewards: tuple[Reward, ...] = ()
    stamp_cards: tuple[StampCard, ...] = ()
    abuse: Abuse = Abuse()
    consent: Consent = Consent()

    def __post_init__(self) -> None:
        for kind, items in (
            ("campaigns", self.campaigns),
            ("actions", self.actions),
            ("rewards", self.rewards),
            ("stamp_cards", self.stamp_cards),
        ):
            ids = [item.id for item in items]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(_("{kind}: id {dupes!r} is used more than once").format(kind=kind, dupes=dupes[0]))
        tier_names = {level.name for level in self.tiers.levels} if self.tiers else set()
        for n, reward in enumerate(self.rewards):
            if reward.min_tier is not None and reward.min_tier not in tier_names:
                raise ValueError(
                    _("rewards.{n}.min_tier: {min_tier!r} is not a tier of [tiers]").format(
                        n=n, min_tier=reward.min_tier
                    )
                )
        reward_ids = {reward.id for reward in self.rewards}
        for n, card in enumerate(self.stamp_cards):
            if card.reward not in reward_ids:
                raise ValueError(
                    _("stamp_cards.{n}.reward: {reward!r} is not a reward id").format(n=n, reward=card.reward)
                )

    @property
    def zone(self) -> ZoneInfo:
        """The programme's time zone: every "as of" date is a day there."""
        return ZoneInfo(self.program.timezone)

    @functools.cached_property
    def region(self) -> str | None:
        """Region for phone numbers written without a country code (worked out once per programme)."""
        from loyaltycli.domain.zones import country_of_timezone

        return self.program.country or country_of_timezone(self.program.timezone)

    # look-ups used by the rules
    def reward(self, reward_id: str) -> Reward | None:
        """The reward of this id; a name typed in another case or without accents finds it too."""
        return _named(self.rewards, reward_id, lambda r: r.id)

    def action(self, action_id: str) -> Action | None:
        return _named(self.actions, action_id, lambda a: a.id)

    def tier(self, name: str) -> TierLevel | None:
        """The tier level of this name, in any case and without accents (`gold` is `Gold`)."""
        return _named(self.tiers.levels, name, lambda t: t.name) if self.tiers else None


_T = TypeVar("_T")


def _named(items: Sequence[_T], name: str, key: Callable[[_T], str]) -> _T | None:
    """The item whose name is `name` exactly, else the one it names when case and accents are ignored (as
    `member find` matches), else None."""
    exact = next((item for item in items if key(item) == name), None)
    if exact is not None:
        return exact
    wanted = search_key(name)
    return next((item for item in items if search_key(key(item)) == wanted), None)


def parse_program(text: str, path: str) -> Program:
    """Parse and validate programme TOML; every problem names the file, line and field path."""
    from loyaltycli.domain.program_file import validate_program_file

    return validate_program_file(text, path)


def program_from_data(data: dict[str, Any]) -> Program:
    """A programme stored by this tool (validated when it was loaded): rebuilt without Pydantic."""
    return _build(Program, data)


def program_to_data(program: Program) -> dict[str, Any]:
    """Plain data (str, int, Decimal, date, list, dict) in the file's own shape, defaults left out."""
    data: dict[str, Any] = _dump(program, json=False, skip_defaults=True)
    return data


def program_to_json_data(program: Program) -> dict[str, Any]:
    """The whole programme as JSON-ready data (money and numbers as strings)."""
    data: dict[str, Any] = _dump(program, json=True, skip_defaults=False)
    return data


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The fields' types, worked out once per table (`from __future__ import annotations` keeps them as text)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls, include_extras=True)
    return _HINTS[cls]


def _build(cls: type[_T], data: dict[str, Any]) -> _T:
    hints = _hints(cls)
    return cls(**{name: _convert(hints[name], value) for name, value in data.items()})


def _convert(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin is Annotated:
        return _convert(hint.__origin__, value)
    if origin in (typing.Union, types.UnionType):
        return _convert(_without_none(hint), value)
    if origin is tuple:
        return tuple(_convert(typing.get_args(hint)[0], item) for item in value)
    if origin is dict:
        return {key: _convert(typing.get_args(hint)[1], item) for key, item in value.items()}
    if dataclasses.is_dataclass(hint):
        return _build(hint, value)  # type: ignore[arg-type]
    if hint is Decimal:
        return Decimal(str(value))
    if hint is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _dump(value: Any, *, json: bool, skip_defaults: bool) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        hints = _hints(type(value))
        data = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if skip_defaults and (item is None or _is_default(f, item)):
                continue
            writer = _writer(hints[f.name])
            if writer is not None and item is not None:
                data[f.name] = writer(item)
            else:
                data[f.name] = _dump(item, json=json, skip_defaults=skip_defaults)
        return data
    if isinstance(value, tuple | list):
        return [_dump(item, json=json, skip_defaults=skip_defaults) for item in value]
    if isinstance(value, dict):
        return {key: _dump(item, json=json, skip_defaults=skip_defaults) for key, item in value.items()}
    if isinstance(value, Decimal):
        number = _plain_number(value)
        return str(number) if json and isinstance(number, Decimal) else number
    if json and isinstance(value, dt.date):
        return value.isoformat()
    return value


def _is_default(f: dataclasses.Field[Any], value: Any) -> bool:
    if f.default is not dataclasses.MISSING:
        return bool(value == f.default)
    if f.default_factory is not dataclasses.MISSING:
        return bool(value == f.default_factory())
    return False


def _writer(hint: Any) -> Callable[[Any], Any] | None:
    """The field's own way of writing its value (money as "5.00"), looked for through `X | None`."""
    for marker in getattr(_without_none(hint), "__metadata__", ()):
        if isinstance(marker, Checked) and marker.dump is not None:
            return marker.dump
    return None


def _without_none(hint: Any) -> Any:
    """`X` of `X | None` (every optional field of the file is one type or nothing); any other type as it is."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return next(arg for arg in typing.get_args(hint) if arg is not type(None))
    return hint
