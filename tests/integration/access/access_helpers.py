"""A record shared across the network, with an entry from each organisation and one restricted
entry, for the access tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tests import factories

from livingwell.hub import actions as hub
from livingwell.hub.models import Tier

# Text that appears on the record page only when the entry is shown.
CONV = "Marker: conversation recorded by the trust"
KWC = "Marker: contact recorded by the trust"
PLAN = "Marker: plan goal written by the trust"
VCS = "Marker: contact recorded by Riverside Mind"
RESTR = "Marker: restricted to the community team"
ALL_MARKERS = {
    "CONV": CONV,
    "KWC": KWC,
    "PLAN": PLAN,
    "VCS": VCS,
    "RESTR": RESTR,
}


@dataclass
class SharedRecord:
    personas: object
    intro: object
    handover: object

    @property
    def person(self):
        return self.intro.person


def build_shared_record(personas) -> SharedRecord:
    """Hub conversation (trust) → key worker in the community team (trust) → plan and contacts
    (one restricted) → handover accepted by Riverside Mind, who record a contact."""
    p = personas
    intro = factories.introduction(
        person=factories.person_details(given_name="Robin", family_name="Quayle")
    )
    hub.record_first_conversation(
        by=p.hub_worker,
        introduction=intro,
        tier=Tier.objects.filter(is_active=True).first(),
        fields={
            "mode": "phone",
            "whats_happening": "Low mood.",
            "what_matters": CONV,
            "next_step": "Call next week.",
        },
    )
    hub.allocate_key_worker(
        by=p.hub_worker, introduction=intro, key_worker=p.key_worker, team=p.community_team
    )
    hub.save_plan(
        by=p.key_worker,
        introduction=intro,
        goals=[PLAN],
        actions=[],
        review_date=date.today() + timedelta(days=60),
    )
    hub.record_contact(
        by=p.key_worker, introduction=intro, outcome="attended", mode="phone", note=KWC
    )
    hub.record_contact(
        by=p.key_worker,
        introduction=intro,
        outcome="attended",
        mode="phone",
        note=RESTR,
        restricted=True,
    )
    handover = hub.offer_handover(
        by=p.hub_worker,
        introduction=intro,
        to_organisation=p.vcs,
        what_is_asked="Peer group on Tuesdays.",
    )
    hub.respond_to_handover(by=p.partner_worker, handover=handover, accept=True)
    hub.record_contact(
        by=p.partner_worker, introduction=intro, outcome="attended", mode="phone", note=VCS
    )
    intro.refresh_from_db()
    return SharedRecord(personas=p, intro=intro, handover=handover)
