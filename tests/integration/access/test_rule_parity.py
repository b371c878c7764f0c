"""Property: every page lists and counts, for every user, exactly what the access rules allow.

Hypothesis builds a person's history through the real actions: an introduction that stays open,
closes with the open door still open, or closes past it (and sometimes an earlier one of the same
person); key workers and transfers; handovers offered, accepted, declined, started, completed or
withdrawn; the person's sharing choices per organisation; safeguarding overrides and break-glass
grants, current or expired; a first conversation, plan versions and contacts written by workers
of different organisations and teams, some contacts restricted to their team; leavers.

Then, for each persona, what they may see is worked out twice:

- from the rule objects in access/ (relationships.relationship(), sharing.sharing_view() and its
  Q objects), which every page is meant to use;
- from the governance rules read straight off the rows in plain Python (`Oracle`), so that a
  rule object that drifts is caught as well as a page that does;

and both are compared with what the pages show and count: the record, its history pages, the
plan page, the outcomes pages, the person's access log, the huddle board, find, and the insight
drill-down. A user with no relationship gets 404 on every person page and sees the person
nowhere. (The access report and the insight CSV list audit events and suppressed totals, never
entries or names, so they have nothing here to compare.)

A second property covers the later readers of the same rows: a partner system per organisation
(the FHIR API, ADR 0018), whose searches, totals and reads by id must match what the rules allow
the organisation as a whole (`Oracle.organisation_relationship`), and the person and a proxy in
the portal (ADR 0016), whose support page, plan and download must list every organisation's
contacts but those restricted to a team or withheld, and count the withheld ones they would
otherwise see.

The fixed cases stay (test_access_matrix.py, test_sharing_and_overrides.py); this one catches a
rule or a page that drifts from the others. Each example is built and checked inside a
transaction that is rolled back, over one network of personas.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, event, example, given, note, settings
from hypothesis import strategies as st
from tests import factories

from livingwell.access import actions as access_actions
from livingwell.access.models import (
    AuditEvent,
    BreakGlass,
    SafeguardingOverride,
    SharingPreference,
    Withholding,
)
from livingwell.access.permissions import Permission, allows, has_permission
from livingwell.access.relationships import (
    relationship,
    user_hub_team_ids,
    user_organisation_ids,
)
from livingwell.access.sharing import (
    sharing_view,
    visible_authoring_filter,
    visible_conversation_filter,
    visible_plan_filter,
)
from livingwell.accounts.models import Membership, Role, User
from livingwell.core.statemachine import TransitionError
from livingwell.hub import actions as hub
from livingwell.hub.models import Allocation, Contact, Conversation, Handover, PlanVersion, Tier
from livingwell.insight import metrics
from livingwell.intake.models import Introduction
from livingwell.outcomes import actions as outcomes_actions

pytestmark = pytest.mark.django_db

# Who writes entries, who reads pages, who can be key worker (user, team), who takes handovers
# (organisation: the worker who replies).
AUTHORS = (
    "hub_worker",
    "key_worker",
    "team_colleague",
    "partner_worker",
    "council_worker",
    "dual_worker",
    "unrelated_worker",
)
READERS = (*AUTHORS, "analyst")
KEY_WORKERS = (
    ("key_worker", "community_team"),
    ("team_colleague", "community_team"),
    ("council_worker", "council_team"),
    ("dual_worker", "council_team"),
    ("partner_worker", "vcs_team"),
    ("unrelated_worker", "other_team"),
)
PARTNERS = {"council": "council_worker", "vcs": "partner_worker", "other_vcs": "unrelated_worker"}
ORGANISATIONS = ("trust", *PARTNERS)
# An offer left waiting, and a record left open, twice as likely as each other outcome.
REPLIES = ("none", "none", "accept", "decline", "start", "complete", "withdraw")
ENDINGS = ("open", "open", "door_open", "door_shut")

# The other person pages, one of which each reader is also shown in each example (a probe), so
# that every page is requested by every kind of reader over a run without requesting them all
# every time: (view, permission, *arguments after the introduction).
PROBE_PAGES = {
    "history-contacts": ("hub:record_history", Permission.VIEW_RECORD, "contacts"),
    "history-plans": ("hub:record_history", Permission.VIEW_RECORD, "plans"),
    "plan": ("hub:plan", Permission.EDIT_PLAN),
    "gbo": ("outcomes:record", Permission.RECORD_CONTACT, "gbo"),
    "outcomes": ("outcomes:person", Permission.VIEW_RECORD),
}
PROBES = (*PROBE_PAGES, "person-log", "find")
DRILL_DAYS = 700  # the drill-down's period: back past the earliest introduction built

# Text that appears on a page only when its entry is shown; each is unique in an example.
MARK = re.compile(r"zq[cgv]\d{3}zq")
RECORD_URL = re.compile(r"/hub/introductions/([0-9a-f-]{36})/")
RESPOND_URL = re.compile(r"/hub/handovers/([0-9a-f-]{36})/respond/")


# --- the network ------------------------------------------------------------------------------


@dataclass
class Network:
    personas: factories.Personas
    clients: dict[str, Client] = field(default_factory=dict)

    def __getitem__(self, name: str):
        """An organisation, team or user of the network, by its persona name."""
        return getattr(self.personas, name)

    def user(self, name: str) -> User:
        """A fresh copy: the access layer keeps a user's memberships on the object it is given."""
        return User.objects.get(pk=getattr(self.personas, name).pk)


@pytest.fixture
def network(personas) -> Network:
    p = personas
    p.team_colleague = factories.user("team_colleague", team=p.community_team, role=Role.KEY_WORKER)
    p.council_team = factories.team(p.council, "Council Wellbeing Team")
    p.council_worker = factories.user("council_worker", team=p.council_team, role=Role.PEER_WORKER)
    # Someone working for two organisations at once.
    p.dual_worker = factories.user("dual_worker", team=p.vcs_team, role=Role.PARTNER_WORKER)
    Membership.objects.create(
        user=p.dual_worker, organisation=p.council, team=p.council_team, role=Role.PEER_WORKER
    )
    # Everyone has worked here for years: entries are written at earlier times, and a plan's
    # organisation is its author's at the time they wrote it.
    Membership.objects.update(started_at=timezone.now() - timedelta(days=5 * 365))
    net = Network(p)
    for name in READERS:
        net.clients[name] = factories.login(Client(), getattr(p, name))
    return net


# --- what happens to the person ---------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    urgent: bool
    conversation_by: str | None
    steps: tuple
    sharing: dict  # organisation: (share_out, share_in, open_record)
    overrides: dict  # reader: current (True) or expired
    break_glass: dict  # reader: current (True) or expired
    ending: str
    earlier: str | None  # an earlier introduction of the same person: "open" or "door_shut"
    earlier_contacts: tuple  # (author, restricted)
    leavers: frozenset
    # Contacts (by their order of recording over every introduction, counted round) a worker
    # marks "not for the person's view": hidden from the person and their proxy only.
    withheld: frozenset = frozenset()


CONTACT = st.tuples(st.just("contact"), st.sampled_from(AUTHORS), st.booleans())
HANDOVER = st.tuples(
    st.just("handover"), st.sampled_from(tuple(PARTNERS)), st.sampled_from(REPLIES)
)
# Contacts and handovers twice as likely as the rest: they carry most of the rules.
STEPS = st.one_of(
    CONTACT,
    CONTACT,
    HANDOVER,
    HANDOVER,
    st.tuples(st.just("plan"), st.sampled_from(AUTHORS)),
    st.tuples(st.just("allocate"), st.sampled_from(KEY_WORKERS)),
    st.tuples(st.just("gbo")),
)
CHOICES = st.tuples(st.booleans(), st.booleans(), st.booleans()).map(
    lambda c: (c[0], c[1], c[2] and c[1])  # opening the record needs sharing in
)
SCENARIOS = st.builds(
    Scenario,
    urgent=st.booleans(),
    conversation_by=st.none() | st.sampled_from(AUTHORS),
    steps=st.lists(STEPS, min_size=2, max_size=8).map(tuple),
    sharing=st.dictionaries(st.sampled_from(ORGANISATIONS), CHOICES, max_size=3),
    overrides=st.dictionaries(st.sampled_from(AUTHORS), st.booleans(), max_size=2),
    break_glass=st.dictionaries(st.sampled_from(AUTHORS), st.booleans(), max_size=2),
    ending=st.sampled_from(ENDINGS),
    earlier=st.none() | st.sampled_from(("open", "door_shut")),
    earlier_contacts=st.lists(st.tuples(st.sampled_from(AUTHORS), st.booleans()), max_size=2).map(
        tuple
    ),
    leavers=st.frozensets(st.sampled_from(AUTHORS), max_size=1),
    withheld=st.frozensets(st.integers(min_value=0, max_value=3), max_size=2),
)

# What an action may refuse for a generated step (a plan before any conversation, a contact on a
# closed introduction, a second live handover to one organisation...): the step is skipped.
REFUSED = (
    hub.HubError,
    TransitionError,
    access_actions.AccessError,
    outcomes_actions.OutcomesError,
)


@dataclass
class Built:
    intro: Introduction  # the introduction the scenario is about
    intros: list  # every introduction of the person
    now: object

    @property
    def person(self):
        return self.intro.person


class Builder:
    def __init__(self, net: Network, scenario: Scenario):
        self.net = net
        self.sc = scenario
        self.users = {name: net.user(name) for name in READERS}
        self.marks = itertools.count(1)
        self.now = timezone.now()
        self.contacts = []  # every contact recorded, in order

    def mark(self, kind: str) -> str:
        return f"zq{kind}{next(self.marks):03d}zq"

    def attempt(self, action, **kwargs):
        try:
            with transaction.atomic():
                return action(**kwargs)
        except REFUSED:
            return None

    def build(self) -> Built:
        sc, u = self.sc, self.users
        hub_worker = u["hub_worker"]
        intros = []
        person = None
        if sc.earlier:
            earlier = factories.introduction(at=self.now - timedelta(days=600))
            at = earlier.received_at
            for i, (author, restricted) in enumerate(sc.earlier_contacts, 1):
                self.contact(earlier, author, restricted, at + timedelta(hours=i))
            if sc.earlier == "door_shut":
                hub.close(
                    by=hub_worker,
                    introduction=earlier,
                    reason="moved_away",
                    at=at + timedelta(days=1),
                )
            intros.append(earlier)
            person = earlier.person
        # A closure past the open door needs the whole story well in the past.
        start = self.now - timedelta(days=400 if sc.ending == "door_shut" else 40)
        day = itertools.count(1)
        intro = factories.introduction(urgent=sc.urgent, at=start, existing_person=person)
        intros.append(intro)
        if sc.conversation_by:
            self.attempt(
                hub.record_first_conversation,
                by=u[sc.conversation_by],
                introduction=intro,
                tier=Tier.objects.filter(is_active=True).first(),
                fields={
                    "mode": "phone",
                    "whats_happening": "Low mood.",
                    "what_matters": self.mark("v"),
                    "next_step": "Call next week.",
                },
                at=start + timedelta(days=next(day)),
            )
        for step in sc.steps:
            self.step(intro, step, start + timedelta(days=next(day)))
        # The person's choices, overrides and emergencies, recorded while the record is open.
        for org, (share_out, share_in, open_record) in sc.sharing.items():
            self.attempt(
                access_actions.set_sharing,
                by=hub_worker,
                person=intro.person,
                organisation=self.net[org],
                share_out=share_out,
                share_in=share_in,
                open_record=open_record,
                expressed="phone",
                note="Told me on the phone.",
            )
        for name, current in sc.overrides.items():
            self.attempt(
                access_actions.record_safeguarding_override,
                by=u[name],
                person=intro.person,
                reason="Disclosure of harm to a child at home.",
                at=self.now if current else self.now - timedelta(days=2),
            )
        if sc.ending != "open":
            closing = start + timedelta(days=next(day))
            for offer in intro.handovers.filter(state=Handover.State.OFFERED):
                hub.advance_handover(
                    by=hub_worker, handover=offer, to_state=Handover.State.WITHDRAWN, at=closing
                )
            intro.refresh_from_db()
            reason = "supported" if intro.state == Introduction.State.IN_SUPPORT else "moved_away"
            hub.close(by=hub_worker, introduction=intro, reason=reason, at=closing)
        for name, current in sc.break_glass.items():
            self.attempt(
                access_actions.start_break_glass,
                by=u[name],
                person=intro.person,
                reason="Found collapsed, we need the safety plan.",
                at=self.now if current else self.now - timedelta(days=1),
            )
        count = len(self.contacts)
        for index in sorted({i % count for i in sc.withheld}) if count else ():
            self.withhold(self.contacts[index])
        for name in sc.leavers:
            # No action ends a membership yet; a leaver is set up as the leaver tests do.
            Membership.objects.filter(user=u[name]).update(ended_at=timezone.now())
        for each in intros:
            each.refresh_from_db()
        return Built(intro=intro, intros=intros, now=timezone.now())

    def contact(self, intro, author, restricted, at):
        contact = self.attempt(
            hub.record_contact,
            by=self.users[author],
            introduction=intro,
            outcome="attended",
            mode="phone",
            contact_at=at,
            note=self.mark("c"),
            restricted=restricted,
            at=at,
        )
        if contact is not None:
            self.contacts.append(contact)
        return contact

    def withhold(self, contact):
        """Marked by its author, or else by the Hub (whoever may still record contacts)."""
        for name in (
            next(n for n in AUTHORS if self.users[n].pk == contact.by_id),
            "hub_worker",
        ):
            if self.attempt(
                access_actions.withhold_from_person,
                by=self.users[name],
                contact=contact,
                reason="third_party",
            ):
                return

    def step(self, intro, step, at):
        u = self.users
        kind = step[0]
        if kind == "contact":
            self.contact(intro, step[1], step[2], at)
        elif kind == "plan":
            self.attempt(
                hub.save_plan,
                by=u[step[1]],
                introduction=intro,
                goals=[self.mark("g")],
                actions=[],
                review_date=(at + timedelta(days=60)).date(),
                at=at,
            )
        elif kind == "allocate":
            worker, team = step[1]
            self.attempt(
                hub.allocate_key_worker,
                by=u["hub_worker"],
                introduction=intro,
                key_worker=u[worker],
                team=self.net[team],
                reason="Closer to home.",
                at=at,
            )
        elif kind == "handover":
            self.handover(intro, step[1], step[2], at)
        elif kind == "gbo":
            plan = intro.plan_versions.order_by("-version").first()
            if plan is not None:
                keys = [g["key"] for g in plan.goals][:3]
                self.attempt(
                    outcomes_actions.record_response,
                    by=u["hub_worker"],
                    introduction=intro,
                    measure="gbo",
                    answers={str(i): 5 for i in range(1, len(keys) + 1)},
                    goal_keys={str(i): key for i, key in enumerate(keys, 1)},
                    completed_at=timezone.localdate(at),
                    at=at,
                )

    def handover(self, intro, org, reply, at):
        offer = self.attempt(
            hub.offer_handover,
            by=self.users["hub_worker"],
            introduction=intro,
            to_organisation=self.net[org],
            what_is_asked="Peer group on Tuesdays.",
            at=at,
        )
        if offer is None or reply == "none":
            return
        H = Handover.State
        if reply == "withdraw":
            hub.advance_handover(
                by=self.users["hub_worker"], handover=offer, to_state=H.WITHDRAWN, at=at
            )
            return
        replier = self.users[PARTNERS[org]]
        hub.respond_to_handover(
            by=replier,
            handover=offer,
            accept=reply != "decline",
            reason="No places left this term." if reply == "decline" else "",
            at=at,
        )
        for state, upto in ((H.STARTED, ("start", "complete")), (H.COMPLETED, ("complete",))):
            if reply in upto:
                hub.advance_handover(by=replier, handover=offer, to_state=state, at=at)


# --- the oracle: the governance rules read off the rows, in plain Python ----------------------


class Oracle:
    """docs/governance.md "Who may open a person's record", applied to every row directly."""

    def __init__(self, person, now):
        self.person = person
        self.now = now
        intros = list(Introduction.objects.filter(person=person))
        ids = [i.pk for i in intros]
        self.held_open = any(
            i.state != Introduction.State.CLOSED or (i.open_door_until or now) > now for i in intros
        )
        self.allocations = list(Allocation.objects.filter(introduction_id__in=ids))
        self.handovers = list(Handover.objects.filter(introduction_id__in=ids))
        self.choices = {}
        for pref in SharingPreference.objects.filter(person=person).order_by("id"):
            self.choices[pref.organisation_id] = pref  # the newest row is the choice
        self.grants = list(BreakGlass.objects.filter(person=person))
        self.overrides = list(SafeguardingOverride.objects.filter(person=person))
        self.memberships = list(Membership.objects.select_related("team", "user"))

    def _current(self, user_id, at):
        return [
            m
            for m in self.memberships
            if m.user_id == user_id
            and m.started_at <= at
            and (m.ended_at is None or m.ended_at > at)
        ]

    def relationship(self, user) -> str | None:
        """ "full", "offer" (a handover offer waiting: enough to reply) or None."""
        now = self.now
        current = self._current(user.pk, now)
        if not current:
            return None
        teams = {m.team_id for m in current if m.team_id}
        orgs = {m.organisation_id for m in current}
        H = Handover.State
        if any(m.team and m.team.is_hub and m.team.is_active for m in current) and self.held_open:
            return "full"
        if any(
            a.ended_at is None and (a.key_worker_id == user.pk or a.team_id in teams)
            for a in self.allocations
        ):
            return "full"
        if any(
            h.to_organisation_id in orgs and h.state in (H.ACCEPTED, H.STARTED)
            for h in self.handovers
        ):
            return "full"
        if any(self.choices[o].open_record for o in orgs if o in self.choices):
            return "full"
        if any(g.user_id == user.pk and g.expires_at > now for g in self.grants):
            return "full"
        if any(h.to_organisation_id in orgs and h.state == H.OFFERED for h in self.handovers):
            return "offer"
        return None

    def viewer(self, user) -> dict:
        current = self._current(user.pk, self.now)
        orgs = {m.organisation_id for m in current}
        return {
            "user_id": user.pk,
            "orgs": orgs,
            "teams": {m.team_id for m in current if m.team_id},
            "share_in_refused": any(
                not self.choices[o].share_in for o in orgs if o in self.choices
            ),
            "blocked": {o for o, c in self.choices.items() if not c.share_out and o not in orgs},
            "override": any(
                o.user_id == user.pk and o.expires_at > self.now for o in self.overrides
            ),
        }

    @staticmethod
    def limited(v) -> bool:
        """Whether the person's choices hide something from this viewer (a notice says so)."""
        return not v["override"] and (v["share_in_refused"] or bool(v["blocked"]))

    @staticmethod
    def _organisation_allows(v, authoring_orgs: set, own: bool) -> bool:
        if own or authoring_orgs & v["orgs"] or v["override"]:
            return True
        if v["share_in_refused"]:
            return False
        return not (authoring_orgs & v["blocked"])

    def sees_contact(self, v, c: Contact) -> bool:
        if c.restricted and c.team_id not in v["teams"] and c.by_id != v["user_id"]:
            return False  # whatever the relationship, choice, override or emergency
        return self._organisation_allows(v, {c.organisation_id}, own=False)

    def sees_conversation(self, v, c: Conversation) -> bool:
        return self._organisation_allows(v, {c.organisation_id}, own=False)

    def sees_plan(self, v, p: PlanVersion) -> bool:
        # A plan's organisation is its author's when they wrote it (it has no column of its own).
        orgs = {m.organisation_id for m in self._current(p.created_by_id, p.created_at)}
        return self._organisation_allows(v, orgs, own=p.created_by_id == v["user_id"])

    # --- an organisation as a whole: a partner system (the FHIR API) ---

    def _organisation_members(self, org_id) -> list:
        return [
            m
            for m in self.memberships
            if m.organisation_id == org_id
            and m.user.is_active
            and m.started_at <= self.now
            and (m.ended_at is None or m.ended_at > self.now)
        ]

    def organisation_relationship(self, org_id) -> str | None:
        """ "full", "offer" or None for a system acting for the organisation. ADR 0018: it sees
        what the organisation's current workers with a relationship would see in their work for
        that organisation, and nothing personal (no break-glass, no safeguarding override). So
        the care team is the key worker's *team*: a worker who is also in another organisation,
        allocated there, gives this one nothing. An organisation with no current workers holds
        nothing."""
        current = self._organisation_members(org_id)
        if not current:
            return None
        teams = {m.team_id for m in current if m.team_id}
        H = Handover.State
        if any(m.team and m.team.is_hub and m.team.is_active for m in current) and self.held_open:
            return "full"
        if any(a.ended_at is None and a.team_id in teams for a in self.allocations):
            return "full"
        if any(
            h.to_organisation_id == org_id and h.state in (H.ACCEPTED, H.STARTED)
            for h in self.handovers
        ):
            return "full"
        if org_id in self.choices and self.choices[org_id].open_record:
            return "full"
        if any(h.to_organisation_id == org_id and h.state == H.OFFERED for h in self.handovers):
            return "offer"
        return None

    def organisation_viewer(self, org_id) -> dict:
        """The sharing rules for the organisation: its own entries, the person's choices about
        it and about the others; its teams for entries restricted to a team (the organisation
        is not the author: an entry one of its workers restricted to a team of another
        organisation stays with that team). Never an override (ADR 0018)."""
        choice = self.choices.get(org_id)
        return {
            "user_id": None,
            "orgs": {org_id},
            "teams": {m.team_id for m in self._organisation_members(org_id) if m.team_id},
            "share_in_refused": choice is not None and not choice.share_in,
            "blocked": {o for o, c in self.choices.items() if not c.share_out and o != org_id},
            "override": False,
        }

    # --- the person themselves (the portal) ---

    def person_sees_contact(self, c: Contact, withheld: set) -> bool:
        """ADR 0016: every organisation's entries (the sharing choices are the person's own,
        about others), never one restricted to its team or marked "not for the person's view"."""
        return not c.restricted and c.pk not in withheld


# --- what the rule objects allow -------------------------------------------------------------


@dataclass
class Allowed:
    """One reader's view of one introduction, by the rule objects in access/."""

    contacts: list  # newest first, as the record lists them
    conversation: object
    plans: list  # newest first
    hidden_marks: set  # every entry's mark this reader must never be shown, on any page


def allowed(user, built: Built, intro) -> Allowed:
    person = built.person
    view = sharing_view(user, person)
    contacts = list(
        Contact.objects.filter(introduction=intro)
        .filter(visible_authoring_filter(user, person, view=view))
        .order_by("-at", "-recorded_at")
    )
    conversation = (
        Conversation.objects.filter(introduction=intro)
        .filter(visible_conversation_filter(user, person, view=view))
        .first()
    )
    plans = list(
        PlanVersion.objects.filter(introduction=intro)
        .filter(visible_plan_filter(user, person, view=view))
        .order_by("-version")
    )
    # Hidden = all but the visible (not exclude(): an empty Q, "no objection", excludes nothing
    # either way round).
    every = Q(introduction_id__in=[i.pk for i in built.intros])
    hidden = set()
    for model, rule, marks in (
        (Contact, visible_authoring_filter, lambda c: [c.note]),
        (Conversation, visible_conversation_filter, lambda c: [c.what_matters]),
        (PlanVersion, visible_plan_filter, lambda p: [g["text"] for g in p.goals]),
    ):
        shown = set(
            model.objects.filter(every)
            .filter(rule(user, person, view=view))
            .values_list("pk", flat=True)
        )
        for entry in model.objects.filter(every):
            if entry.pk not in shown:
                hidden.update(marks(entry))
    return Allowed(contacts, conversation, plans, hidden)


def _marks(entries, attr) -> set:
    return {getattr(e, attr) for e in entries}


def _plan_marks(plans) -> set:
    return {g["text"] for p in plans for g in p.goals}


# --- the property -----------------------------------------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    # No "explain" phase: it reruns a failing example dozens of times to mark lines.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    # The network of personas is built once per test and only read; each example's rows are
    # rolled back before the next (see the test), so the function-scoped fixture is safe.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=SCENARIOS, probe=st.integers(min_value=0, max_value=len(PROBES) - 1))
# Run every time, whatever is generated: each relationship and each kind of choice at least once.
@example(
    scenario=Scenario(
        urgent=True,
        conversation_by="hub_worker",
        steps=(
            ("contact", "key_worker", True),
            ("handover", "vcs", "accept"),
            ("contact", "partner_worker", False),
            ("allocate", ("key_worker", "community_team")),
            ("plan", "partner_worker"),
            ("plan", "key_worker"),
            ("gbo",),
        ),
        sharing={"trust": (False, True, False)},
        overrides={"partner_worker": True},
        break_glass={"unrelated_worker": True, "council_worker": False},
        ending="door_shut",
        earlier="door_shut",
        earlier_contacts=(("hub_worker", False), ("team_colleague", True)),
        leavers=frozenset(),
    ),
    probe=0,
)
@example(
    scenario=Scenario(
        urgent=False,
        conversation_by="council_worker",
        steps=(
            ("handover", "other_vcs", "none"),
            ("allocate", ("dual_worker", "council_team")),
            ("contact", "dual_worker", True),
            ("contact", "hub_worker", False),
            ("plan", "council_worker"),
            ("handover", "vcs", "decline"),
        ),
        sharing={"vcs": (False, False, False), "council": (True, True, True)},
        overrides={},
        break_glass={},
        ending="open",
        earlier="open",
        earlier_contacts=(("partner_worker", False),),
        leavers=frozenset({"team_colleague"}),
    ),
    probe=3,
)
def test_every_page_shows_what_the_rules_allow(network, scenario, probe):
    note(repr(scenario))
    with transaction.atomic():
        built = Builder(network, scenario).build()
        oracle = Oracle(built.person, built.now)
        behind = urgent_not_same_day(built)
        for i, name in enumerate(READERS):
            Reader(network, name, built, oracle).check(PROBES[(probe + i) % len(PROBES)], behind)
        transaction.set_rollback(True)


def urgent_not_same_day(built) -> set:
    """The introductions behind the drill-down "urgent, not answered the same day"."""
    today = timezone.localdate(built.now)
    filters = metrics.Filters(start=today - timedelta(days=DRILL_DAYS), end=today)
    return {row["id"] for row in metrics.urgent_rows(metrics.Dataset(filters))[1]}


class Reader:
    """One persona's pages for the person, checked against the rules."""

    def __init__(self, net: Network, name: str, built: Built, oracle: Oracle):
        self.name = name
        self.user = net.user(name)
        self.client = net.clients[name]
        self.built = built
        self.person = built.person
        self.oracle = oracle
        self.expected = oracle.relationship(self.user)
        self.may_open = has_permission(self.user, Permission.VIEW_RECORD)
        self.seen: list[tuple[str, str]] = []  # (url, body) of every page this reader was shown

    def check(self, probe: str, behind: set):
        rel = relationship(self.user, self.person)
        # The rule object agrees with the governance rules.
        assert (None if rel is None else "full" if rel.full else "offer") == self.expected, (
            self.name
        )
        # What the examples covered (pytest --hypothesis-show-statistics).
        event(f"a reader's relationship: {rel.basis if rel else None}")
        if self.expected == "full" and self.oracle.viewer(self.user)["override"]:
            event("a reader holds a safeguarding override")
        if not self.may_open:
            # A role that cannot open records (the analyst) is refused whatever the relationship.
            self.get(reverse("hub:record", args=[self.built.intro.pk]), 403)
        else:
            for intro in self.built.intros:
                self.record(intro)
            done = self.entries() if self.expected == "full" else set()
            if probe not in done:
                self.probe(probe)
            if has_permission(self.user, Permission.VIEW_BOARD):
                self.board()
        if behind and has_permission(self.user, Permission.VIEW_INSIGHT):
            self.drilldown(behind)
        self.nothing_hidden_shown()

    # --- requests ---

    def get(self, url, status, **params):
        response = self.client.get(url, params)
        assert response.status_code == status, (self.name, url, response.status_code)
        body = response.content.decode()
        if status != 200 or self.expected is None:
            assert self.person.given_name not in body, (self.name, url)
        self.seen.append((url, body))
        return response

    def person_page(self, view_name, *args, permission=Permission.VIEW_RECORD, offer_status=404):
        """A page about the person: 404 without a relationship (and with only an offer to reply
        to, unless it is the page that shows the offer), whoever asks."""
        if not has_permission(self.user, permission):
            status = 403
        elif self.expected is None:
            status = 404
        elif self.expected == "offer":
            status = offer_status
        elif not allows(self.user, permission, relationship(self.user, self.person)):
            # A relationship that lets them read may not let them act (permissions, the one
            # table: break-glass reads but does not rewrite the plan).
            status = 404
        else:
            status = 200
        return self.get(reverse(view_name, args=args), status)

    # --- pages ---

    def record(self, intro):
        response = self.person_page("hub:record", intro.pk, offer_status=200)
        if response.status_code != 200:
            return
        if self.expected == "offer":
            # Only what is needed to reply to the offer: no entry of any kind.
            assert "contacts" not in response.context and "plan" not in response.context
            return
        want = allowed(self.user, self.built, intro)
        v = self.oracle.viewer(self.user)
        check_entries(self.oracle, v, intro, want, self.name)
        ctx, name = response.context, self.name
        assert [c.pk for c in ctx["contacts"]] == [c.pk for c in want.contacts][:10], name
        assert ctx["contacts"].total == len(want.contacts), name
        assert ctx["conversation"] == want.conversation, name
        assert ctx["plan"] == (want.plans[0] if want.plans else None), name
        assert ctx["earlier_plans"] == max(0, len(want.plans) - 1), name
        assert ctx["sharing"].limited == Oracle.limited(v), name
        body = response.content.decode()
        shown = _marks(want.contacts[:10], "note") | _plan_marks(want.plans[:1])
        if want.conversation is not None:
            shown.add(want.conversation.what_matters)
        assert shown <= set(MARK.findall(body)), name

    def entries(self) -> set:
        """The pages that list the introduction's entries, for a reader who may see them; returns
        the probes they cover."""
        intro, name = self.built.intro, self.name
        want = allowed(self.user, self.built, intro)
        # The record's history pages list and count the same entries as the record.
        contacts = self.person_page("hub:record_history", intro.pk, "contacts")
        assert [c.pk for c in contacts.context["rows"]] == [c.pk for c in want.contacts], name
        assert contacts.context["page"].paginator.count == len(want.contacts), name
        done = {"history-contacts"}
        if not intro.plan_versions.exists():
            return done
        plans = self.person_page("hub:record_history", intro.pk, "plans")
        assert [p.pk for p in plans.context["rows"]] == [p.pk for p in want.plans], name
        assert plans.context["page"].paginator.count == len(want.plans), name
        assert _plan_marks(want.plans) <= set(MARK.findall(plans.content.decode())), name
        # The plan page starts from the latest plan this reader may see.
        page = self.person_page("hub:plan", intro.pk, permission=Permission.EDIT_PLAN)
        if page.status_code == 200:
            assert page.context["latest"] == (want.plans[0] if want.plans else None), name
        # The outcomes pages name goals only from plans this reader may see (checked with the
        # rest of what they were shown, in nothing_hidden_shown).
        gbo = self.person_page(
            "outcomes:record", intro.pk, "gbo", permission=Permission.RECORD_CONTACT
        )
        if gbo.status_code == 200:
            wanted = _plan_marks(want.plans[:1])
            assert wanted <= set(MARK.findall(gbo.content.decode())), name
        self.person_page("outcomes:person", intro.pk)
        return done | {"history-plans", "plan", "gbo", "outcomes"}

    def probe(self, probe: str):
        """One more page, in turn from example to example: each must refuse (or, for a reader
        who may open the record, show) the person exactly as the record does."""
        intro = self.built.intro
        if probe == "find":
            if has_permission(self.user, Permission.VIEW_BOARD):
                found = self.client.post(reverse("hub:find"), {"reference": intro.reference})
                self.seen.append(("find", found.content.decode()))
                assert (found.status_code == 302) == (self.expected is not None), self.name
        elif probe == "person-log":
            self.person_page(
                "access:person_log", self.person.pk, permission=Permission.VIEW_ACCESS_LOG
            )
        else:
            view_name, permission, *args = PROBE_PAGES[probe]
            self.person_page(view_name, intro.pk, *args, permission=permission)

    def board(self):
        """The board names only people this reader has a relationship with, and shows the Hub
        every new introduction and each organisation the offers waiting for its reply."""
        response = self.client.get(reverse("hub:board"))
        assert response.status_code == 200, self.name
        body = response.content.decode()
        self.seen.append(("board", body))
        offers = Handover.objects.filter(pk__in=RESPOND_URL.findall(body))
        shown = set(RECORD_URL.findall(body)) | {str(h.introduction_id) for h in offers}
        if self.expected is None:
            assert not shown and self.person.given_name not in body, self.name
        for intro in self.built.intros:
            if user_hub_team_ids(self.user) and intro.state == Introduction.State.NEW:
                assert str(intro.pk) in shown, (self.name, "a new introduction is missing")
        for offer in Handover.objects.filter(
            introduction__in=self.built.intros,
            state=Handover.State.OFFERED,
            to_organisation_id__in=user_organisation_ids(self.user),
        ):
            assert str(offer.introduction_id) in shown, (self.name, "an offer is missing")

    def drilldown(self, behind: set):
        """The drill-down names exactly the people behind the figure whose record this reader
        may open."""
        today = timezone.localdate(self.built.now)
        response = self.get(
            reverse("insight:drilldown", args=["urgent_not_same_day"]),
            200,
            **{"from": (today - timedelta(days=DRILL_DAYS)).isoformat(), "to": today.isoformat()},
        )
        named = {i.pk for i in response.context["shown"]}
        # An offer waiting for a reply shows its summary only: it names no one here.
        opens = self.may_open and self.expected not in (None, "offer")
        assert named == (behind if opens else set()), self.name
        if not opens:
            assert self.person.given_name not in response.content.decode(), self.name

    def nothing_hidden_shown(self):
        """No page this reader was shown carries an entry the rules hide from them; someone who
        may not open the record is shown no entry at all."""
        if self.expected == "full" and self.may_open:
            hidden = allowed(self.user, self.built, self.built.intro).hidden_marks
            if hidden:
                event("entries hidden from a reader who may open the record")
            for url, body in self.seen:
                leaked = hidden & set(MARK.findall(body))
                assert not leaked, (self.name, url, leaked)
        else:
            for url, body in self.seen:
                assert not MARK.findall(body), (self.name, url)


def check_entries(oracle: Oracle, v, intro, want: Allowed, name: str):
    """The rule objects allow exactly what the governance rules allow."""
    contacts = Contact.objects.filter(introduction=intro).order_by("-at", "-recorded_at")
    assert [c.pk for c in contacts if oracle.sees_contact(v, c)] == [c.pk for c in want.contacts], (
        name
    )
    conversation = Conversation.objects.filter(introduction=intro).first()
    if conversation is not None and oracle.sees_conversation(v, conversation):
        assert want.conversation == conversation, name
    else:
        assert want.conversation is None, name
    plans = PlanVersion.objects.filter(introduction=intro).order_by("-version")
    assert [p.pk for p in plans if oracle.sees_plan(v, p)] == [p.pk for p in want.plans], name


# --- the later readers: partner systems (FHIR) and the person (portal) ------------------------

# The person's resource types a partner system searches by patient (AuditEvent, the person's
# access log, grows with every read; its refusal is checked by a read below).
FHIR_TYPES = (
    "Patient",
    "EpisodeOfCare",
    "Encounter",
    "ServiceRequest",
    "Task",
    "CarePlan",
    "Goal",
    "QuestionnaireResponse",
    "Observation",
    "Consent",
)
# Types whose every id is read one by one: those whose entries the sharing rules filter. Of the
# others, one id each.
READ_EVERY = ("Encounter", "CarePlan", "Goal")
# What a proxy may be granted (person.PROXY_PARTS), in a few combinations.
PROXY_GRANTS = ((), ("support",), ("download", "plan"), ("support", "download", "plan"))


@pytest.fixture
def systems(network) -> dict:
    """A partner system (FHIR client, `system/*.rs`, a bearer token) for each organisation."""
    from tests.fhir_support import api_for

    return {org: api_for(network[org]) for org in ORGANISATIONS}


def fhir_entries(oracle: Oracle, org_id, built: Built) -> tuple[dict, dict]:
    """(allowed, every): by resource type, the ids the organisation's system may see of the
    person, and every id the person has (what a read may ask for)."""
    from livingwell.fhir import resources as R
    from livingwell.outcomes.models import MeasureResponse

    person, ids = built.person, [i.pk for i in built.intros]
    contacts = list(Contact.objects.filter(introduction_id__in=ids))
    conversations = list(Conversation.objects.filter(introduction_id__in=ids))
    plans = list(PlanVersion.objects.filter(introduction_id__in=ids))
    responses = list(MeasureResponse.objects.filter(introduction_id__in=ids))

    def goals(rows):
        return {R.goal_id(p, i) for p in rows for i in range(len(p.goals))}

    every = {
        "Patient": {str(person.pk)},
        "EpisodeOfCare": {str(i) for i in ids},
        "Encounter": {str(c.pk) for c in contacts + conversations},
        "ServiceRequest": {str(i) for i in ids} | {str(h.pk) for h in oracle.handovers},
        "CarePlan": {str(p.pk) for p in plans},
        "Goal": goals(plans),
        "QuestionnaireResponse": {str(r.pk) for r in responses},
        # A measure with no national code (GBO) has no Observation.
        "Observation": {str(r.pk) for r in responses if R.observation(r, person.pk)},
        "Consent": {str(c.pk) for c in oracle.choices.values()},
    }
    every["Task"] = every["ServiceRequest"]
    rel = oracle.organisation_relationship(org_id)
    if rel is None:
        return {t: set() for t in FHIR_TYPES}, every
    if rel == "offer":
        # The offers to this organisation (and its earlier replies), to decide on them: not the
        # record (ADR 0018, as the pages).
        offered = {str(h.pk) for h in oracle.handovers if h.to_organisation_id == org_id}
        return {t: offered if t in ("ServiceRequest", "Task") else set() for t in FHIR_TYPES}, every
    v = oracle.organisation_viewer(org_id)
    seen_plans = [p for p in plans if oracle.sees_plan(v, p)]
    allowed = dict(every)
    allowed["Encounter"] = {str(c.pk) for c in contacts if oracle.sees_contact(v, c)} | {
        str(c.pk) for c in conversations if oracle.sees_conversation(v, c)
    }
    allowed["CarePlan"] = {str(p.pk) for p in seen_plans}
    allowed["Goal"] = goals(seen_plans)
    return allowed, every


def check_system(org: str, api, oracle: Oracle, built: Built, net: Network):
    """An organisation's system searches and reads exactly what the rules allow it, and counts
    it (Bundle.total); anything else by id is a 404, as no such resource."""
    org_id = net[org].pk
    allowed, every = fhir_entries(oracle, org_id, built)
    event(f"a partner system's relationship: {oracle.organisation_relationship(org_id)}")
    pid = str(built.person.pk)
    for rtype in FHIR_TYPES:
        query = {"_id": pid} if rtype == "Patient" else {"patient": f"Patient/{pid}"}
        response = api.get(rtype, query | {"_count": "200"})
        assert response.status_code == 200, (org, rtype, response.status_code)
        bundle = response.json()
        found = {e["resource"]["id"] for e in bundle.get("entry", [])}
        assert found == allowed[rtype], (org, rtype)
        assert bundle["total"] == len(allowed[rtype]), (org, rtype)
        if rtype in READ_EVERY:
            # A page of one still counts everything allowed, and only that.
            page = api.get(rtype, query | {"_count": "1"}).json()
            assert page["total"] == len(allowed[rtype]), (org, rtype, "paged")
            assert {e["resource"]["id"] for e in page.get("entry", [])} <= allowed[rtype], org
        asked = sorted(every[rtype])
        for rid in asked if rtype in READ_EVERY else asked[:1]:
            read = api.get(f"{rtype}/{rid}")
            assert read.status_code == (200 if rid in allowed[rtype] else 404), (org, rtype, rid)
            if read.status_code == 200:
                assert read.json()["id"] == rid, (org, rtype)
    newest = AuditEvent.objects.filter(person_id=built.person.pk).order_by("-id").first()
    read = api.get(f"AuditEvent/{newest.pk}")
    full = oracle.organisation_relationship(org_id) == "full"
    assert read.status_code == (200 if full else 404), (org, "AuditEvent")


def check_person(built: Built, oracle: Oracle, proxy_parts: tuple):
    """The person sees every organisation's contacts but those restricted to a team or withheld
    from them, on their support page and in their download, and is told how many were withheld
    (never that a restricted one exists); a proxy sees the same in the parts they were granted
    and nothing elsewhere."""
    from tests.integration.portal.portal_support import grant, proxy_viewer, self_viewer, sign_in

    person = built.person
    withheld_rows = set(
        Withholding.objects.filter(person=person, entry="contact").values_list(
            "entry_id", flat=True
        )
    )
    contacts = list(Contact.objects.filter(introduction__person=person).order_by("at"))
    shown = [c for c in contacts if oracle.person_sees_contact(c, withheld_rows)]
    want = {c.note for c in shown}
    hidden = {c.note for c in contacts} - want
    told = sum(1 for c in contacts if c.pk in withheld_rows and not c.restricted)
    if withheld_rows:
        event("a contact withheld from the person")
    latest_plan = built.intro.plan_versions.order_by("-version").first()
    plan_marks = _plan_marks([latest_plan]) if latest_plan else set()
    viewers = [("person", sign_in(Client(), self_viewer(person)), {"support", "download", "plan"})]
    if proxy_parts:
        proxy = grant(person, parts=list(proxy_parts))
        viewers.append(("proxy", sign_in(Client(), proxy_viewer(proxy)), set(proxy_parts)))
    for who, client, parts in viewers:
        bodies = []
        page = client.get(reverse("portal:support"))
        assert page.status_code == (200 if "support" in parts else 404), who
        bodies.append(page.content.decode())
        if page.status_code == 200:
            assert {m for m in MARK.findall(bodies[-1]) if m.startswith("zqc")} == want, who
            assert page.context["withheld"] == told, who
        page = client.get(reverse("portal:download"))
        assert page.status_code == (200 if "download" in parts else 404), who
        if page.status_code == 200:
            assert page.context["withheld"] == told, who
        download = client.get(reverse("portal:download_json"))
        assert download.status_code == (200 if "download" in parts else 404), who
        if download.status_code == 200:
            data = json.loads(download.content)
            assert [c["note"] for c in data["contacts"]] == [c.note for c in shown], who
            assert data["entries_withheld"] == told, who
            bodies.append(download.content.decode())
        page = client.get(reverse("portal:plan"))
        assert page.status_code == (200 if "plan" in parts else 404), who
        if page.status_code == 200:
            assert plan_marks <= set(MARK.findall(page.content.decode())), who
            bodies.append(page.content.decode())
        for body in bodies:
            assert not hidden & set(MARK.findall(body)), (who, "a hidden contact was shown")


@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=SCENARIOS, proxy_parts=st.sampled_from(PROXY_GRANTS))
# Run every time: a worker of two organisations key-works the person for one of them and
# restricts a contact to that team (the other organisation's system gets neither); a withheld
# contact and a withheld restricted one; objections to sharing in and out; an offer waiting.
@example(
    scenario=Scenario(
        urgent=False,
        conversation_by="hub_worker",
        steps=(
            ("allocate", ("dual_worker", "council_team")),
            ("contact", "dual_worker", True),
            ("contact", "hub_worker", False),
            ("contact", "key_worker", True),
            ("handover", "other_vcs", "none"),
            ("handover", "vcs", "decline"),
            ("plan", "council_worker"),
            ("plan", "hub_worker"),
        ),
        sharing={"council": (True, False, False), "trust": (False, True, False)},
        overrides={"council_worker": True},
        break_glass={"partner_worker": True},
        ending="open",
        earlier=None,
        earlier_contacts=(),
        leavers=frozenset(),
        withheld=frozenset({0, 1}),
    ),
    proxy_parts=("support", "download", "plan"),
)
# Closed with the door still open; a handover started; the record opened to an organisation
# whose only worker has left; an earlier introduction's contacts.
@example(
    scenario=Scenario(
        urgent=True,
        conversation_by="council_worker",
        steps=(
            ("handover", "council", "start"),
            ("contact", "council_worker", False),
            ("contact", "council_worker", True),
            ("plan", "council_worker"),
            ("gbo",),
            ("contact", "partner_worker", False),
        ),
        sharing={"other_vcs": (True, True, True), "vcs": (False, False, False)},
        overrides={},
        break_glass={"unrelated_worker": True},
        ending="door_open",
        earlier="door_shut",
        earlier_contacts=(("team_colleague", True), ("hub_worker", False)),
        leavers=frozenset({"unrelated_worker"}),
        withheld=frozenset({2}),
    ),
    proxy_parts=("support",),
)
def test_partner_systems_and_the_person_see_what_the_rules_allow(
    network, systems, scenario, proxy_parts
):
    note(repr(scenario))
    with transaction.atomic():
        built = Builder(network, scenario).build()
        oracle = Oracle(built.person, built.now)
        for org, api in systems.items():
            check_system(org, api, oracle, built, network)
        check_person(built, oracle, proxy_parts)
        transaction.set_rollback(True)
