"""The ledger commands through the CLI, and the known failures of other loyalty systems.

Each `test_*` named after a failure cites the public issue thread it comes from.
"""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from sqlalchemy.exc import DBAPIError

from tests.conftest import Cli, query

PROGRAM = """\
[program]
name = "Ledger Shop"
currency = "EUR"
timezone = "Europe/Berlin"

[earn]
points_per_unit = 1
rounding = "floor"
pending_days = 0

[expiry]
policy = "fixed"
months = 12

[bonuses]
signup = 0
referral_referrer = 200
referral_referee = 50
referral_min_spend = "20.00"

[[actions]]
id = "review"
points = 20
limit = "daily"

[redeem]
min_balance = 50
point_value = "0.01"
voucher_days = 30

[[rewards]]
id = "mug"
points = 80
kind = "free_item"
value = "8.00"

[[rewards]]
id = "limited"
points = 10
kind = "experience"
stock = 1

[tiers]
basis = "spend"
window_months = 12
[[tiers.levels]]
name = "Bronze"
threshold = "0"
multiplier = 1
[[tiers.levels]]
name = "Silber"
threshold = "500.00"
multiplier = 2
"""


@pytest.fixture
def shop(make_db: Any, program_file: Any, clock: Any) -> Cli:
    cli = Cli(make_db("ledger"))
    cli("init", "--program", str(program_file(PROGRAM, "ledger.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com", "--date", "2026-01-01")
    cli("enroll", "Ben", "--email", "ben@example.com", "--date", "2026-01-01")
    return cli


def available(cli: Cli, who: str = "anna@example.com") -> int:
    return int(cli.json("member", "show", who)["points"]["available"])


def verified(cli: Cli) -> None:
    doc = cli.json("verify")
    assert doc["ok"], doc["problems"]


def ledger_rows(cli: Cli) -> int:
    return int(query(cli.db, "SELECT count(*) FROM ledger_entry")[0][0])


# ------------------------------------------------------------------ the known failures


def test_refund_removes_the_points_of_the_refunded_purchase(shop: Cli) -> None:
    """Odoo PR #238806, ERPNext #32951: a return left the purchase's points behind."""
    shop("purchase", "anna@example.com", "100.00", "--receipt", "R1")
    assert available(shop) == 100
    assert shop.json("refund", "R1")["points_reversed"] == 100
    assert available(shop) == 0
    verified(shop)


def test_refund_does_not_deduct_spent_points_a_second_time(shop: Cli) -> None:
    """Odoo PR #212922: refunding a purchase whose points were spent deducted them twice."""
    shop("purchase", "anna@example.com", "100.00", "--receipt", "R1")
    shop("redeem", "anna@example.com", "mug")
    assert available(shop) == 20
    assert shop.json("refund", "R1")["points_reversed"] == 100
    assert available(shop) == -80  # 20 - 100, once; the debt blocks redemption until earned back
    shop("redeem", "anna@example.com", "--points", "1", expect=1)
    shop("purchase", "anna@example.com", "130.00", "--receipt", "R2")
    assert available(shop) == 50
    verified(shop)


def test_the_same_sale_after_a_network_retry_earns_once(shop: Cli) -> None:
    """Odoo PR #222372: a retried sale earned twice."""
    first = shop.json("purchase", "anna@example.com", "42.00", "--receipt", "POS-7")
    again = shop.json("purchase", "anna@example.com", "42.00", "--receipt", "POS-7")
    assert first["points"] == again["points"] == 42 and again["repeated"] is True
    assert available(shop) == 42
    shop("purchase", "anna@example.com", "43.00", "--receipt", "POS-7", expect=1)


def test_a_sale_imported_from_the_tills_file_is_the_same_sale_when_the_till_sends_it_again(
    shop: Cli, tmp_path: Any
) -> None:
    """A file writes `12.5` and ` Food`, the till `12.50` and `food`: the same receipt, booked once. (A hash of the
    lines as written told them apart, so the till's retry was refused.)"""
    sales = tmp_path / "sales.csv"
    sales.write_text("receipt,date,member,amount,category\nT-1,2026-06-14 09:30,anna@example.com,12.5, Food\n")
    shop("import", str(sales))
    before = available(shop)
    again = shop.json(
        "purchase", "anna@example.com", "12.50", "--category", "food", "--receipt", "T-1", "--date", "2026-06-14"
    )
    assert again["repeated"] is True and available(shop) == before
    shop("purchase", "anna@example.com", "12.51", "--category", "food", "--receipt", "T-1", expect=1)
    shop("purchase", "ben@example.com", "12.50", "--category", "food", "--receipt", "T-1", expect=1)


def test_a_retried_purchase_returns_the_original_breakdown(shop: Cli) -> None:
    """Issue 13: the retry's result is the original's, every line with its rate, reason, multiplier and points."""
    args = (
        "purchase",
        "anna@example.com",
        "-",
        "--line",
        "A:food:2:10.00",
        "--line",
        ":tobacco:1:5.00",
        "--receipt",
        "P9",
    )
    first = shop.json(*args)
    again = shop.json(*args)
    assert again["repeated"] is True
    assert again["breakdown"] == first["breakdown"]
    assert [set(line) for line in first["breakdown"]] == [
        {"line", "sku", "category", "amount", "eligible", "reason", "rate", "campaign", "multiplier", "points"}
    ] * 2


def test_a_deduction_is_not_reapplied_on_later_changes(shop: Cli) -> None:
    """OpenCart #2349: a deduction was applied again on every later edit."""
    shop("purchase", "anna@example.com", "100.00")
    shop("adjust", "anna@example.com", "--reason", "goodwill correction", "--", "-10")
    shop("member", "edit", "anna@example.com", "--name", "Anna B.")
    shop("purchase", "anna@example.com", "1.00")
    shop("member", "edit", "anna@example.com", "--marketing")
    assert available(shop) == 91


def test_redeemed_points_are_deducted(shop: Cli) -> None:
    """ERPNext #59050: points were redeemed without being deducted."""
    shop("purchase", "anna@example.com", "100.00")
    doc = shop.json("redeem", "anna@example.com", "mug")
    assert doc["points"] == 80 and doc["voucher"] and doc["balance"] == 20
    assert available(shop) == 20
    assert shop.json("member", "show", "anna@example.com")["points"]["redeemed"] == 80


def test_expired_points_cannot_be_redeemed_before_the_nightly_run(shop: Cli, clock: Any) -> None:
    """Odoo PR #247740, Kademi #1961: expired points stayed spendable until the expiry job ran."""
    shop("purchase", "anna@example.com", "100.00", "--date", "2025-06-10")
    clock.move_to("2026-06-10T09:00:00+02:00")  # expiry day: 2025-06-10 + 12 months
    assert available(shop) == 0
    shop("redeem", "anna@example.com", "mug", expect=1)
    shop("redeem", "anna@example.com", "--points", "60", expect=1)
    assert shop.json("member", "show", "anna@example.com")["points"]["past_expiry"] == 100
    assert shop.json("expire")["points"] == 100
    verified(shop)


def test_expiry_dates_are_not_shifted_by_a_time_zone(shop: Cli) -> None:
    """Kademi #4759, Odoo PR #222428: expiry dates moved by a day with the server's time zone."""
    shop("purchase", "anna@example.com", "10.00", "--date", "2026-03-10T23:30:00-05:00")  # 2026-03-11 in Berlin
    shop("purchase", "ben@example.com", "10.00", "--date", "2026-03-10T00:30")  # local time, just after midnight
    assert shop.json("member", "show", "anna@example.com")["expiring"] == [{"date": "2027-03-11", "points": 10}]
    assert shop.json("member", "show", "ben@example.com")["expiring"] == [{"date": "2027-03-10", "points": 10}]


def test_the_tier_threshold_is_applied_and_the_right_tier_picked(shop: Cli) -> None:
    """ERPNext #14930, PR #41564: a tier threshold was ignored or the wrong tier chosen."""
    first = shop.json("purchase", "anna@example.com", "500.00", "--date", "2026-05-01")
    assert first["tier"] == "Bronze" and first["points"] == 500  # the tier held *before* this purchase
    second = shop.json("purchase", "anna@example.com", "10.00", "--date", "2026-05-02")
    assert second["tier"] == "Silber" and second["points"] == 20
    assert shop.json("member", "show", "anna@example.com")["tier"] == "Silber"
    shop("purchase", "ben@example.com", "499.99", "--date", "2026-05-01")
    assert shop.json("purchase", "ben@example.com", "10.00", "--date", "2026-05-02")["tier"] == "Bronze"


def test_a_balance_is_never_shown_with_float_artefacts(shop: Cli) -> None:
    """Odoo PR #153541: a balance shown as 268.28000000000003."""
    shop("purchase", "anna@example.com", "268.28")
    result = shop("report", "summary", "--json")
    assert "268.28" in result.stdout and "0000000" not in result.stdout
    assert shop.json("redeem", "anna@example.com", "--points", "268")["discount"] == "2.68"


def test_a_reward_with_stock_zero_cannot_be_redeemed(shop: Cli) -> None:
    shop("purchase", "anna@example.com", "100.00")
    shop("redeem", "anna@example.com", "limited")
    result = shop("redeem", "anna@example.com", "limited", expect=1)
    assert "out of stock" in result.stderr


def test_rounding_happens_per_receipt_not_per_line(shop: Cli) -> None:
    doc = shop.json(
        "purchase", "anna@example.com", "-", "--line", "A::1:0.99", "--line", "B::1:0.99", "--line", "C::1:0.99"
    )
    assert doc["points"] == 2


def test_a_cancelled_receipt_is_reversed_not_deleted(shop: Cli) -> None:
    """ERPNext PR #12631: cancelling a receipt deleted its ledger rows instead of reversing them."""
    shop("purchase", "anna@example.com", "30.00", "--receipt", "R9")
    before = ledger_rows(shop)
    shop("refund", "R9")
    assert ledger_rows(shop) == before + 1
    kinds = [e["kind"] for e in shop.json("statement", "anna@example.com")["entries"]]
    assert kinds == ["earn", "refund"]
    for statement in ("DELETE FROM ledger_entry", "UPDATE ledger_entry SET points = 0"):
        with pytest.raises(DBAPIError, match="append-only"):
            query(shop.db, statement)


# ------------------------------------------------------------------ commands


def test_partial_refunds_reverse_their_share_and_never_more(shop: Cli) -> None:
    shop("purchase", "anna@example.com", "12.50", "--receipt", "R1")
    assert shop.json("refund", "R1", "--amount", "5,00")["points_reversed"] == 4
    assert shop.json("refund", "R1", "--amount", "5.00")["points_reversed"] == 4
    shop("refund", "R1", "--amount", "3.00", expect=1)  # only 2.50 left
    assert shop.json("refund", "R1")["points_reversed"] == 4  # the rest: 12 - 8
    assert available(shop) == 0
    shop("refund", "R1", expect=1)
    verified(shop)


def test_pending_points_are_reversed_first(make_db: Any, program_file: Any, clock: Any) -> None:
    cli = Cli(make_db("p"))
    cli("init", "--program", str(program_file(PROGRAM.replace("pending_days = 0", "pending_days = 14"), "p.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com")
    cli("purchase", "anna@example.com", "50.00", "--date", "2026-05-01", "--receipt", "OLD")
    cli("purchase", "anna@example.com", "30.00", "--receipt", "NEW")
    shown = cli.json("member", "show", "anna@example.com")["points"]
    assert (shown["available"], shown["pending"]) == (50, 30)
    cli("refund", "NEW", "--amount", "10.00")
    shown = cli.json("member", "show", "anna@example.com")["points"]
    assert (shown["available"], shown["pending"]) == (50, 20)
    verified(cli)


def test_full_refund_reverses_referral_bonuses(shop: Cli) -> None:
    shop("enroll", "Cleo", "--email", "cleo@example.com", "--referred-by", "anna@example.com")
    doc = shop.json("purchase", "cleo@example.com", "25.00", "--receipt", "C1")
    assert doc["points"] == 25
    assert available(shop, "cleo@example.com") == 75 and available(shop) == 200
    shop.json("purchase", "cleo@example.com", "25.00", "--receipt", "C2")
    assert available(shop) == 200  # only the first qualifying purchase pays
    shop("refund", "C1")
    assert available(shop, "cleo@example.com") == 25 and available(shop) == 0
    verified(shop)


def test_referral_waits_for_a_qualifying_purchase(shop: Cli) -> None:
    shop("enroll", "Cleo", "--email", "cleo@example.com", "--referred-by", "anna@example.com")
    shop("purchase", "cleo@example.com", "10.00")
    assert available(shop) == 0
    shop("purchase", "cleo@example.com", "20.00")
    assert available(shop) == 200


def test_award_limits(shop: Cli) -> None:
    assert shop.json("award", "anna@example.com", "review", "--ref", "great soup")["points"] == 20
    shop("award", "anna@example.com", "review", expect=1)
    shop("award", "anna@example.com", "no-such-action", expect=1)


def test_adjust_never_below_zero_available(shop: Cli) -> None:
    shop("adjust", "anna@example.com", "30", "--reason", "welcome back")
    shop("adjust", "anna@example.com", "--reason", "too much", "--", "-31", expect=1)
    shop("adjust", "anna@example.com", "--reason", "exact", "--", "-30")
    assert available(shop) == 0
    shop("adjust", "anna@example.com", "5", expect=2)  # --reason is required


def test_vouchers_are_used_once_and_expire(shop: Cli, clock: Any) -> None:
    shop("purchase", "anna@example.com", "200.00")
    code = shop.json("redeem", "anna@example.com", "mug")["voucher"]
    assert shop.json("voucher", "show", code.lower().replace("-", ""))["status"] == "valid"
    assert shop.json("voucher", "use", code, "--receipt", "POS-1")["status"] == "used"
    shop("voucher", "use", code, expect=1)
    second = shop.json("redeem", "anna@example.com", "mug")["voucher"]
    clock.move_to("2026-08-01T10:00:00+02:00")
    assert shop.json("voucher", "show", second)["status"] == "expired"
    shop("voucher", "use", second, expect=1)
    verified(shop)


def test_blocked_members_earn_and_redeem_nothing(shop: Cli) -> None:
    shop("purchase", "anna@example.com", "100.00")
    shop("member", "block", "anna@example.com", "--reason", "fraud check")
    assert "blocked" in shop("purchase", "anna@example.com", "10.00", expect=1).stderr
    shop("redeem", "anna@example.com", "mug", expect=1)


def test_dry_run_writes_nothing(shop: Cli) -> None:
    before = ledger_rows(shop)
    doc = shop.json("purchase", "anna@example.com", "55.00", "--dry-run")
    assert doc["points"] == 55 and doc["dry_run"] is True
    assert ledger_rows(shop) == before


def test_statement_running_balance_and_csv(shop: Cli) -> None:
    shop("purchase", "anna@example.com", "100.00", "--date", "2026-02-01")
    shop("redeem", "anna@example.com", "mug")
    doc = shop.json("statement", "anna@example.com")
    assert [(e["kind"], e["points"], e["balance"]) for e in doc["entries"]] == [("earn", 100, 100), ("redeem", -80, 20)]
    assert doc["expiring"] == []
    csv_text = shop("statement", "anna@example.com", "--csv").stdout
    assert csv_text.splitlines()[0] == "date,kind,points,balance,receipt,voucher,ref,note"
    later = shop.json("statement", "anna@example.com", "--from", "2026-03-01")
    assert later["opening"] == 100 and len(later["entries"]) == 1


def test_programme_change_keeps_the_rules_of_earlier_receipts(shop: Cli, program_file: Any) -> None:
    doubled = program_file(PROGRAM.replace("points_per_unit = 1", "points_per_unit = 2"), "v2.toml")
    shop("program", "apply", str(doubled), "--effective", "2026-06-01")
    assert shop.json("purchase", "anna@example.com", "10.00", "--date", "2026-05-31")["points"] == 10
    assert shop.json("purchase", "anna@example.com", "10.00", "--date", "2026-06-01")["points"] == 20


def test_report_summary_figures(shop: Cli) -> None:
    shop("purchase", "anna@example.com", "100.00", "--date", "2026-03-01")
    shop("purchase", "anna@example.com", "50.00", "--date", "2026-03-02")
    shop("purchase", "ben@example.com", "30.00", "--date", "2026-03-02")
    shop("redeem", "anna@example.com", "mug")
    doc = shop.json("report", "summary")
    assert doc["members"] == {"total": 2, "active": 2, "new": 2}
    assert doc["points"]["issued"] == 180 and doc["points"]["redeemed"] == 80
    assert doc["points"]["outstanding"] == 100
    assert doc["liability"] == "1.00"
    assert doc["redemption_rate"] == "0.4444"
    assert doc["repeat_rate"] == "0.5000"
    assert doc["sales"]["members"] == "180.00"
    assert doc["average_receipt"]["members"] == "60.00"
    march2 = shop.json("report", "--from", "2026-03-02", "--to", "2026-03-02")
    assert march2["members"]["active"] == 2 and march2["points"]["issued"] == 80


def test_inactivity_expiry(make_db: Any, program_file: Any) -> None:
    text = PROGRAM.replace('policy = "fixed"\nmonths = 12', 'policy = "inactivity"\nmonths = 6')
    with time_machine.travel("2026-01-10T12:00:00+01:00", tick=False) as traveller:
        cli = Cli(make_db("i"))
        cli("init", "--program", str(program_file(text, "i.toml")))
        cli("enroll", "Anna", "--email", "anna@example.com")
        cli("purchase", "anna@example.com", "40.00")
        traveller.move_to("2026-07-10T12:00:00+02:00")  # exactly 6 months: still there
        assert available(cli) == 40
        traveller.move_to("2026-07-11T12:00:00+02:00")
        assert available(cli) == 0
        cli("purchase", "anna@example.com", "5.00")  # the lapsed points go before the clock restarts
        assert available(cli) == 5
        assert cli.json("member", "show", "anna@example.com")["points"]["expired"] == 40
        verified(cli)


def test_an_import_lets_points_lapse_as_purchases_do(make_db: Any, program_file: Any, tmp_path: Any) -> None:
    """The import checks inactivity only when a programme version expires points that way; then its receipts
    lapse the points exactly as `purchase` does above."""
    text = PROGRAM.replace('policy = "fixed"\nmonths = 12', 'policy = "inactivity"\nmonths = 6')
    sales = tmp_path / "sales.csv"
    sales.write_text(
        "receipt,date,member,amount\nA1,2026-01-10 12:00,anna@example.com,40.00\n"
        "A2,2026-07-11 12:00,anna@example.com,5.00\n"
    )
    with time_machine.travel("2026-07-12T12:00:00+02:00", tick=False):
        cli = Cli(make_db("il"))
        cli("init", "--program", str(program_file(text, "il.toml")))
        cli("enroll", "Anna", "--email", "anna@example.com", "--date", "2026-01-01")
        cli("import", str(sales))
        shown = cli.json("member", "show", "anna@example.com")
        assert shown["points"]["available"] == 5 and shown["points"]["expired"] == 40
        verified(cli)


def test_campaign_days_are_local_days_across_a_dst_change(make_db: Any, program_file: Any, clock: Any) -> None:
    """Summer time ends in Berlin on 2026-10-25: the campaign's first and last day are still whole local days."""
    text = PROGRAM + '\n[[campaigns]]\nid = "dst"\nstarts = 2026-10-25\nends = 2026-10-25\nmultiplier = 2\n'
    clock.move_to("2026-11-02T10:00:00+01:00")  # a week after the change: nothing is dated in the future
    cli = Cli(make_db("dst"))
    cli("init", "--program", str(program_file(text, "dst.toml")))
    cli("enroll", "Anna", "--email", "anna@example.com")

    def earned(when: str) -> int:
        return int(cli.json("purchase", "anna@example.com", "10.00", "--date", when)["points"])

    assert earned("2026-10-24T23:59:00+02:00") == 10  # the day before
    assert earned("2026-10-24T22:30:00+00:00") == 20  # 00:30 summer time on the 25th
    assert earned("2026-10-25T02:30:00+01:00") == 20  # the repeated hour, winter time
    assert earned("2026-10-25T23:59") == 20  # the last minute, local
    assert earned("2026-10-25T23:30:00+00:00") == 10  # 00:30 on the 26th in Berlin
