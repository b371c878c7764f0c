"""Every change to story collections, stories, their consent ledger and selection panels.

Keyword-only, ``by`` the acting user (None: the teller through their link, or the site's own
seed), one transaction each, an audit event in it. Bad input raises :class:`StoryError` naming
the field at fault; nothing is half stored. Audit details never carry a story's words.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from livingwell.access import audit
from livingwell.core import messaging
from livingwell.core.models import SiteConfig
from livingwell.core.refusals import Refused, checked_text
from livingwell.intake.actions import is_urgent, submit_introduction
from livingwell.intake.models import Introduction, Route
from livingwell.outcomes.actions import hash_token
from livingwell.stories import check, consent, geometry
from livingwell.stories.models import (
    Answer,
    Audience,
    Channel,
    Collection,
    ConsentEntry,
    Domain,
    Feedback,
    Identity,
    Panel,
    Selection,
    Signifier,
    Source,
    Story,
    TellerLink,
)

CATEGORY = "story"
MAX_LINK_DAYS = 28
MAX_TEXT = 5000
# The audience each panel reads its candidates under (the board reads board reports).
PANEL_AUDIENCE = {
    Panel.Level.COLLABORATIVE: Audience.NETWORK_LEARNING,
    Panel.Level.HUB_TEAM: Audience.NETWORK_LEARNING,
    Panel.Level.BOARD: Audience.BOARD_REPORTS,
}


class StoryError(Refused):
    """A change that cannot be made; ``field`` names the input at fault (None: the whole form)."""


class LinkError(StoryError):
    """A teller's link that cannot be used (unknown, used or expired)."""


_text = partial(checked_text, limit=MAX_TEXT, refusal=StoryError)


def _log(by, verb: str, story: Story, *, obj=None, purpose="direct_care", **detail) -> None:
    """A change to a story in the audit trail: who, about which person, never the story's words."""
    audit.record(
        by=by,
        action=f"story.{verb}",
        person_id=story.person_id,
        category=CATEGORY,
        purpose=purpose,
        obj=obj or story,
        detail=detail,
    )


def _told_by(by) -> str:
    """The purpose of a change the teller makes through their own link (no ``by``) or a worker
    makes with them."""
    return "self_completed" if by is None else "direct_care"


# --- collections --------------------------------------------------------------------------


@transaction.atomic
def create_collection(
    *,
    by,
    title: str,
    prompt: str,
    period_start: date,
    period_end: date,
    domains: list[str],
    signifiers: list[dict],
    at=None,
) -> Collection:
    """A collection with its domains and signifiers ({"kind", "question", "labels"})."""
    at = at or timezone.now()
    title = _text(title, "title", _("Enter a title"))
    prompt = _text(prompt, "prompt", _("Enter the prompting question"))
    if period_end < period_start:
        raise StoryError(_("The period must end on or after the day it starts."), "period_end")
    domains = [d.strip() for d in domains if d and d.strip()]
    if not domains:
        raise StoryError(_("Name at least one domain of change."), "domains")
    sizes = {
        Signifier.Kind.TRIAD: (3, 3),
        Signifier.Kind.DYAD: (2, 2),
        Signifier.Kind.CHOICE: (2, 12),
    }
    for n, sig in enumerate(signifiers, start=1):
        low, high = sizes.get(sig.get("kind"), (0, -1))
        labels = [str(label).strip() for label in sig.get("labels", [])]
        if not low <= len(labels) <= high or not all(labels) or not sig.get("question"):
            raise StoryError(
                _(
                    "Signifier %(n)s: a triad has three anchors, a dyad two poles, a multiple "
                    "choice two to twelve options, each with a label, and a question."
                )
                % {"n": n},
                "signifiers",
            )
    collection = Collection.objects.create(
        title=title,
        prompt=prompt,
        period_start=period_start,
        period_end=period_end,
        created_by=by,
        created_at=at,
    )
    Domain.objects.bulk_create(
        Domain(collection=collection, label=label, order=i) for i, label in enumerate(domains)
    )
    Signifier.objects.bulk_create(
        Signifier(
            collection=collection,
            kind=sig["kind"],
            question=sig["question"].strip(),
            labels=[str(label).strip() for label in sig["labels"]],
            order=i,
        )
        for i, sig in enumerate(signifiers)
    )
    for level in Panel.Level:
        Panel.objects.create(collection=collection, name=str(level.label), level=level)
    audit.record(by=by, action="story.collection.create", category=CATEGORY, obj=collection)
    return collection


# --- answers --------------------------------------------------------------------------------


def clean_answers(collection: Collection, raw: dict) -> dict[int, dict]:
    """The answers for each signifier of ``collection`` from form values, checked.

    ``raw[signifier.pk]`` is {"na": bool, "values": [..]} (triad: three numbers from 0 to 100
    summing to 100; dyad: one number from 0 to 100) or {"na": bool, "choice": option}.
    An unanswered signifier counts as "does not apply". Raises StoryError naming the signifier.
    """
    cleaned: dict[int, dict] = {}
    for sig in collection.signifiers.all():
        given = raw.get(sig.pk) or {}
        field = f"sig_{sig.pk}"
        if given.get("na"):
            cleaned[sig.pk] = {"not_applicable": True}
            continue
        if sig.kind == Signifier.Kind.CHOICE:
            choice = given.get("choice") or ""
            if not choice:
                cleaned[sig.pk] = {"not_applicable": True}
            elif choice not in sig.labels:
                raise StoryError(_("Choose one of the options, or “does not apply”."), field)
            else:
                cleaned[sig.pk] = {"choice": choice}
            continue
        values = given.get("values") or []
        if all(v in (None, "") for v in values):
            cleaned[sig.pk] = {"not_applicable": True}
            continue
        try:
            numbers = [float(v) for v in values]
        except (TypeError, ValueError):
            raise StoryError(_("Use whole numbers from 0 to 100."), field) from None
        if any(not 0 <= n <= 100 for n in numbers):
            raise StoryError(_("Each number must be from 0 to 100."), field)
        if sig.kind == Signifier.Kind.DYAD:
            if len(numbers) != 1:
                raise StoryError(_("Give one number from 0 to 100."), field)
            cleaned[sig.pk] = {"first": numbers[0] / 100}
            continue
        if len(numbers) != 3:
            raise StoryError(_("Give a number for each of the three."), field)
        if abs(sum(numbers) - 100) > 0.5:
            raise StoryError(
                _("The three numbers must add up to 100 (they add up to %(total)s).")
                % {"total": f"{sum(numbers):g}"},
                field,
            )
        try:
            first, second, third = geometry.closed(*numbers)
        except geometry.GeometryError:
            raise StoryError(_("The three numbers must add up to 100."), field) from None
        cleaned[sig.pk] = {"first": first, "second": second, "third": third}
    return cleaned


# --- stories --------------------------------------------------------------------------------


def _risk_introduction(*, by, story: Story, risk_now: str, introduction, route: str, at):
    """A story that says someone is at risk goes to the Hub as urgent, through the front
    door's own action: the same introduction, the same urgency rule, the same board."""
    details = {
        "whats_happening": _("Told in a story: %(what)s\n\nWhy it matters: %(why)s")
        % {"what": story.what_happened, "why": story.why_it_matters},
        "risk_now": risk_now,
    }
    intro, _created = submit_introduction(
        by=by,
        submission_key=f"story-{story.pk.hex}",
        route=route,
        existing_person=introduction.person if introduction is not None else None,
        details=details,
        at=at,
    )
    return intro


@transaction.atomic
def record_story(
    *,
    by,
    collection: Collection,
    domain_id,
    what_happened: str,
    why_it_matters: str,
    source: str,
    channel: str,
    answers: dict,
    consents: dict[str, dict],
    risk_now: str,
    told_on: date | None = None,
    introduction: Introduction | None = None,
    title: str = "",
    names_third_parties: bool = False,
    at=None,
) -> Story:
    """Store a story with its answers and first consent, all or nothing.

    ``answers`` as ``clean_answers`` takes them; ``consents`` maps an audience to
    {"permitted": bool, "identity": "named"|"anonymous", "review_on": date|None}; an audience
    left out is not permitted. ``risk_now`` is the front door's question: anything but "no"
    makes an urgent introduction for the Hub (``is_urgent``).
    """
    at = at or timezone.now()
    domain = collection.domains.filter(pk=domain_id).first() if domain_id else None
    if domain is None:
        raise StoryError(_("Choose the kind of change this story is about."), "domain")
    what = _text(what_happened, "what_happened", _("Enter what happened"))
    why = _text(why_it_matters, "why_it_matters", _("Enter why it matters"))
    if source not in Source.values:
        raise StoryError(_("Choose who is telling the story."), "source")
    if channel not in Channel.values:
        raise StoryError(_("Choose how the story was collected."), "channel")
    cleaned = clean_answers(collection, answers)
    urgent = is_urgent({"risk_now": risk_now})
    if urgent and introduction is None:
        raise StoryError(
            _(
                "Someone may be at risk: find the person's record to link this story to, or "
                "make an urgent introduction for them now, so that the Hub sees it today."
            ),
            "risk_now",
        )
    story = Story(
        collection=collection,
        domain=domain,
        title=_text(title, "title", "", required=False)[:150],
        what_happened=what,
        why_it_matters=why,
        source=source,
        channel=channel,
        told_on=told_on or timezone.localdate(at),
        recorded_at=at,
        collected_by=by if getattr(by, "is_authenticated", False) else None,
        person=introduction.person if introduction is not None else None,
        team=introduction.current_team if introduction is not None else None,
        tier=introduction.current_tier if introduction is not None else None,
        risk_disclosed=urgent,
        names_third_parties=names_third_parties,
    )
    story.save(force_insert=True)
    Answer.objects.bulk_create(Answer(story=story, signifier_id=k, **v) for k, v in cleaned.items())
    for audience in Audience.values:
        choice = consents.get(audience) or {}
        _append_consent(
            by=by,
            story=story,
            audience=audience,
            permitted=bool(choice.get("permitted")),
            identity=choice.get("identity") or Identity.ANONYMOUS,
            given_on=story.told_on,
            review_on=choice.get("review_on"),
            at=at,
        )
    if urgent:
        route = Route.SELF if source == Source.PERSON else Route.PROFESSIONAL
        story.urgent_introduction = _risk_introduction(
            by=by, story=story, risk_now=risk_now, introduction=introduction, route=route, at=at
        )
        story.save(update_fields=["urgent_introduction"])
    _log(by, "record", story, purpose=_told_by(by), source=source, channel=channel, urgent=urgent)
    return story


# --- consent --------------------------------------------------------------------------------


def _append_consent(*, by, story, audience, permitted, identity, given_on, review_on, at):
    if audience not in Audience.values:
        raise StoryError(_("Choose who the story may be shared with."), "audience")
    if identity not in Identity.values:
        raise StoryError(_("Choose named or anonymous."), "identity")
    if review_on is not None and review_on < given_on:
        raise StoryError(_("The review date must be on or after the date given."), "review_on")
    return ConsentEntry.objects.create(
        story=story,
        audience=audience,
        kind=ConsentEntry.Kind.GIVEN,
        permitted=permitted,
        identity=identity,
        given_on=given_on,
        review_on=review_on,
        recorded_at=at,
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )


@transaction.atomic
def record_consent(
    *,
    by,
    story: Story,
    audience: str,
    permitted: bool,
    identity: str,
    given_on: date,
    review_on: date | None,
    at=None,
) -> ConsentEntry:
    """A new line in the ledger for one audience: from now on it is the consent in force."""
    at = at or timezone.now()
    entry = _append_consent(
        by=by,
        story=story,
        audience=audience,
        permitted=permitted,
        identity=identity,
        given_on=given_on,
        review_on=review_on,
        at=at,
    )
    _log(by, "consent.record", story, audience=audience, permitted=permitted, identity=identity)
    return entry


@transaction.atomic
def withdraw_consent(*, by, story: Story, audiences: list[str] | None = None, at=None) -> int:
    """Withdraw consent for ``audiences`` (all of them when None), at once: a withdrawal line
    for each, read by every rendering after it. Returns how many lines were added."""
    at = at or timezone.now()
    audiences = list(audiences or Audience.values)
    for audience in audiences:
        if audience not in Audience.values:
            raise StoryError(_("Choose who the story may be shared with."), "audience")
    ConsentEntry.objects.bulk_create(
        ConsentEntry(
            story=story,
            audience=audience,
            kind=ConsentEntry.Kind.WITHDRAWN,
            permitted=False,
            given_on=timezone.localdate(at),
            recorded_at=at,
            recorded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        for audience in audiences
    )
    _log(by, "consent.withdraw", story, purpose=_told_by(by), audiences=audiences)
    return len(audiences)


# --- public text and its second-person check --------------------------------------------------


@transaction.atomic
def write_public_text(*, by, story: Story, text: str, at=None) -> Story:
    """The anonymised text the public may read; a change needs a new check."""
    text = _text(text, "public_text", _("Enter the text the public may read"))
    story.public_text = text
    story.public_text_by = by
    story.public_text_checked_by = None
    story.public_text_checked_at = None
    story.save(
        update_fields=[
            "public_text",
            "public_text_by",
            "public_text_checked_by",
            "public_text_checked_at",
        ]
    )
    found = check.findings(text, _introduction_for(story))
    _log(by, "public_text.write", story, warnings=sorted({f.kind for f in found}))
    return story


def _introduction_for(story: Story):
    if story.person_id is None:
        return None
    return Introduction.objects.filter(person_id=story.person_id).order_by("-received_at").first()


def public_text_findings(story: Story):
    return check.findings(story.public_text, _introduction_for(story))


@transaction.atomic
def approve_public_text(*, by, story: Story, warnings_read: bool, at=None) -> Story:
    """The second person's check: someone other than the writer, who has read the warnings."""
    at = at or timezone.now()
    if not story.public_text:
        raise StoryError(_("There is no public text to check yet."), "public_text")
    if story.public_text_by_id == getattr(by, "pk", None):
        raise StoryError(
            _("Someone other than the person who wrote the public text must check it."), None
        )
    found = public_text_findings(story)
    if found and not warnings_read:
        raise StoryError(
            _("Read each warning and confirm the text identifies no one before publishing."),
            "warnings_read",
        )
    story.public_text_checked_by = by
    story.public_text_checked_at = at
    story.save(update_fields=["public_text_checked_by", "public_text_checked_at"])
    _log(by, "public_text.check", story, warnings=sorted({f.kind for f in found}))
    return story


# --- the teller's link ------------------------------------------------------------------------


def link_url(raw_token: str) -> str:
    return messaging.public_url(reverse("stories:tell", args=[raw_token]))


@transaction.atomic
def create_teller_link(
    *, by, introduction: Introduction, collection: Collection, valid_for=timedelta(days=7), at=None
) -> tuple[TellerLink, str]:
    """A single-use link for the person to tell their story; only a hash of it is stored. The
    message names no one. If sending fails, the link is not kept."""
    at = at or timezone.now()
    if not timedelta(hours=1) <= valid_for <= timedelta(days=MAX_LINK_DAYS):
        raise StoryError(_("A link can be valid for between 1 hour and 28 days."), "valid_for")
    person = introduction.person
    to = person.phone or person.email
    if not to:
        raise StoryError(
            _(
                "There is no phone number or email address for this person, so a link cannot "
                "be sent."
            ),
            None,
        )
    raw = secrets.token_urlsafe(32)
    link = TellerLink.objects.create(
        token_hash=hash_token(raw),
        collection=collection,
        introduction=introduction,
        created_at=at,
        created_by=by,
        expires_at=at + valid_for,
    )
    site = SiteConfig.current().name
    body = _(
        "%(site)s would like to hear what has changed for you. Open this link to tell us in your "
        "own words: %(url)s . It works once. If you were not expecting this, you can ignore it."
    ) % {"site": site, "url": link_url(raw)}
    try:
        messaging.send(to, _("%(site)s: tell us what changed") % {"site": site}, body)
    except messaging.MessageError as exc:
        raise StoryError(_("The link could not be sent. Please try again later."), None) from exc
    audit.record(
        by=by,
        action="story.link.create",
        person_id=person.pk,
        category=CATEGORY,
        obj=link,
    )
    return link, raw


_LINK_MESSAGES = {
    "unknown": _l(
        "This link is not valid. Please check it, or ask the person who sent it for a new one."
    ),
    "expired": _l("This link has expired. Please ask the person who sent it for a new one."),
    "used": _l("This link has already been used to tell a story. Thank you."),
}


def open_link(raw_token: str, *, for_update: bool = False) -> TellerLink:
    """The link for ``raw_token`` while it may be used: to tell the story (once), and after
    that to change or withdraw its consent (until it expires)."""
    if not isinstance(raw_token, str) or not 20 <= len(raw_token) <= 100:
        raise LinkError(str(_LINK_MESSAGES["unknown"]), "token")
    queryset = TellerLink.objects.select_related("introduction__person", "collection", "story")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    link = queryset.filter(token_hash=hash_token(raw_token)).first()
    if link is None:
        raise LinkError(str(_LINK_MESSAGES["unknown"]), "token")
    if timezone.now() >= link.expires_at:
        raise LinkError(str(_LINK_MESSAGES["expired"]), "token")
    return link


def tell_via_link(*, token: str, at=None, **story) -> Story:
    """The person's own story through their link: stored once, then the link is spent."""
    try:
        return _tell_via_link(token=token, at=at, **story)
    except IntegrityError as exc:
        raise LinkError(
            _("This link has already been used to tell a story. Thank you."), None
        ) from exc


@transaction.atomic
def _tell_via_link(*, token: str, at=None, **fields) -> Story:
    at = at or timezone.now()
    link = open_link(token, for_update=True)
    if link.used_at is not None:
        raise LinkError(str(_LINK_MESSAGES["used"]), None)
    story = record_story(
        by=None,
        collection=link.collection,
        source=Source.PERSON,
        channel=Channel.LINK,
        introduction=link.introduction,
        at=at,
        **fields,
    )
    spent = TellerLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
        used_at=at, story=story
    )
    if spent != 1:
        raise IntegrityError("link already used")
    return story


# --- Most Significant Change selection ----------------------------------------------------------

# Reasons "in full sentences": at least one sentence of several words that ends as one does.
_SENTENCE = re.compile(r"\b\w+\b(?:\W+\b\w+\b){3,}[^.!?]*[.!?]")


def candidates(panel: Panel, domain: Domain, today: date | None = None):
    """The stories a panel may choose from in a domain: the first panel reads every story of
    the domain with consent for its audience; a later one, those chosen by the panel below."""
    stories = Story.objects.filter(collection_id=panel.collection_id, domain=domain)
    if panel.level > Panel.Level.COLLABORATIVE:
        below = (
            Panel.objects.filter(collection_id=panel.collection_id, level__lt=panel.level)
            .order_by("-level")
            .first()
        )
        stories = stories.filter(selections__panel=below)
    return consent.allowed(stories, PANEL_AUDIENCE[panel.level], today)


@transaction.atomic
def select_story(
    *,
    by,
    panel: Panel,
    domain: Domain,
    story: Story,
    reasons: str,
    attendance: dict[str, int],
    met_on: date,
    at=None,
) -> Selection:
    at = at or timezone.now()
    reasons = _text(reasons, "reasons", _("Enter the panel's reasons for choosing this story"))
    if not _SENTENCE.search(reasons):
        raise StoryError(
            _("Write the reasons in full sentences, as the panel said them."), "reasons"
        )
    attendance = {str(k).strip(): int(v) for k, v in attendance.items() if str(k).strip() and v}
    if not attendance or any(v < 0 for v in attendance.values()):
        raise StoryError(_("Say who was in the room, by role."), "attendance")
    if domain.collection_id != panel.collection_id:
        raise StoryError(_("Choose a domain of this collection."), "domain")
    if not candidates(panel, domain).filter(pk=story.pk).exists():
        raise StoryError(_("This story cannot be chosen by this panel."), "story")
    if Selection.objects.filter(panel=panel, domain=domain).exists():
        raise StoryError(_("This panel has already chosen a story for this domain."), "domain")
    selection = Selection.objects.create(
        panel=panel,
        domain=domain,
        story=story,
        met_on=met_on,
        reasons=reasons,
        attendance=attendance,
        recorded_by=by,
        recorded_at=at,
    )
    _log(by, "select", story, obj=selection, level=panel.level)
    return selection


@transaction.atomic
def record_feedback(*, by, selection: Selection, told: str, told_on: date, how: str, at=None):
    at = at or timezone.now()
    if told not in Feedback.Told.values:
        raise StoryError(_("Choose who was told."), "told")
    how = _text(how, "how", _("Enter how they were told"))[:200]
    feedback = Feedback.objects.create(
        selection=selection,
        told=told,
        told_on=told_on,
        how=how,
        recorded_by=by,
        recorded_at=at,
    )
    _log(by, "feedback", selection.story, obj=selection, told=told)
    return feedback
