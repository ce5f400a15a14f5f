"""Members who are probably one person (SPEC §3 `member duplicates`): pure, over plain values.

Never all pairs: candidates are blocked by a key two records of one person share (the mailbox an
e-mail delivers to, the phone number, the birthday); only within a block are names compared, with
rapidfuzz's token-sort ratio (word order and case ignored).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from loyaltycli.domain.abuse import Person, mailbox
from loyaltycli.i18n import N_

SIMILAR_NAME = 85  # token-sort ratio from which two names count as "very similar"


@dataclass(frozen=True, slots=True)
class Pair:
    """Two members who are probably one person; `reason` in English (what --json gives), `template` and
    `values` to say it in the reader's language."""

    a: str
    b: str
    reason: str
    score: int
    template: str = ""
    values: tuple[tuple[str, str], ...] = ()


def _pair(a: str, b: str, score: int, template: str, **values: str) -> Pair:
    return Pair(a, b, template.format(**values), score, template, tuple(values.items()))


# The reasons in English for --json and --csv; `member duplicates` shows them in the reader's language.
SAME_EMAIL = N_("the same e-mail in another written form ({first}, {second})")
SAME_PHONE = N_("the same phone number {phone}")
SIMILAR_NAMES = N_("a very similar name ({first}, {second}) and the same birthday")


def probable_duplicates(people: Iterable[Person]) -> list[Pair]:
    """Pairs with the reason and a score (100: the same mailbox or phone), the most likely first."""
    by_mailbox: dict[str, list[Person]] = defaultdict(list)
    by_phone: dict[str, list[Person]] = defaultdict(list)
    by_birthday: dict[object, list[Person]] = defaultdict(list)
    for person in people:
        if person.email:
            by_mailbox[mailbox(person.email)].append(person)
        if person.phone:
            by_phone[person.phone].append(person)
        if person.birthday is not None:
            by_birthday[person.birthday].append(person)
    found: dict[tuple[str, str], Pair] = {}

    def keep(pair: Pair) -> None:
        key = (pair.a, pair.b)
        if key not in found or found[key].score < pair.score:
            found[key] = pair

    for group in by_mailbox.values():
        for a, b in _pairs(group):
            keep(_pair(a.id, b.id, 100, SAME_EMAIL, first=a.email or "", second=b.email or ""))
    for phone, group in by_phone.items():
        for a, b in _pairs(group):
            keep(_pair(a.id, b.id, 100, SAME_PHONE, phone=phone))
    for group in by_birthday.values():
        for a, b in _pairs(group):
            score = round(fuzz.token_sort_ratio(_plain(a.name), _plain(b.name)))
            if score >= SIMILAR_NAME:
                keep(_pair(a.id, b.id, score, SIMILAR_NAMES, first=a.name, second=b.name))
    return sorted(found.values(), key=lambda p: (-p.score, p.a, p.b))


def _pairs(group: list[Person]) -> Iterable[tuple[Person, Person]]:
    ordered = sorted(group, key=lambda p: p.id)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            yield first, second


def _plain(name: str) -> str:
    return " ".join(name.casefold().split())
