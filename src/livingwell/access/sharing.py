"""Sharing the person controls: which organisations' entries a user may see in a record.

A legitimate relationship (relationships.py) decides whether a user may open a record at all.
Sharing then decides which *entries* inside it they see:

- Every organisation always sees what its own people recorded.
- An objection to **sharing out** for organisation A hides A's entries from everyone outside A.
- A refusal of **sharing in** for organisation B hides from B's users everything that other
  organisations recorded.
- A current **safeguarding override** (a worker's typed reason, time-limited, reviewed) sets both
  aside for that worker and that person.
- Entries **restricted** to their authoring team are seen by that team (and their author) only,
  whatever the relationship, sharing choice, override or break-glass: others cannot tell they exist.

No row for an organisation means the network default: shares out and in, for direct care.

**Who records the person's choices.** The choices are the person's. A worker records them on the
person's behalf, and only a worker with a *lasting relationship of their own* with the person
(relationships.LASTING: the Hub while it holds the person's door open, the key worker, the key
worker's team; permissions.PERMISSION_BASES[RECORD_SHARING]). Not a worker under break-glass,
nor one whose organisation has an offer waiting, nor a partner whose accepted handover will end,
nor an organisation the person chose to share with: "open the record" gives every worker of an
organisation a relationship that does not expire, so a passing or borrowed relationship must not
be able to create one (security issue "Close the holes", item 1; ADR 0006).

**A choice that widens access** (opens the record to an organisation, or withdraws an objection
to sharing out or in: `widens_access`) is kept as the person's decision: the row says how the
person told the worker (`expressed`) and who recorded it (`set_by`), and the sharing page shows
it in those words. An objection, which only narrows, is honoured at once. When the person portal
exists, a widening choice recorded by a worker will wait for the person to confirm it there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from livingwell.access.memberships import Standing, standing_of

# How long a safeguarding override lasts. (A site setting would be better: see ADR 0006.)
OVERRIDE_DURATION = timedelta(hours=24)


def current_preferences(person_id, organisation_ids=None) -> dict:
    """The current choice per organisation for a person: {organisation_id: SharingPreference}."""
    from livingwell.access.models import SharingPreference

    rows = SharingPreference.objects.filter(person_id=person_id)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    current: dict = {}
    for pref in rows.order_by("-id"):
        current.setdefault(pref.organisation_id, pref)
    return current


def widens_access(before: tuple[bool, bool, bool], after: tuple[bool, bool, bool]) -> bool:
    """Whether a choice (share_out, share_in, open_record) lets anyone see more than `before`."""
    return any(now and not then for then, now in zip(before, after, strict=True))


def active_override(user, person_id, now=None):
    from livingwell.access.models import SafeguardingOverride

    if not getattr(user, "is_authenticated", False):
        return None
    return (
        SafeguardingOverride.objects.filter(
            user=user, person_id=person_id, expires_at__gt=now or timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


@dataclass(frozen=True)
class SharingView:
    """What one user may see of one person's entries, by authoring organisation."""

    own_orgs: frozenset
    own_teams: frozenset
    authors: frozenset  # whose own entries are always shown: the user (an organisation's members)
    share_in_refused: bool = False
    blocked_out: frozenset = frozenset()  # other organisations the person objects to sharing out
    override: object = None  # a current SafeguardingOverride, when there is one

    @property
    def limited(self) -> bool:
        """True when the person's choices hide other organisations' entries from this user."""
        return self.override is None and (self.share_in_refused or bool(self.blocked_out))

    @property
    def objection_set(self) -> bool:
        """True when an objection applies to this user, whether or not it is overridden."""
        return self.share_in_refused or bool(self.blocked_out)

    def allows_organisation(self, organisation_id) -> bool:
        if organisation_id in self.own_orgs or self.override is not None:
            return True
        if self.share_in_refused:
            return False
        return organisation_id not in self.blocked_out

    def organisation_q(self, field: str) -> Q:
        """A Q on `field` (an organisation id) for entries authored by organisations allowed."""
        if self.override is not None:
            return Q()
        if self.share_in_refused:
            return Q(**{f"{field}__in": self.own_orgs})
        if self.blocked_out:
            return ~Q(**{f"{field}__in": self.blocked_out})
        return Q()

    def restricted_q(self, *, author_field: str = "by") -> Q:
        """Entries restricted to their team: only that team and the author see them."""
        return (
            Q(restricted=False)
            | Q(team_id__in=self.own_teams)
            | Q(**{f"{author_field}_id__in": self.authors})
        )


def sharing_view(user, person, now=None, *, has_choices: bool | None = None) -> SharingView:
    """`has_choices`: False when the caller already knows the person has no sharing choices on
    record (the network default applies), which saves reading them; None reads them."""
    return standing_sharing_view(standing_of(user), person, now, has_choices=has_choices)


def standing_sharing_view(
    standing: Standing, person, now=None, *, has_choices: bool | None = None
) -> SharingView:
    """What whoever `standing` stands for (a worker, or an organisation as a whole) may see of
    `person`'s entries: the one copy of the rules above. Only a worker can hold a safeguarding
    override; an organisation's standing never does."""
    person_id = getattr(person, "pk", person)
    own_orgs = standing.organisation_ids
    prefs = current_preferences(person_id) if has_choices is not False else {}
    share_in_refused = any(
        not pref.share_in for org_id, pref in prefs.items() if org_id in own_orgs
    )
    blocked_out = frozenset(
        org_id for org_id, pref in prefs.items() if not pref.share_out and org_id not in own_orgs
    )
    override = (
        active_override(standing.user, person_id, now)
        if (share_in_refused or blocked_out) and standing.user is not None
        else None
    )
    return SharingView(
        own_orgs=own_orgs,
        own_teams=standing.team_ids,
        authors=standing.member_ids,
        share_in_refused=share_in_refused,
        blocked_out=blocked_out,
        override=override,
    )


def visible_authoring_filter(user, person, *, view: SharingView | None = None) -> Q:
    """A Q over Contact rows: the entries this user may see (sharing choices and restriction)."""
    view = view or sharing_view(user, person)
    return view.organisation_q("organisation_id") & view.restricted_q()


def visible_conversation_filter(user, person, *, view: SharingView | None = None) -> Q:
    view = view or sharing_view(user, person)
    return view.organisation_q("organisation_id")


def visible_plan_filter(user, person, *, view: SharingView | None = None) -> Q:
    """A Q over PlanVersion rows. A plan's organisation is its author's at the time they wrote it.

    (PlanVersion has no organisation column; the author's membership at `created_at` stands in.)
    """
    from livingwell.accounts.models import Membership

    view = view or sharing_view(user, person)
    if view.override is not None:
        return Q()

    def authored_by(orgs) -> Exists:
        return Exists(
            Membership.objects.filter(
                user_id=OuterRef("created_by_id"),
                organisation_id__in=orgs,
                started_at__lte=OuterRef("created_at"),
            ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=OuterRef("created_at")))
        )

    if view.share_in_refused:
        return Q(authored_by(view.own_orgs)) | Q(created_by_id__in=view.authors)
    if view.blocked_out:
        return ~Q(authored_by(view.blocked_out)) | Q(authored_by(view.own_orgs))
    return Q()


def withheld_ids(person_id, entry: str) -> set:
    """Ids of this person's entries of kind `entry` marked "not for the person's view"."""
    from livingwell.access.models import Withholding

    return set(
        Withholding.objects.filter(person_id=person_id, entry=entry).values_list(
            "entry_id", flat=True
        )
    )


def person_visible_contact_q(person_id) -> Q:
    """A Q over Contact rows: what the person (or their proxy) sees in their portal. Every
    organisation's entries (the sharing choices are the person's own, about others), but never an
    entry restricted to its team, nor one a worker marked "not for the person's view"."""
    return Q(restricted=False) & ~Q(pk__in=withheld_ids(person_id, "contact"))


def person_withheld_count(person_id) -> int:
    """How many entries the person (or their proxy) is told were withheld from them: contacts
    marked "not for the person's view" that they would otherwise see. A contact restricted to
    its team is hidden from them whether or not it is withheld, and they must not be able to
    tell it exists, so it is not counted."""
    from livingwell.hub.models import Contact

    return Contact.objects.filter(
        introduction__person_id=person_id,
        restricted=False,
        pk__in=withheld_ids(person_id, "contact"),
    ).count()
