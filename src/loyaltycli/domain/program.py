"""The programme file (SPEC §2) as validated, immutable Pydantic models.

`parse_program(text, path)` turns TOML text into a `Program` or raises
`ProgramError` listing every problem as `file:line: field.path: message`.
`program_to_toml_data` gives back a dict that tomli-w writes and that
parses to the same programme.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)

from loyaltycli.domain.currencies import ISO_4217
from loyaltycli.domain.money import MAX_AMOUNT, format_amount, parse_money
from loyaltycli.domain.search import search_key
from loyaltycli.errors import BadInputError, ProgramError
from loyaltycli.i18n import N_, _


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


Money = Annotated[Decimal, BeforeValidator(_money), PlainSerializer(format_amount, return_type=str)]
Number = Annotated[Decimal, BeforeValidator(_number), PlainSerializer(lambda d: _plain_number(d))]
PositiveNumber = Annotated[Decimal, BeforeValidator(_number), Field(gt=0), PlainSerializer(lambda d: _plain_number(d))]
# SPEC §1 limits: no number of a programme can make a sum overflow later.
Rate = Annotated[Decimal, BeforeValidator(_number), Field(gt=0, le=1000), PlainSerializer(lambda d: _plain_number(d))]
Multiplier = Annotated[
    Decimal, BeforeValidator(_number), Field(gt=0, le=100), PlainSerializer(lambda d: _plain_number(d))
]
BonusPoints = Annotated[int, Field(ge=0, le=1_000_000)]
Days = Annotated[int, Field(ge=0, le=3660)]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


def _plain_number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value.normalize()


def _categories(values: list[str]) -> tuple[str, ...]:
    return tuple(normalise_category(v) for v in values)


@functools.lru_cache(maxsize=4096)
def normalise_category(category: str | None) -> str:
    """Categories match case-insensitively and without surrounding blanks."""
    return (category or "").strip().lower()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProgramInfo(_Model):
    name: Annotated[str, Field(min_length=1)]
    currency: str
    timezone: str
    country: str | None = None

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if value not in ISO_4217:
            raise ValueError(_('{value!r} is not an ISO 4217 currency code such as "EUR"').format(value=value))
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from loyaltycli.domain.zones import check_timezone

        check_timezone(value)
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from loyaltycli.domain.zones import check_country

        return check_country(value)


class Earn(_Model):
    points_per_unit: Rate = Decimal(1)
    rounding: Literal["floor", "round", "ceil"] = "floor"
    min_spend: Money = Decimal("0.00")
    pending_days: Days = 0
    exclude_categories: tuple[str, ...] = ()
    exclude_skus: tuple[str, ...] = ()
    gift_card_categories: tuple[str, ...] = ("gift-card", "gift-cards", "giftcard", "giftcards", "gift card")
    category_rates: dict[str, Rate] = {}

    @field_validator("exclude_categories", "gift_card_categories", mode="after")
    @classmethod
    def _norm(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _categories(list(values))

    @field_validator("category_rates", mode="after")
    @classmethod
    def _norm_rates(cls, rates: dict[str, Decimal]) -> dict[str, Decimal]:
        return {normalise_category(k): v for k, v in rates.items()}

    @field_validator("min_spend")
    @classmethod
    def _not_negative(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError(_("must not be negative"))
        return value


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_HOURS = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$")


class Campaign(_Model):
    id: Identifier
    name: str = ""
    starts: dt.date
    ends: dt.date | None = None  # open: runs until a programme version drops it
    multiplier: Multiplier = Decimal(1)
    bonus_points: BonusPoints = 0
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    min_spend: Money = Decimal("0.00")
    weekdays: tuple[Weekday, ...] = ()
    monthdays: tuple[int, ...] = ()
    hours: str | None = None  # "16:00-18:00": local wall-clock time, start in, end out

    @field_validator("categories", "channels", mode="after")
    @classmethod
    def _norm(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _categories(list(values))

    @field_validator("weekdays", mode="before")
    @classmethod
    def _lower_weekdays(cls, values: Any) -> Any:
        return [v.strip().lower() if isinstance(v, str) else v for v in values] if isinstance(values, list) else values

    @field_validator("monthdays")
    @classmethod
    def _monthdays(cls, values: tuple[int, ...]) -> tuple[int, ...]:
        wrong = [d for d in values if not (1 <= d <= 31 or d == -1)]
        if wrong:
            raise ValueError(
                _("{wrong} is not a day of the month (1 to 31, or -1 for the last day)").format(wrong=wrong[0])
            )
        return values

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: str | None) -> str | None:
        if value is None:
            return None
        match = _HOURS.match(value.strip())
        if not match:
            raise ValueError(_('"{value}" is not a time range such as "16:00-18:00"').format(value=value))
        start, end = _minutes(match.group(1), match.group(2)), _minutes(match.group(3), match.group(4))
        if end > 24 * 60:
            raise ValueError(_('"{value}" ends after 24:00').format(value=value))
        if end <= start:
            raise ValueError(_('"{value}" ends before it starts').format(value=value))
        return value.strip()

    @model_validator(mode="after")
    def _window(self) -> Campaign:
        if self.ends is not None and self.ends < self.starts:
            raise ValueError(_("ends ({ends}) is before starts ({starts})").format(ends=self.ends, starts=self.starts))
        return self

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


class TierLevel(_Model):
    name: Annotated[str, Field(min_length=1)]
    threshold: Number = Decimal(0)
    multiplier: Multiplier = Decimal(1)

    @field_validator("threshold")
    @classmethod
    def _not_negative(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError(_("must not be negative"))
        return value


class Tiers(_Model):
    basis: Literal["spend", "points"] = "spend"
    window_months: Annotated[int, Field(ge=1, le=120)] = 12
    levels: Annotated[tuple[TierLevel, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _ascending(self) -> Tiers:
        names = [level.name for level in self.levels]
        if len(set(names)) != len(names):
            raise ValueError(_("tier names must be unique"))
        thresholds = [level.threshold for level in self.levels]
        if thresholds != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
            raise ValueError(_("levels must be listed with strictly rising thresholds"))
        return self


class Expiry(_Model):
    policy: Literal["none", "fixed", "inactivity"] = "none"
    months: Annotated[int, Field(ge=1, le=1200)] | None = None
    at_period_end: Literal["none", "month", "year"] = "none"
    warn_days: Days = 30

    @model_validator(mode="after")
    def _months_needed(self) -> Expiry:
        if self.policy != "none" and self.months is None:
            raise ValueError(_("policy {policy!r} needs `months`").format(policy=self.policy))
        return self


class Bonuses(_Model):
    signup: BonusPoints = 0
    birthday: BonusPoints = 0
    referral_referrer: BonusPoints = 0
    referral_referee: BonusPoints = 0
    referral_min_spend: Money = Decimal("0.00")


class Action(_Model):
    id: Identifier
    name: str = ""
    points: Annotated[int, Field(ge=1, le=1_000_000)]
    limit: Literal["once", "daily", "monthly", "unlimited"] = "unlimited"


class Abuse(_Model):
    """What `report suspicious` flags; a limit left out is not checked."""

    max_receipts_per_day: Annotated[int, Field(ge=1, le=100_000)] | None = None
    max_refunds_per_30_days: Annotated[int, Field(ge=0, le=100_000)] | None = None


class Consent(_Model):
    """`[consent]`: which wording of the marketing consent members agree to now (recorded with each consent)."""

    text_version: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class Redeem(_Model):
    min_balance: BonusPoints = 0
    point_value: Money | None = None
    voucher_days: Annotated[int, Field(ge=1, le=3660)] = 90

    @field_validator("point_value")
    @classmethod
    def _positive(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value <= 0:
            raise ValueError(_("must be a positive amount of money"))
        return value


class Reward(_Model):
    id: Identifier
    name: str = ""
    points: Annotated[int, Field(ge=1, le=1_000_000)]
    kind: Literal["free_item", "discount_amount", "discount_percent", "experience"]
    value: Number | None = None
    min_tier: str | None = None
    stock: Annotated[int, Field(ge=0, le=1_000_000_000)] | None = None
    partner: str | None = None
    description: str = ""

    @model_validator(mode="after")
    def _value_fits_kind(self) -> Reward:
        if self.kind == "experience":
            return self
        if self.value is None:
            raise ValueError(_("a {kind} reward needs a `value`").format(kind=self.kind))
        if self.kind == "discount_percent":
            if not 0 < self.value <= 100:
                raise ValueError(_("value: a percentage must be above 0 and at most 100"))
        elif self.value <= 0 or self.value > MAX_AMOUNT or self.value != self.value.quantize(Decimal("0.01")):
            raise ValueError(_("value: must be a positive amount of money with at most two decimals"))
        return self

    @property
    def title(self) -> str:
        return self.name or self.id


class StampCard(_Model):
    id: Identifier
    name: str = ""
    categories: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    stamps: Annotated[int, Field(ge=2, le=1000)]
    reward: str

    @field_validator("categories", mode="after")
    @classmethod
    def _norm(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _categories(list(values))

    @model_validator(mode="after")
    def _something_to_stamp(self) -> StampCard:
        if not self.categories and not self.skus:
            raise ValueError(_("a stamp card needs `categories` or `skus`"))
        return self


class Program(_Model):
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

    @model_validator(mode="after")
    def _references(self) -> Program:
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
        return self

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
    import tomllib  # only a programme file is parsed as TOML; stored programmes are JSON

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProgramError(path, [_toml_syntax_message(path, text, exc)]) from None
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        raise ProgramError(path, _validation_messages(path, text, exc)) from None


def program_from_data(data: dict[str, Any]) -> Program:
    """A programme stored by this tool (already validated once)."""
    return Program.model_validate(data)


def program_to_data(program: Program) -> dict[str, Any]:
    """Plain data (str, int, Decimal, date, list, dict) in the file's own shape, defaults left out."""
    data: dict[str, Any] = _without_none(program.model_dump(mode="python", exclude_defaults=True, round_trip=True))
    return data


def program_to_json_data(program: Program) -> dict[str, Any]:
    """The whole programme as JSON-ready data (money and numbers as strings)."""
    return program.model_dump(mode="json")


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_without_none(v) for v in value]
    return value


def _toml_syntax_message(path: str, source: str, exc: ValueError) -> str:
    text = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", text)
    line = getattr(exc, "lineno", None) or (int(match.group(1)) if match else None)
    if line is None and "end of document" in text:
        line = max(1, len(source.splitlines()))
    reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", text).strip().rstrip(".")
    where = f"{path}:{line}" if line else path
    return f"{where}: invalid TOML: {reason}"


def _validation_messages(path: str, text: str, exc: ValidationError) -> list[str]:
    from loyaltycli.domain.toml_lines import key_lines

    lines = key_lines(text)
    messages = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        message = _friendly(error)
        # Cross-field problems arrive at the parent with the field named in the message.
        inner = re.match(r"^([a-z_]+(?:\.\d+)?(?:\.[a-z_]+)*): (.*)$", message)
        if inner and error["type"] == "value_error":
            loc = loc + inner.group(1).split(".")
            message = inner.group(2)
        field = ".".join(loc) or "(top level)"
        line = _find_line(lines, loc)
        where = f"{path}:{line}" if line else path
        messages.append(f"{where}: {field}: {message}")
    return messages


def _find_line(lines: dict[str, int], loc: list[str]) -> int | None:
    for end in range(len(loc), 0, -1):
        prefix = ".".join(loc[:end])
        line = lines.get(prefix)
        if line:
            return line
        below = [n for path, n in lines.items() if path.startswith(prefix + ".")]
        if below:
            return min(below)
    return None


# Pydantic's messages for the kinds of mistakes a programme file has, in the catalogue's words.
_PYDANTIC = {
    "decimal_parsing": N_("must be a number such as 1 or 1.5"),
    "decimal_type": N_("must be a number such as 1 or 1.5"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "string_type": N_("must be text in quotes"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "list_type": N_('must be a list such as ["a", "b"]'),
    "dict_type": N_("must be a table"),
    "model_type": N_("must be a table"),
    "date_type": N_("must be a date such as 2026-12-31"),
    "date_parsing": N_("must be a date such as 2026-12-31"),
    "date_from_datetime_parsing": N_("must be a date such as 2026-12-31"),
    "string_too_long": N_("is too long"),
    "string_too_short": N_("must not be empty"),
    "less_than_equal": N_("must be at most {le}"),
    "less_than": N_("must be less than {lt}"),
}


def _friendly(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _("unknown key (check its spelling)")
    if kind == "missing":
        return _("is required")
    if kind == "greater_than":
        return (
            _("must be a positive number")
            if ctx.get("gt") == 0
            else _("must be greater than {gt}").format(gt=ctx.get("gt"))
        )
    if kind == "greater_than_equal":
        return _("must not be negative") if ctx.get("ge") == 0 else _("must be at least {ge}").format(ge=ctx.get("ge"))
    if kind == "literal_error":
        return _("must be one of {expected}, not {value!r}").format(
            expected=ctx.get("expected"), value=error.get("input")
        )
    if kind in _PYDANTIC:
        return _(_PYDANTIC[kind]).format(le=ctx.get("le"), lt=ctx.get("lt"))
    msg = str(error["msg"])
    return msg.removeprefix("Value error, ")
