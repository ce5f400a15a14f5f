"""`import`'s members: who each receipt's reference names, their state kept from batch to batch, and the
customers `--enroll-unknown` enrols.

The batch loop (`services/imports.py`) asks `resolve` once per batch, then `state_of` per receipt; it says
when what is kept must be read afresh (`forget`, `forget_if_changed`, `forget_if_many`).
"""

from __future__ import annotations

import datetime as dt

from loyaltycli.domain.dates import local_date, utc_naive
from loyaltycli.domain.enrolment import member_id_for, reference_problem, signup_bonus
from loyaltycli.domain.member_state import MemberState, new_state
from loyaltycli.domain.phones import parse_phone
from loyaltycli.domain.purchase_plans import signup_credit
from loyaltycli.i18n import _
from loyaltycli.importers.receipts import Draft
from loyaltycli.services.context import Today
from loyaltycli.services.purchases import window_since
from loyaltycli.storage import members as lookup
from loyaltycli.storage.database import change_marker
from loyaltycli.storage.members import NewMember, NewMembers
from loyaltycli.storage.records import Transaction
from loyaltycli.storage.state import load_states, locked_members
from loyaltycli.storage.writer import PurchaseWriter

KEPT_STATES = 25_000  # members whose state is kept from one batch to the next


class ImportMembers:
    def __init__(self, ctx: Today, now: dt.datetime, enroll_unknown: bool) -> None:
        self.ctx = ctx
        self.now = now
        self.enroll_unknown = enroll_unknown
        self.refs: dict[str, int | str] = {}  # reference -> member pk, or why it is refused
        self.states: dict[int, MemberState] = {}
        self.marker: object = None  # what `change_marker` said when the last batch began

    # ------------------------------------------------------------------ what is kept

    def forget_if_many(self) -> None:
        """The members' look-ups and state are kept for the next batch unless there are too many to keep
        (memory stays flat)."""
        if len(self.states) > KEPT_STATES:
            self.states, self.refs = {}, {}

    def forget_if_changed(self, tx: Transaction) -> None:
        """Another program (a till, the counter) may have written between two batches: then every member's
        look-up and state is read afresh."""
        marker = change_marker(tx)
        if marker is None or marker != self.marker:
            self.states, self.refs = {}, {}
        self.marker = marker

    def forget(self, pk: int) -> None:
        """A refund or return wrote the member's points and debt itself: their state is read afresh at their
        next receipt (who a reference names has not changed)."""
        self.states.pop(pk, None)

    # ------------------------------------------------------------------ a batch

    def resolve(self, tx: Transaction, writer: PurchaseWriter, drafts: list[Draft]) -> int:
        """Who each receipt belongs to, and how many new members were enrolled for it; the members' state is
        read afresh (and, on PostgreSQL, their rows locked) for every batch, since a till may have written
        between two batches."""
        wanted = {d.member_ref for d in drafts if d.member_ref and not d.problem and d.kind == "purchase"}
        unknown = wanted - set(self.refs)
        if unknown:
            self._look_up(tx, unknown)
        pks = sorted({pk for ref in wanted if isinstance(pk := self.refs.get(ref), int) and pk not in self.states})
        if pks:
            rows = locked_members(tx, pks)
            for member in rows:
                if member.status != "active":
                    self.refs = {
                        r: p if p != member.pk else f"member {r} is {member.status}" for r, p in self.refs.items()
                    }
            days = [d.when for d in drafts if d.when is not None]
            first_day = local_date(min(days), self.ctx.program.zone) if days else self.ctx.today
            active = [m for m in rows if m.status == "active"]
            self.states.update(load_states(tx, active, window_since(self.ctx.program, first_day)))
        if not self.enroll_unknown:
            return 0
        return self._enroll(
            tx,
            writer,
            [
                d
                for d in drafts
                if d.member_ref and d.member_ref not in self.refs and not d.problem and d.kind == "purchase"
            ],
        )

    def _look_up(self, tx: Transaction, refs: set[str]) -> None:
        for ref, members in lookup.find_many(tx, refs, self.ctx.program.region).items():
            if len(members) > 1:
                self.refs[ref] = f"member {ref!r} is ambiguous (it names {len(members)} members)"
            elif members:
                member = members[0]
                if member.status == "merged" and member.merged_into_pk is not None:
                    # down the chain of merges (A into B, then B into C) to the member holding the points now,
                    # with `purchase`'s note; that member's status is checked in resolve
                    record = lookup.by_pk(tx, member.pk)
                    assert record is not None
                    self.refs[ref] = lookup.followed(tx, record).pk or 0
                else:
                    self.refs[ref] = (
                        (member.pk or 0) if member.status == "active" else f"member {ref} is {member.status}"
                    )
            elif not self.enroll_unknown:
                self.refs[ref] = _("unknown member {ref} (add --enroll-unknown to enrol new customers)").format(ref=ref)

    def _enroll(self, tx: Transaction, writer: PurchaseWriter, drafts: list[Draft]) -> int:
        """Enrol the batch's unknown customers in bulk, each with the signup bonus of their first sale's day."""
        firsts: dict[str, Draft] = {}
        for draft in drafts:
            firsts.setdefault(draft.member_ref, draft)
        for ref in list(firsts):
            problem = reference_problem(ref, self.ctx.program.region)
            if problem is not None:  # the same validation as `enroll --email` and `--phone`
                self.refs[ref] = f"member {problem}"
                del firsts[ref]
        if not firsts:
            return 0
        enrolment = NewMembers(tx)
        rows = []
        region = self.ctx.program.region
        for pk, (ref, draft) in zip(enrolment.pks(len(firsts)), firsts.items(), strict=True):
            when = draft.when or self.now
            day = local_date(when, self.ctx.program.zone)
            email = ref.strip() if "@" in ref else None
            phone = None if email else parse_phone(ref, region)
            member_id = member_id_for(pk) if email or phone else ref.strip()
            name = draft.name or ref.strip()
            email_key = email.lower() if email else None
            rows.append(NewMember(pk, member_id, name, email, email_key, phone, None, False, utc_naive(when), day))
            self.refs[ref] = pk
            self.states[pk] = new_state(pk, member_id, day)
            version = self.ctx.version_on(day)
            signup, expires = signup_bonus(version.program, day)
            if signup:
                writer.add(signup_credit(pk, signup, day, expires, version.version))
        enrolment.insert(rows)
        return len(rows)

    # ------------------------------------------------------------------ a receipt

    def state_of(self, tx: Transaction, ref: str, day: dt.date) -> MemberState | str:
        """The state of the member `ref` names, or why the receipt is refused."""
        target = self.refs.get(ref)
        if isinstance(target, str) or target is None:
            return target or _("unknown member {ref}").format(ref=ref)
        state = self.states.get(target)
        if state is None:
            member = lookup.by_pk(tx, target)
            assert member is not None
            state = load_states(tx, [member], window_since(self.ctx.program, day))[target]
            self.states[target] = state
        return state
