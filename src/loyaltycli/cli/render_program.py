"""The Rich view of a programme for `program show`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from loyaltycli.cli.output import key_values, show, table
from loyaltycli.domain.schedules import describe_schedule

if TYPE_CHECKING:
    from loyaltycli.services.programs import ProgramView


def program_summary(view: ProgramView) -> None:
    p = view.active.program
    earn = p.earn
    pairs: list[tuple[str, object]] = [
        ("version", f"{view.active.version} (effective {view.active.effective or 'from the start'})"),
        ("currency / time zone", f"{p.program.currency} / {p.program.timezone}"),
        ("earning", f"{earn.points_per_unit} points per 1 {p.program.currency}, rounding {earn.rounding}"),
        ("minimum spend", f"{earn.min_spend:.2f}"),
        ("pending days", earn.pending_days),
        ("excluded", ", ".join([*earn.exclude_categories, *earn.exclude_skus]) or "-"),
        ("category rates", ", ".join(f"{k} {v}" for k, v in earn.category_rates.items()) or "-"),
        ("expiry", _expiry(view)),
        ("bonuses", ", ".join(f"{k} {v}" for k, v in p.bonuses.model_dump().items() if v) or "-"),
        (
            "redeem",
            f"min balance {p.redeem.min_balance}, point value {p.redeem.point_value or '-'}, "
            f"vouchers valid {p.redeem.voucher_days} days",
        ),
    ]
    key_values(p.program.name, pairs)
    if p.tiers:
        show(
            table(
                f"Tiers ({p.tiers.basis}, {p.tiers.window_months} months)",
                ["Tier", "Threshold", "Multiplier"],
                [(t.name, t.threshold, t.multiplier) for t in p.tiers.levels],
            )
        )
    if p.campaigns:
        show(
            table(
                "Campaigns",
                ["Id", "Name", "When", "Multiplier", "Bonus"],
                [(c.id, c.title, describe_schedule(c), c.multiplier, c.bonus_points) for c in p.campaigns],
            )
        )
    if p.rewards:
        show(
            table(
                "Rewards",
                ["Id", "Name", "Points", "Kind", "Value", "Min tier", "Stock"],
                [(r.id, r.title, r.points, r.kind, r.value, r.min_tier, r.stock) for r in p.rewards],
            )
        )
    if p.stamp_cards:
        show(
            table(
                "Stamp cards",
                ["Id", "Categories", "Stamps", "Reward"],
                [(s.id, ", ".join([*s.categories, *s.skus]), s.stamps, s.reward) for s in p.stamp_cards],
            )
        )
    if p.actions:
        show(table("Actions", ["Id", "Points", "Limit"], [(a.id, a.points, a.limit) for a in p.actions]))
    later = [v for v in view.versions if v.effective and v.effective > view.today]
    if later:
        show(
            table(
                "Scheduled",
                ["Version", "Effective", "Name"],
                [(v.version, v.effective, v.program.program.name) for v in later],
            )
        )


def _expiry(view: ProgramView) -> str:
    e = view.active.program.expiry
    if e.policy == "none":
        return "never"
    end = "" if e.at_period_end == "none" else f", to the end of the {e.at_period_end}"
    return f"{e.policy}, {e.months} months{end}; warn {e.warn_days} days ahead"
