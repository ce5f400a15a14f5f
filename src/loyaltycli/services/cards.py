"""`loyalty card`: the members' cards to print (PDF, PNG, SVG), drawn by `reports/cards.py`."""

from __future__ import annotations

import datetime as dt

from loyaltycli.domain.cards import Card
from loyaltycli.errors import BadInputError, RefusedError
from loyaltycli.i18n import _
from loyaltycli.services.context import Today, today_in
from loyaltycli.services.members import ListFilter, lapse_day, list_members
from loyaltycli.storage import members as lookup
from loyaltycli.storage.balances import member_balances
from loyaltycli.storage.database import Database
from loyaltycli.storage.records import Transaction


def cards_for(db: Database, refs: list[str], every_member: bool, now: dt.datetime) -> list[Card]:
    """The cards of the members `refs` name, or of every member who can use one (`--all`)."""
    if bool(refs) == every_member:
        raise BadInputError(_("card: name the members, or give --all (not both)."))
    with db.read() as tx:
        ctx = today_in(tx, now)
        shop = ctx.program.program.name
        if not every_member:
            return [_named_card(tx, ctx, ref, shop) for ref in refs]
        holders = lookup.holders_of_cards(tx)
    # Every member's points in one aggregate (the list's own), not one balance query per card.
    points = {row.id: row.points for row in list_members(db, ListFilter(), now)} if holders else {}
    return [Card(member, name, number, shop, points.get(member, 0)) for member, name, number in holders]


def _named_card(tx: Transaction, ctx: Today, ref: str, shop: str) -> Card:
    """The card of the member `ref` names, with the points available today (what `member show` says)."""
    member = lookup.resolve(tx, ref, ctx.program.region)
    if member.card is None:
        raise RefusedError(_("Member {id} has no card (erased).").format(id=member.id))
    balance = member_balances(tx, member, ctx.today, lapse_day(member, ctx.program)).available
    return Card(str(member.id), member.name, member.card, shop, balance)
