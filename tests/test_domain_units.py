"""The domain's small rules, each with worked examples and no database: phones, contacts, card numbers,
Catima, reward eligibility, abuse findings, probable duplicates, cells."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, unquote_plus

import pytest

from loyaltycli.domain import abuse, cards, catima, cells, contacts, duplicates, phones, rewards
from loyaltycli.domain.program import program_from_data
from loyaltycli.errors import BadInputError

D = dt.date


@pytest.mark.parametrize(
    ("typed", "region", "e164"),
    [
        ("0170 1234567", "DE", "+491701234567"),
        ("+49 (170) 123-4567", None, "+491701234567"),
        ("0043 664 1234567", "DE", "+436641234567"),
        ("030 12345678", "DE", "+493012345678"),
    ],
)
def test_phones_in_e164(typed: str, region: str | None, e164: str) -> None:
    assert phones.normalise_phone(typed, region) == e164
    assert phones.parse_phone(typed, region) == e164
    written, number = phones.phone_and_number(typed, region)
    assert written == e164 and phones.forms_of(number) == phones.phone_forms(e164)


@pytest.mark.parametrize(
    ("typed", "region", "problem"),
    [
        ("0170 12", "DE", True),  # written like a phone number, too short to be one
        ("112", "DE", False),  # three digits without space or 0: an id, not a phone
        ("C0FFEE", "DE", False),  # letters: an id
        ("100234", "DE", False),  # a customer number
        ("0170 1234567", "DE", False),  # valid
        ("ab", "DE", False),
    ],
)
def test_phone_problem_tells_numbers_from_ids(typed: str, region: str, problem: bool) -> None:
    assert (phones.phone_problem(typed, region) is not None) is problem


def test_an_invalid_phone_is_refused_and_asks_for_the_country_without_a_region() -> None:
    with pytest.raises(BadInputError, match="not a valid phone number"):
        phones.normalise_phone("0170 12", "DE")
    with pytest.raises(BadInputError, match=r"country code"):
        phones.normalise_phone("0170 1234567", None)
    assert phones.parse_phone("", "DE") is None
    assert phones.parse_phone("call me", "DE") is None
    assert phones.parse_phone("+++", "DE") is None


def test_names_are_tidied_and_control_characters_refused() -> None:
    assert contacts.clean_name("  Anna   Müller ") == "Anna Müller"
    with pytest.raises(BadInputError, match="needs a name"):
        contacts.clean_name("   ")
    with pytest.raises(BadInputError, match="control character"):
        contacts.clean_name("Anna\x1b[31m")
    assert contacts.control_problem(None, "NAME") is None
    assert contacts.control_problem("Bob\x07", "--note") is not None


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("anna@example.com", None),
        ("Anna.M+news@Example.de", None),
        ("bob@shop", "domain"),
        ("bob@shop.c0m", "domain"),
        ("bob@@", "domain"),
        ("no at sign", "not an e-mail"),
        ("@example.com", "not an e-mail"),
        ("a b@example.com", "not an e-mail"),
    ],
)
def test_email_problems(typed: str, problem: str | None) -> None:
    found = contacts.email_problem(typed)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_clean_email_keeps_the_written_form_and_a_lower_case_key() -> None:
    assert contacts.clean_email(" Anna@Example.COM ") == ("Anna@Example.COM", "anna@example.com")
    assert contacts.clean_email("  ") == (None, None)
    assert contacts.clean_email(None) == (None, None)
    with pytest.raises(BadInputError, match=r"^--email: 'bob@shop'"):
        contacts.clean_email("bob@shop")


@pytest.mark.parametrize(
    ("note", "named"),
    [
        ("angry about Müller's receipt", True),
        ("wrote from anna@example.com", True),
        ("call back on 0170 1234567", True),
        ("goodwill for a broken cup", False),
        ("Al was here", False),  # a two-letter word of the name is not enough
        ("order 123", False),
    ],
)
def test_a_note_must_not_repeat_the_person(note: str, named: bool) -> None:
    assert contacts.names_the_person(note, "Al Müller", "anna@example.com", "+491701234567") is named


def test_card_numbers_carry_the_shop_prefix_and_an_ean13_check_digit() -> None:
    number = cards.card_number("00000000001")
    assert number.startswith("2") and len(number) == 13 and cards.is_card_number(number)
    assert cards.check_digit("400638133393") == "1"  # a published EAN-13: 4006381333931
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not cards.is_card_number(wrong)
    assert not cards.is_card_number("1" + number[1:])
    assert cards.is_card_number(f" {number} ")
    with pytest.raises(ValueError):
        cards.card_number("123")


def test_catima_share_link_and_csv() -> None:
    card = catima.WalletCard("Café Sonne", "Anna Müller", "2000000000015", 120)
    link = catima.share_link(card)
    assert link.startswith(catima.SHARE_URL)
    fields = parse_qs(unquote_plus(link[len(catima.SHARE_URL) :]))
    assert fields["store"] == ["Café Sonne"] and fields["cardid"] == ["2000000000015"]
    assert fields["balance"] == ["120"]
    text = catima.export_csv([card, card._replace(card="2000000000022", note="Bob")])
    lines = text.splitlines()
    assert lines[:4] == ["2", "", "_id", ""]
    assert lines[5].startswith("1,Café Sonne,Anna Müller,") and lines[6].startswith("2,Café Sonne,Bob,")
    assert lines[-1] == "cardId,groupId"


PROGRAM = program_from_data(
    {
        "program": {"name": "Shop", "currency": "EUR", "timezone": "Europe/Berlin"},
        "earn": {"points_per_unit": 1},
        "tiers": {
            "basis": "spend",
            "window_months": 12,
            "levels": [{"name": "Silver", "threshold": "0"}, {"name": "Gold", "threshold": "500"}],
        },
        "redeem": {"min_balance": 100},
        "rewards": [
            {"id": "mug", "name": "Mug", "points": 80, "kind": "free_item", "value": "8.00"},
            {
                "id": "lounge",
                "name": "Lounge",
                "points": 300,
                "kind": "free_item",
                "value": "20.00",
                "min_tier": "Gold",
                "stock": 2,
            },
        ],
    }
)


@pytest.mark.parametrize(
    ("reward", "tier", "available", "redeemed", "refusal"),
    [
        ("mug", "Silver", 100, 0, None),
        ("mug", "Silver", 90, 0, rewards.Refusal("points", needed=100, missing=10)),  # the minimum balance
        ("lounge", "Silver", 900, 0, rewards.Refusal("tier", tier="Gold")),
        ("lounge", None, 900, 0, rewards.Refusal("tier", tier="Gold")),
        ("lounge", "Gold", 900, 2, rewards.Refusal("stock")),
        ("lounge", "Gold", 250, 1, rewards.Refusal("points", needed=300, missing=50)),
        ("lounge", "Gold", 300, 1, None),
    ],
)
def test_reward_refusal_tier_then_stock_then_points(
    reward: str, tier: str | None, available: int, redeemed: int, refusal: rewards.Refusal | None
) -> None:
    found = PROGRAM.reward(reward)
    assert found is not None
    assert rewards.reward_refusal(PROGRAM, found, tier, available, redeemed) == refusal


def test_too_many_receipts_on_a_day() -> None:
    counts = [("M1", D(2026, 5, 1), 7), ("M2", D(2026, 5, 1), 6)]
    (finding,) = abuse.too_many_receipts(counts, 6)
    assert (finding.member, finding.reason, finding.detail) == (
        "M1",
        "receipts per day",
        "7 receipts on one day (limit 6)",
    )


def test_too_many_refunds_once_per_stretch_of_thirty_days() -> None:
    days = [D(2026, 5, 1), D(2026, 5, 10), D(2026, 5, 20), D(2026, 5, 25), D(2026, 7, 1), D(2026, 7, 2), D(2026, 7, 3)]
    found = abuse.too_many_refunds({"M1": days}, 2)
    assert [(f.date, f.detail) for f in found] == [
        (D(2026, 5, 20), "3 full refunds or returns from 2026-05-01 to 2026-05-20 (limit 2)"),
        (D(2026, 7, 3), "3 full refunds or returns from 2026-07-01 to 2026-07-03 (limit 2)"),
    ]
    assert abuse.too_many_refunds({"M2": days[:2]}, 2) == []


def test_self_referral_by_phone_mailbox_or_name_and_birthday() -> None:
    day = D(2026, 6, 1)
    anna = abuse.Person("M1", "Anna Müller", "anna.m@gmail.com", "+491701234567", D(1990, 3, 4))
    same_phone = abuse.Person("M2", "A. M.", None, "+491701234567", None)
    finding = abuse.self_referral(anna, same_phone, day)
    assert finding is not None and finding.detail == "referred by M1: the same phone number +491701234567"
    same_box = abuse.Person("M3", "Someone", "AnnaM+shop@googlemail.com", None, None)
    finding = abuse.self_referral(anna, same_box, day)
    assert finding is not None and finding.member == "M3" and "same e-mail" in finding.detail
    twin = abuse.Person("M4", "anna  MÜLLER", "other@example.com", None, D(1990, 3, 4))
    finding = abuse.self_referral(anna, twin, day)
    assert finding is not None and "same name and birthday" in finding.detail
    stranger = abuse.Person("M5", "Bob", "bob@example.com", "+491709999999", D(1990, 3, 4))
    assert abuse.self_referral(anna, stranger, day) is None
    assert abuse.mailbox("A.n.N.a+x@GMail.com") == "anna@gmail.com"
    assert abuse.mailbox("a.b+x@web.de") == "a.b@web.de"


def test_probable_duplicates_by_mailbox_phone_and_birthday_with_similar_names() -> None:
    people = [
        abuse.Person("M1", "Anna Müller", "anna@example.com", None, None),
        abuse.Person("M2", "Müller Anna", "ANNA+x@example.com", None, None),
        abuse.Person("M3", "Bob Stone", None, "+491701234567", None),
        abuse.Person("M4", "Robert Stone", None, "+491701234567", None),
        abuse.Person("M5", "Carla Diaz", None, None, D(1980, 1, 2)),
        abuse.Person("M6", "Carla Dias", None, None, D(1980, 1, 2)),
        abuse.Person("M7", "Dora Weiss", None, None, D(1980, 1, 2)),
    ]
    pairs = {(p.a, p.b): p for p in duplicates.probable_duplicates(people)}
    assert ("M1", "M2") in pairs and ("M3", "M4") in pairs and ("M5", "M6") in pairs
    assert ("M5", "M7") not in pairs and ("M6", "M7") not in pairs  # a shared birthday alone is not enough
    assert all(pair.score > 0 and pair.reason for pair in pairs.values())


def test_cells_a_spreadsheet_must_not_run() -> None:
    assert cells.neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert cells.neutralise("+49 170") == "'+49 170"
    assert cells.neutralise(-5) == -5
    assert cells.neutralise("Anna") == "Anna"
    assert cells.has_control("a\x1bb") and not cells.has_control("a b")
    assert cells.visible("a\x1b[1mb") == "a\\x1b[1mb"


def test_enrolment_rules() -> None:
    from loyaltycli.domain import enrolment

    assert enrolment.member_id_for(7) == "M000007" and enrolment.member_id_for(1234567) == "M1234567"
    assert enrolment.reference_problem("bob@shop", "DE") is not None
    assert enrolment.reference_problem("0170 1234567", "DE") is None
    assert enrolment.reference_problem("K-17", "DE") is None  # an id, not a contact
    assert enrolment.birthday_problem(D(2026, 6, 16), D(2026, 6, 15))
    assert not enrolment.birthday_problem(D(2026, 6, 15), D(2026, 6, 15))
    assert not enrolment.birthday_problem(None, D(2026, 6, 15))
    points, expires = enrolment.signup_bonus(PROGRAM, D(2026, 6, 15))
    assert (points, expires) == (0, None)


def test_voucher_validity_and_the_last_activity() -> None:
    from loyaltycli.domain.expiry import lapse_day, last_activity
    from loyaltycli.domain.program import Expiry
    from loyaltycli.domain.rewards import voucher_valid_until

    assert voucher_valid_until(PROGRAM, D(2026, 6, 15)) == D(2026, 6, 15) + dt.timedelta(days=90)
    assert last_activity(None, D(2026, 1, 5)) == D(2026, 1, 5)
    assert last_activity(D(2026, 3, 1), D(2026, 1, 5)) == D(2026, 3, 1)
    six_months = Expiry(policy="inactivity", months=6)
    assert lapse_day(six_months, D(2026, 3, 1), D(2026, 1, 5)) == D(2026, 9, 2)
    assert lapse_day(six_months, None, D(2026, 1, 5)) == D(2026, 7, 6)
    assert lapse_day(Expiry(), D(2026, 3, 1), D(2026, 1, 5)) is None


def test_stamp_cards_fill_and_issue_their_vouchers() -> None:
    """Buy nine, the tenth is free: 7 stamps on the card and 12 more fill two cards and leave 1."""
    from loyaltycli.domain.rewards import StampVoucher, fill_stamp_cards

    cafe = program_from_data(
        {
            "program": {"name": "Café", "currency": "EUR", "timezone": "Europe/Berlin"},
            "redeem": {"voucher_days": 60},
            "rewards": [{"id": "coffee", "name": "Coffee", "points": 150, "kind": "free_item", "value": "3.20"}],
            "stamp_cards": [{"id": "card", "name": "Card", "categories": ["coffee"], "stamps": 9, "reward": "coffee"}],
        }
    )
    day = D(2026, 6, 15)
    left, vouchers = fill_stamp_cards(cafe, {"card": 7}, {"card": 12}, day)
    assert left == {"card": 1}
    assert vouchers == [StampVoucher("card", "coffee", "free_item", "3.20", D(2026, 8, 14))] * 2
    assert fill_stamp_cards(cafe, {"card": 7}, {}, day) == ({}, [])
