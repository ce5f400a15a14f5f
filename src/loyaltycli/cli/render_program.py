"""The Rich view of a programme for `program show`."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from loyaltycli import i18n
from loyaltycli.cli.output import key_values, show, table
from loyaltycli.domain.schedules import describe_schedule
from loyaltycli.i18n import N_, _

if TYPE_CHECKING:
    from loyaltycli.services.programs import ProgramView


def program_summary(view: ProgramView) -> None:
    p = view.active.program
    earn = p.earn
    currency = p.program.currency
    pairs: list[tuple[str, object]] = [
        (
            _("version"),
            _("{version} (effective {effective})").format(
                version=view.active.version, effective=i18n.day(view.active.effective)
            )
            if view.active.effective
            else _("{version} (from the start)").format(version=view.active.version),
        ),
        (_("currency / time zone"), f"{currency} / {p.program.timezone}"),
        (
            _("earning"),
            _("{points} per 1 {currency}, {rounding}").format(
                points=i18n.points_rate(earn.points_per_unit), currency=currency, rounding=i18n.rounding(earn.rounding)
            ),
        ),
        (_("minimum spend"), i18n.money(earn.min_spend, currency)),
        (_("pending days"), earn.pending_days),
        (_("excluded"), ", ".join([*earn.exclude_categories, *earn.exclude_skus]) or "-"),
        (
            _("category rates"),
            ", ".join(f"{k} {i18n.decimal(v)}" for k, v in earn.category_rates.items()) or "-",
        ),
        (_("expiry"), _expiry(view)),
        (_("bonuses"), _bonuses(p, currency)),
        (
            _("redeem"),
            _("min balance {min_balance}, point value {point_value}, vouchers valid {days} days").format(
                min_balance=i18n.number(p.redeem.min_balance),
                point_value=i18n.money(p.redeem.point_value, currency) if p.redeem.point_value else "-",
                days=p.redeem.voucher_days,
            ),
        ),
    ]
    key_values(p.program.name, pairs)
    if p.tiers:
        show(
            table(
                _("Tiers ({basis}, {window_months} months)").format(
                    basis=i18n.basis(p.tiers.basis), window_months=p.tiers.window_months
                ),
                [_("Tier"), _("Threshold"), _("Multiplier")],
                [
                    (t.name, i18n.threshold(t.threshold, p.tiers.basis, currency), i18n.decimal(t.multiplier))
                    for t in p.tiers.levels
                ],
            )
        )
    if p.campaigns:
        show(
            table(
                _("Campaigns"),
                [_("Id"), _("Name"), _("When"), _("Multiplier"), _("Bonus")],
                [(c.id, c.title, describe_schedule(c), c.multiplier, c.bonus_points) for c in p.campaigns],
            )
        )
    if p.rewards:
        show(
            table(
                _("Rewards"),
                [_("Id"), _("Name"), _("Points"), _("Kind"), _("Value"), _("Min tier"), _("Stock")],
                [
                    (
                        r.id,
                        r.title,
                        r.points,
                        i18n.reward_kind(r.kind),
                        i18n.reward_value(r.kind, r.value, currency),
                        r.min_tier,
                        r.stock,
                    )
                    for r in p.rewards
                ],
            )
        )
    if p.stamp_cards:
        show(
            table(
                _("Stamp cards"),
                [_("Id"), _("Categories"), _("Stamps"), _("Reward")],
                [
                    (s.id, ", ".join([*s.categories, *s.skus]), s.stamps, _reward_title(p, s.reward))
                    for s in p.stamp_cards
                ],
            )
        )
    if p.actions:
        show(
            table(
                _("Actions"),
                [_("Id"), _("Points"), _("Limit")],
                [(a.id, a.points, _(_LIMITS.get(a.limit, a.limit))) for a in p.actions],
            )
        )
    later = [v for v in view.versions if v.effective and v.effective > view.today]
    if later:
        show(
            table(
                _("Scheduled"),
                [_("Version"), _("Effective"), _("Name")],
                [(v.version, v.effective, v.program.program.name) for v in later],
            )
        )


_BONUSES = {
    "signup": N_("signup {value}"),
    "birthday": N_("birthday {value}"),
    "referral_referrer": N_("referrer {value}"),
    "referral_referee": N_("referred member {value}"),
    "referral_min_spend": N_("referrals from {value}"),
}
_POLICIES = {"fixed": N_("fixed"), "inactivity": N_("after inactivity")}
_PERIODS = {"month": N_("month"), "year": N_("year")}


_LIMITS = {"once": N_("once"), "daily": N_("daily"), "monthly": N_("monthly"), "unlimited": N_("unlimited")}


def _reward_title(p: Any, reward_id: str) -> str:
    reward = p.reward(reward_id)
    return reward.title if reward is not None else reward_id


def _bonuses(p: Any, currency: str) -> str:
    """The programme's bonuses in words: points as points, the referral minimum as money."""
    said = []
    for key, value in dataclasses.asdict(p.bonuses).items():
        if not value:
            continue
        shown = i18n.money(value, currency) if key == "referral_min_spend" else i18n.points(int(value))
        said.append(_(_BONUSES.get(key, key + " {value}")).format(value=shown))
    return ", ".join(said) or "-"


def _expiry(view: ProgramView) -> str:
    e = view.active.program.expiry
    if e.policy == "none":
        return _("never")
    period = _(_PERIODS.get(e.at_period_end, e.at_period_end))
    end = "" if e.at_period_end == "none" else _(", to the end of the {period}").format(period=period)
    return _("{policy}, {months} months{end}; warn {days} days ahead").format(
        policy=_(_POLICIES.get(e.policy, e.policy)), months=e.months, end=end, days=e.warn_days
    )
