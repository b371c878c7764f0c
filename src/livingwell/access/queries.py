"""Read-side shaping of the audit trail: the person's access log, unusual access, access reports.

Everything here is built from AuditEvent rows, which never hold clinical content.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livingwell.access.models import AuditEvent
from livingwell.accounts.models import Role

# What was looked at or changed, in words a person would use.
CATEGORY_WORDS = {
    "record": gettext_lazy("the record"),
    "plan": gettext_lazy("the support plan"),
    "contact": gettext_lazy("the contacts"),
    "conversation": gettext_lazy("the first conversation"),
    "allocation": gettext_lazy("who the key worker is"),
    "tier": gettext_lazy("the level of support"),
    "handover": gettext_lazy("a handover to another service"),
    "closure": gettext_lazy("the closing of support"),
    "return": gettext_lazy("a return to support"),
    "sharing": gettext_lazy("the sharing choices"),
    "access_log": gettext_lazy("who has looked at the record"),
    "access_review": gettext_lazy("a review of access to the record"),
    "outcomes": gettext_lazy("the outcome measures"),
    "introduction": gettext_lazy("the introduction"),
    "about_me": gettext_lazy("what matters to the person and their crisis plan"),
    "support": gettext_lazy("the support and contacts"),
    "measures": gettext_lazy("the outcome measures"),
    "proxies": gettext_lazy("who the person trusts to see their record"),
    "download": gettext_lazy("a copy of everything held"),
    "feedback": gettext_lazy("feedback"),
    "withholding": gettext_lazy("an entry not for the person's view"),
    "portal": gettext_lazy("the person's portal"),
}

# Who acted, when it was the person or their proxy in the portal (audit.record names them so).
PORTAL_WHO = {
    "person": gettext_lazy("The person, in their portal,"),
    "proxy": gettext_lazy("someone the person trusts, in the person's portal"),
}

ACTION_WORDS = {
    "read": gettext_lazy("looked at"),
    "break_glass.start": gettext_lazy(
        "opened the record in an emergency without being in the care team"
    ),
    "sharing.set": gettext_lazy("recorded a change to"),
    "sharing.override": gettext_lazy("set aside a sharing objection to see"),
    "break_glass.review": gettext_lazy("reviewed emergency access to the record"),
    "sharing.review": gettext_lazy("reviewed a sharing override"),
    "introduction.create": gettext_lazy("made an introduction to the network"),
    "access_report.view": gettext_lazy("looked at"),
    "access_report.export": gettext_lazy("downloaded"),
    "insight.drilldown": gettext_lazy("looked at"),
    "find": gettext_lazy("searched for"),
    "portal.code_sent": gettext_lazy("asked for a sign-in code to"),
    "portal.sign_in": gettext_lazy("signed in to"),
    "proxy.grant": gettext_lazy("gave someone they trust access to"),
    "proxy.revoke": gettext_lazy("ended someone's access to"),
    "withholding.mark": gettext_lazy("marked an entry not for the person's view in"),
}

PURPOSE_WORDS = {
    "direct_care": gettext_lazy("for direct care"),
    "break_glass": gettext_lazy("in an emergency (break-glass access)"),
    "safeguarding": gettext_lazy("for a safeguarding reason"),
    "privacy_review": gettext_lazy("to check that access was appropriate"),
}

# Actions whose words already say why, so the purpose is not said again.
PURPOSE_IN_WORDS = {"break_glass.start"}

# Actions whose words already say what they were about.
SELF_CONTAINED = {
    "break_glass.start",
    "break_glass.review",
    "sharing.review",
    "introduction.create",
}


@dataclass(frozen=True)
class LogRow:
    when: datetime
    who: str
    organisation: str
    role: str
    what: str
    why: str
    allowed: bool
    emergency: bool
    sentence: str


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label).lower()
    except ValueError:
        return role.replace("_", " ")


def _when(at: datetime) -> str:
    local = timezone.localtime(at)
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(local, "j F Y"),
        "time": formats.time_format(local, "H:i"),
    }


def describe(event: AuditEvent) -> LogRow:
    """One audit event as a plain-language row, with no clinical content."""
    who = event.actor_name or _("Someone using the public website")
    role = _role_label(event.acting_role) if event.acting_role else ""
    if event.acting_role == "person":
        who, role = str(PORTAL_WHO["person"]), ""
    elif event.acting_role == "proxy":
        role = str(PORTAL_WHO["proxy"])
    org = event.organisation_name
    context = ", ".join(x for x in (org, role) if x)
    thing = CATEGORY_WORDS.get(event.category, gettext_lazy("the record"))
    if event.outcome == AuditEvent.Outcome.REFUSED:
        what = _("tried to open %(thing)s and was not allowed") % {"thing": thing}
    elif event.action in SELF_CONTAINED:
        what = str(ACTION_WORDS[event.action])
    elif event.action in ACTION_WORDS:
        what = f"{ACTION_WORDS[event.action]} {thing}"
    else:
        what = _("updated %(thing)s") % {"thing": thing}
    staff = bool(event.actor_name) and event.acting_role not in PORTAL_WHO
    allowed = event.outcome == AuditEvent.Outcome.ALLOWED
    says_why = allowed and staff and event.action not in PURPOSE_IN_WORDS
    why = str(PURPOSE_WORDS.get(event.purpose, "")) if says_why else ""
    sentence = " ".join(
        x
        for x in (
            f"{who} ({context})" if context else who,
            what,
            why,
            _("on %(when)s") % {"when": _when(event.at)},
        )
        if x
    )
    return LogRow(
        when=event.at,
        who=who,
        organisation=org,
        role=role,
        what=what,
        why=why,
        allowed=event.outcome == AuditEvent.Outcome.ALLOWED,
        emergency=event.purpose == "break_glass",
        sentence=sentence,
    )


def access_log_for(person, *, limit: int = 500) -> list[LogRow]:
    """Who has looked at or changed this person's record, newest first, in plain language.

    Ready for the person's own portal: it names staff, organisations, roles, times and purposes,
    never what was written.
    """
    person_id = getattr(person, "pk", person)
    events = AuditEvent.objects.filter(person_id=person_id).order_by("-at", "-id")[:limit]
    return [describe(e) for e in events]


# --- the privacy officer's checks ------------------------------------------------------------


@dataclass(frozen=True)
class UnusualAccess:
    actor_id: object
    actor_name: str
    organisation: str
    day: object  # a date in Europe/London
    people: int


def unusual_access(*, threshold: int, days: int = 7, now=None) -> list[UnusualAccess]:
    """Workers who opened more than `threshold` different people's records outside their
    caseload on one day (London time), over the last `days` days, busiest first.

    A read is outside the caseload unless its audit detail says otherwise (see helpers.py), so
    reads recorded without that detail count as outside.
    """
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    start -= timedelta(days=days - 1)
    rows = (
        AuditEvent.objects.filter(
            action="read",
            outcome=AuditEvent.Outcome.ALLOWED,
            at__gte=start,
            actor__isnull=False,
            person_id__isnull=False,
        )
        .exclude(detail__caseload=True)
        .values_list("actor_id", "actor_name", "organisation_name", "person_id", "at")
    )
    people: dict = defaultdict(set)
    names: dict = {}
    for actor_id, name, org, person_id, at in rows.iterator():
        key = (actor_id, timezone.localtime(at).date())
        people[key].add(person_id)
        names[actor_id] = (name, org)
    flagged = [
        UnusualAccess(actor_id, names[actor_id][0], names[actor_id][1], day, len(ids))
        for (actor_id, day), ids in people.items()
        if len(ids) > threshold
    ]
    return sorted(flagged, key=lambda u: (-u.people, str(u.day)))


REPORT_COLUMNS = [
    "when_utc",
    "worker",
    "role",
    "organisation",
    "person_id",
    "action",
    "category",
    "purpose",
    "outcome",
    "severity",
]


def report_events(*, person_id=None, actor_id=None, limit: int = 5000):
    events = AuditEvent.objects.all()
    if person_id is not None:
        events = events.filter(person_id=person_id)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    return list(events.order_by("-at", "-id")[:limit])


def report_row(event: AuditEvent) -> list[str]:
    return [
        event.at.astimezone(UTC).isoformat(timespec="seconds"),
        event.actor_name,
        event.acting_role,
        event.organisation_name,
        str(event.person_id or ""),
        event.action,
        event.category,
        event.purpose,
        event.outcome,
        event.severity,
    ]
