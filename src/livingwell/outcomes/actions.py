"""State changes for outcomes: recording measures, self-completion links, wording, framework.

Every function runs in one transaction and writes its audit event in it. Audit details carry the
measure code and how it was collected, never answers or scores.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.access import audit
from livingwell.access.permissions import Permission, has_permission
from livingwell.core import messaging, record_dates
from livingwell.core.models import SiteConfig
from livingwell.core.refusals import Refused
from livingwell.intake.models import Introduction
from livingwell.notifications import outbox
from livingwell.notifications.models import Message
from livingwell.outcomes import due
from livingwell.outcomes.definitions import MEASURES, get_definition
from livingwell.outcomes.errors import MeasureInputError
from livingwell.outcomes.framework import FrameworkError, clean_outcomes
from livingwell.outcomes.models import (
    ItemWording,
    MeasureResponse,
    Occasion,
    OutcomeFrameworkVersion,
    ResponseLink,
    Source,
)
from livingwell.outcomes.records import answer_errors, clean_answers, computed_fields

CATEGORY = "outcomes"
# Measures a person cannot complete alone through a link: GBO is rated against goals written in
# their own words, which a link page must not show (it carries no personal data).
NOT_BY_LINK = {"gbo"}
MAX_LINK_DAYS = 28


class OutcomesError(Refused):
    """A request about outcomes that cannot be carried out, with a message for the user."""


class ResponseInvalid(OutcomesError):
    """Answers that cannot be scored. ``errors`` maps linkId (or None) to a message."""

    def __init__(self, message: str, errors: dict[str | None, str]):
        super().__init__(message)
        self.errors = errors


class LinkError(OutcomesError):
    """A self-completion link that cannot be used. ``reason``: unknown, expired, used or
    withdrawn (a newer link for the same measure and occasion was sent)."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise OutcomesError(f"Unknown measure {measure!r}.")


def _today() -> date:
    return timezone.localdate()


def _valid_answers(measure: str, answers: Any) -> dict[str, int]:
    if not isinstance(answers, dict):
        raise ResponseInvalid("Answers are missing.", {None: "Answers are missing."})
    errors = answer_errors(measure, answers)
    if errors:
        first = next(iter(errors.values()))
        raise ResponseInvalid(first, errors)
    try:
        return clean_answers(measure, answers)
    except MeasureInputError as exc:  # answer_errors should have caught it; never store it
        raise ResponseInvalid(str(exc), {exc.item: str(exc)}) from exc


def plan_goals(introduction: Introduction, *, visible: Q | None = None) -> list[dict]:
    """The goals of the person's current plan ([{"key", "text"}]), in their own words.

    `visible` is the viewer's sharing filter (access.sharing.visible_plan_filter): a plan written
    by an organisation the person does not share with must not leak through the GBO form.
    """
    plans = introduction.plan_versions.all()
    if visible is not None:
        plans = plans.filter(visible)
    plan = plans.order_by("-version").first()
    return list(plan.goals) if plan else []


def _valid_goal_keys(
    measure: str, introduction: Introduction, answers: dict[str, int], goal_keys: Any
) -> dict[str, str]:
    if measure != "gbo":
        if goal_keys:
            raise OutcomesError("Goals can only be linked to a Goal-Based Outcomes response.")
        return {}
    goal_keys = dict(goal_keys or {})
    known = set()
    for plan in introduction.plan_versions.all():
        known.update(g.get("key") for g in plan.goals)
    errors: dict[str | None, str] = {}
    for link_id in answers:
        key = goal_keys.get(link_id)
        if not key:
            errors[link_id] = f"Goal {link_id}: choose which goal in the plan this rating is for."
        elif key not in known:
            errors[link_id] = f"Goal {link_id}: that goal is not in this person's plan."
    unrated = [k for k in goal_keys if k not in answers]
    for link_id in unrated:
        errors[link_id] = f"Goal {link_id}: give a rating or leave the goal out."
    keys = [goal_keys[k] for k in answers if goal_keys.get(k)]
    if len(set(keys)) != len(keys):
        errors[None] = "Each goal can be rated only once in a response."
    if errors:
        raise ResponseInvalid(next(iter(errors.values())), errors)
    return {k: goal_keys[k] for k in answers}


def _build_response(
    *,
    introduction: Introduction,
    measure: str,
    answers: dict[str, int],
    completed_at: date,
    recorded_at,
    recorded_by,
    source: str,
    occasion: str,
    goal_keys: dict[str, str],
    link: ResponseLink | None = None,
) -> MeasureResponse:
    return MeasureResponse(
        introduction=introduction,
        measure=measure,
        answers=answers,
        completed_at=completed_at,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        source=source,
        occasion=occasion,
        goal_keys=goal_keys,
        link=link,
        **computed_fields(measure, answers),
    )


@transaction.atomic
def record_response(
    *,
    by,
    introduction: Introduction,
    measure: str,
    answers: dict,
    completed_at: date,
    source: str = Source.WORKER,
    occasion: str = Occasion.OTHER,
    goal_keys: dict | None = None,
    at=None,
) -> MeasureResponse:
    """Record a measure completed with a worker or on paper; scores are computed, not typed."""
    _check_measure(measure)
    at = at or timezone.now()
    if source not in (Source.WORKER, Source.PAPER):
        raise OutcomesError("Choose how the measure was completed: with a worker or on paper.")
    if occasion not in Occasion.values:
        raise OutcomesError("Choose when in support this measure was completed.")
    if not isinstance(completed_at, date):
        raise OutcomesError("Give the date the measure was completed.")
    try:
        record_dates.check_record_date(completed_at, received_at=introduction.received_at, now=at)
    except record_dates.RecordDateError as exc:
        raise OutcomesError(str(exc)) from None
    clean = _valid_answers(measure, answers)
    keys = _valid_goal_keys(measure, introduction, clean, goal_keys)
    response = _build_response(
        introduction=introduction,
        measure=measure,
        answers=clean,
        completed_at=completed_at,
        recorded_at=at,
        recorded_by=by,
        source=source,
        occasion=occasion,
        goal_keys=keys,
    )
    response.save(force_insert=True)
    due.refresh(introduction)
    audit.record(
        by=by,
        action="measure.record",
        person_id=introduction.person_id,
        category=CATEGORY,
        obj=response,
        detail={"measure": measure, "source": source, "occasion": occasion},
    )
    return response


def link_url(raw_token: str) -> str:
    """The absolute public URL for a link: the site's address and the token only."""
    return messaging.public_url(reverse("outcomes:respond", args=[raw_token]))


def _destination(introduction: Introduction) -> tuple[str, str]:
    person = introduction.person
    if person.phone:
        return person.phone, "sms"
    if person.email:
        return person.email, "email"
    raise OutcomesError(
        "There is no phone number or email address for this person, so a link cannot be sent."
    )


@transaction.atomic
def create_response_link(
    *,
    by,
    introduction: Introduction,
    measure: str,
    valid_for: timedelta = timedelta(days=7),
    occasion: str = Occasion.OTHER,
    at=None,
) -> tuple[ResponseLink, str]:
    """Make a single-use link and send it. Returns (link, raw_token); only a hash is stored.

    The message names no one: it says which site is asking and gives the link and its expiry
    (and the questionnaire's name only where the site turned that on). It is sent in the
    background; its status (delivered, or why not) shows with the link, which can be sent again.
    """
    _check_measure(measure)
    at = at or timezone.now()
    if measure in NOT_BY_LINK:
        raise OutcomesError(
            "Goal-Based Outcomes are rated against the person's own goals; record them together."
        )
    if occasion not in Occasion.values:
        raise OutcomesError("Choose when in support this measure is for.")
    if not timedelta(hours=1) <= valid_for <= timedelta(days=MAX_LINK_DAYS):
        raise OutcomesError(f"A link can be valid for between 1 hour and {MAX_LINK_DAYS} days.")
    to, channel = _destination(introduction)
    raw = secrets.token_urlsafe(32)
    # The person's outstanding link for this measure and occasion is the newest one.
    withdrawn = ResponseLink.objects.filter(
        introduction=introduction,
        measure=measure,
        occasion=occasion,
        used_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=at,
    ).update(withdrawn_at=at)
    link = ResponseLink.objects.create(
        token_hash=hash_token(raw),
        measure=measure,
        occasion=occasion,
        introduction=introduction,
        created_at=at,
        created_by=by,
        expires_at=at + valid_for,
        channel=channel,
    )
    site = SiteConfig.current()
    expires = timezone.localtime(link.expires_at).strftime("%-d %B %Y")
    personalisation = {"site_name": site.name, "link": link_url(raw), "expires": expires}
    # The questionnaire's name only where the site's people agreed to it (SiteConfig).
    asking = _("%(site)s has asked you to fill in a short questionnaire") % {"site": site.name}
    if site.link_messages_name_the_measure:
        personalisation["measure"] = get_definition(measure).title
        asking += f" ({personalisation['measure']})"
    body = _(
        "%(asking)s. Open this link on your phone or computer: %(link)s . It works once and "
        "until %(expires)s. If you were not expecting this, you can ignore it."
    ) % {"asking": asking, **personalisation}
    link.message = outbox.send(
        by=by,
        kind=Message.Kind.MEASURE_LINK,
        channel=channel,
        to=to,
        subject=_("%(site)s: a short questionnaire") % {"site": site.name},
        body=body,
        personalisation=personalisation,
        person_id=introduction.person_id,
        at=at,
    )
    link.save(update_fields=["message"])
    audit.record(
        by=by,
        action="measure.link.create",
        person_id=introduction.person_id,
        category=CATEGORY,
        obj=link,
        detail={
            "measure": measure,
            "channel": channel,
            "valid_hours": int(valid_for.total_seconds() // 3600),
            "withdrawn_older": withdrawn,
        },
    )
    return link, raw


@transaction.atomic
def send_link_again(*, by, link: ResponseLink, at=None) -> tuple[ResponseLink, str]:
    """Send a new link for the same measure and occasion after the message carrying ``link``
    was not delivered (the new link withdraws the old one, as any newer link does). The link is
    locked first, so a button pressed twice sends one new link."""
    link = ResponseLink.objects.select_for_update().get(pk=link.pk)
    message = link.message
    if message is None or message.status != Message.Status.FAILED:
        raise OutcomesError("Only a link whose message was not delivered can be sent again.")
    if link.used_at is not None:
        raise OutcomesError("This link has been used: the answers were received.")
    if link.withdrawn_at is not None:
        raise OutcomesError("A newer link for this questionnaire has been sent already.")
    return create_response_link(
        by=by,
        introduction=link.introduction,
        measure=link.measure,
        occasion=link.occasion,
        valid_for=link.expires_at - link.created_at,
        at=at,
    )


_LINK_MESSAGES = {
    "unknown": (
        "This link is not valid. Please check it, or ask the person who sent it for a new one."
    ),
    "expired": "This link has expired. Please ask the person who sent it for a new one.",
    "used": "This link has already been used, and your answers were received. Thank you.",
    "withdrawn": (
        "We have sent you a newer link for this questionnaire, so this one no longer works. "
        "Please use the most recent link we sent you."
    ),
}


def open_link(raw_token: str, *, for_update: bool = False) -> ResponseLink:
    """The usable link for ``raw_token``, or LinkError (unknown, used, withdrawn or expired)."""
    if not isinstance(raw_token, str) or not 20 <= len(raw_token) <= 100:
        raise LinkError(_LINK_MESSAGES["unknown"], "unknown")
    queryset = ResponseLink.objects.select_related("introduction")
    if for_update:
        queryset = queryset.select_for_update()
    link = queryset.filter(token_hash=hash_token(raw_token)).first()
    if link is None:
        raise LinkError(_LINK_MESSAGES["unknown"], "unknown")
    if link.used_at is not None:
        raise LinkError(_LINK_MESSAGES["used"], "used")
    if link.withdrawn_at is not None:
        raise LinkError(_LINK_MESSAGES["withdrawn"], "withdrawn")
    if link.is_expired:
        raise LinkError(_LINK_MESSAGES["expired"], "expired")
    return link


def submit_via_link(*, token: str, answers: dict, at=None) -> MeasureResponse:
    """The person's own answers through their link: stored once, then the link is spent."""
    try:
        return _submit_via_link(token=token, answers=answers, at=at)
    except IntegrityError as exc:
        # A second, simultaneous submission of the same link lost the race: stored once.
        raise LinkError(_LINK_MESSAGES["used"], "used") from exc


@transaction.atomic
def _submit_via_link(*, token: str, answers: dict, at=None) -> MeasureResponse:
    at = at or timezone.now()
    link = open_link(token, for_update=True)
    clean = _valid_answers(link.measure, answers)
    response = _build_response(
        introduction=link.introduction,
        measure=link.measure,
        answers=clean,
        completed_at=timezone.localdate(at),
        recorded_at=at,
        recorded_by=None,
        source=Source.SELF_LINK,
        occasion=link.occasion,
        goal_keys={},
        link=link,
    )
    response.save(force_insert=True)
    # Only spend a link that is still unspent: a concurrent submission cannot spend it twice.
    spent = ResponseLink.objects.filter(
        pk=link.pk, used_at__isnull=True, withdrawn_at__isnull=True
    ).update(used_at=at)
    if spent != 1:
        raise IntegrityError("link already used")
    due.refresh(link.introduction_id)
    audit.record(
        by=None,
        action="measure.self_complete",
        person_id=link.introduction.person_id,
        category=CATEGORY,
        purpose="self_completed",
        obj=response,
        detail={"measure": link.measure, "source": Source.SELF_LINK},
    )
    return response


@transaction.atomic
def import_wording(*, by, wording: dict[str, dict[str, str]], at=None) -> dict[str, int]:
    """Store licensed wording (as parsed by parse_wording_file); replaces each measure's text.

    All or nothing. Returns {measure: number of items stored}.
    """
    at = at or timezone.now()
    counts: dict[str, int] = {}
    for measure, items in wording.items():
        _check_measure(measure)
        defn = get_definition(measure)
        if sorted(items) != sorted(defn.link_ids):
            raise OutcomesError(f"{defn.title}: wording is needed for every item, once.")
        for link_id, text in items.items():
            if not str(text).strip():
                raise OutcomesError(f"{defn.title} item {link_id}: the text is empty.")
    for measure, items in wording.items():
        ItemWording.objects.filter(measure=measure).delete()
        ItemWording.objects.bulk_create(
            ItemWording(
                measure=measure,
                link_id=link_id,
                text=items[link_id].strip(),
                imported_at=at,
                imported_by=by,
            )
            for link_id in get_definition(measure).link_ids
        )
        counts[measure] = len(items)
    audit.record(
        by=by,
        action="measure.wording.import",
        category=CATEGORY,
        purpose="administration",
        detail={"measures": sorted(counts)},
    )
    return counts


@transaction.atomic
def save_framework(*, by, outcomes: list[dict], note: str = "", at=None) -> OutcomeFrameworkVersion:
    """Save a new version of the site's outcome framework; earlier versions are kept."""
    at = at or timezone.now()
    if not has_permission(by, Permission.CONFIGURE_SITE):
        raise OutcomesError("Only a site administrator can change the outcome framework.")
    try:
        cleaned = clean_outcomes(outcomes)
    except FrameworkError as exc:
        raise OutcomesError(str(exc)) from exc
    latest = OutcomeFrameworkVersion.objects.select_for_update().order_by("-version").first()
    framework = OutcomeFrameworkVersion.objects.create(
        version=(latest.version + 1) if latest else 1,
        outcomes=cleaned,
        note=note.strip()[:300],
        created_at=at,
        created_by=by,
    )
    audit.record(
        by=by,
        action="outcome_framework.save",
        category=CATEGORY,
        purpose="administration",
        obj=framework,
        detail={"version": framework.version, "outcomes": len(cleaned)},
    )
    return framework
