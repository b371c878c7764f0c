"""Reading the directory: filters shared by the ORUK API and the search pages, distances from
postcode districts, handover statistics, and the look-up the Hub's handover form uses.

Nothing here reads people: handover statistics are counts and durations only.
"""

from __future__ import annotations

import math
import re
import statistics
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from livingwell.directory.models import (
    Attribute,
    LinkEntity,
    Location,
    PostcodeDistrict,
    Schedule,
    Service,
)

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_OUTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})?$")


class QueryError(ValueError):
    """A search parameter that cannot be understood; the message says why."""


def parse_day(value: str) -> str:
    """ "MO", "monday", "Mon" → "MO"."""
    v = value.strip().lower()
    for code, name in zip(DAY_CODES, DAY_NAMES, strict=True):
        if v in {code.lower(), name, name[:3]}:
            return code
    raise QueryError(f"day: {value!r} is not a day of the week (use MO..SU or a day name)")


def outcode(postcode: str) -> str | None:
    """The district part of a UK postcode ("SE11 5AA" → "SE11"), or None if it is not one."""
    m = _OUTCODE.match(re.sub(r"\s+", " ", postcode.strip().upper()))
    return m.group(1) if m else None


def centroid(postcode: str) -> tuple[float, float] | None:
    code = outcode(postcode)
    if code is None:
        return None
    row = PostcodeDistrict.objects.filter(outcode=code).first()
    return (row.latitude, row.longitude) if row else None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def public_services() -> QuerySet[Service]:
    return Service.objects.filter(is_public=True)


def services_with_terms(term_ids) -> QuerySet:
    return Attribute.objects.filter(
        link_entity=LinkEntity.SERVICE, taxonomy_term_id__in=list(term_ids)
    ).values("link_id")


def filter_services(
    qs: QuerySet[Service],
    *,
    search: str | None = None,
    taxonomy_term_ids=None,
    taxonomy_id=None,
    organization_id=None,
    minimum_age: float | None = None,
    maximum_age: float | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    day: str | None = None,
    modified_after: datetime | None = None,
) -> QuerySet[Service]:
    """The ORUK list filters, applied to a Service queryset."""
    if search:
        for word in search.split()[:8]:
            term_match = Attribute.objects.filter(
                link_entity=LinkEntity.SERVICE, taxonomy_term__name__icontains=word
            ).values("link_id")
            qs = qs.filter(
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(organization__name__icontains=word)
                | Q(id__in=term_match)
            )
    if taxonomy_term_ids:
        qs = qs.filter(id__in=services_with_terms(taxonomy_term_ids))
    if taxonomy_id:
        qs = qs.filter(
            id__in=Attribute.objects.filter(
                link_entity=LinkEntity.SERVICE, taxonomy_term__taxonomy_id=taxonomy_id
            ).values("link_id")
        )
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if minimum_age is not None:
        qs = qs.filter(minimum_age__gte=minimum_age)
    if maximum_age is not None:
        qs = qs.filter(maximum_age__lte=maximum_age)
    if start_time is not None or end_time is not None or day:
        sched = Schedule.objects.all()
        if start_time is not None:
            sched = sched.filter(opens_at__gte=start_time)
        if end_time is not None:
            sched = sched.filter(closes_at__lte=end_time)
        if day:
            sched = sched.filter(byday__icontains=day)
        qs = qs.filter(
            Q(id__in=sched.values("service_id"))
            | Q(id__in=sched.values("service_at_location__service_id"))
        )
    if modified_after is not None:
        qs = qs.filter(last_modified__gte=modified_after)
    return qs.distinct()


def locations_near(lat: float, lon: float, metres: float) -> dict[uuid.UUID, float]:
    """{location id: distance} for located places within `metres` (bounding box, then exact)."""
    dlat = metres / 111_000.0
    dlon = metres / (111_000.0 * max(math.cos(math.radians(lat)), 0.01))
    rows = Location.objects.filter(
        latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon)
    ).values_list("id", "latitude", "longitude")
    out = {}
    for loc_id, la, lo in rows:
        d = distance_m(lat, lon, la, lo)
        if d <= metres:
            out[loc_id] = d
    return out


def open_at(svc: Service, when: datetime) -> bool:
    """Whether a weekly schedule of the service covers `when` (local time)."""
    local = timezone.localtime(when)
    code = DAY_CODES[local.weekday()]
    for s in _schedules(svc):
        if s.freq and s.freq != Schedule.Freq.WEEKLY:
            continue
        if s.valid_from and local.date() < s.valid_from or s.valid_to and local.date() > s.valid_to:
            continue
        if code in s.days and s.opens_at and s.closes_at:
            if s.opens_at <= local.time() < s.closes_at:
                return True
    return False


def open_on(svc: Service, day_code: str) -> bool:
    return any(day_code in s.days for s in _schedules(svc))


def _schedules(svc: Service):
    own = list(svc.schedules.all())
    for sal in svc.service_at_locations.all():
        own.extend(sal.schedules.all())
    return own


# --- Handovers ------------------------------------------------------------------------------


def service_for_handover(service_id) -> Service | None:
    """The service a worker chose to hand over to, for the Hub's handover form.

    Returns None for an unknown id or one that is not a UUID. The service carries `.name` and
    `.network_organisation` (the network organisation that takes handovers for it, or None).
    """
    try:
        sid = uuid.UUID(str(service_id))
    except (TypeError, ValueError):
        return None
    return (
        Service.objects.select_related("network_organisation", "organization")
        .filter(id=sid)
        .first()
    )


@dataclass
class HandoverStats:
    total: int = 0
    responded: int = 0
    accepted: int = 0
    declined: int = 0
    waiting: int = 0
    median_days_to_accept: float | None = None
    declined_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def percent_accepted(self) -> int | None:
        if not self.responded:
            return None
        return round(100 * self.accepted / self.responded)


ACCEPTED_STATES = {"accepted", "started", "completed"}


def handover_stats(svc: Service) -> HandoverStats:
    """How handovers to this service have gone. Counts and durations only: no people."""
    from livingwell.hub.models import Handover

    rows = list(
        Handover.objects.filter(service_id=svc.id).values_list(
            "state", "offered_at", "responded_at", "decline_reason"
        )
    )
    stats = HandoverStats(total=len(rows))
    days = []
    reasons: Counter = Counter()
    for state, offered_at, responded_at, reason in rows:
        if state in ACCEPTED_STATES:
            stats.accepted += 1
            stats.responded += 1
            if responded_at and offered_at:
                days.append((responded_at - offered_at).total_seconds() / 86400)
        elif state == "declined":
            stats.declined += 1
            stats.responded += 1
            reasons[_reason_label(reason)] += 1
        elif state == "offered":
            stats.waiting += 1
    if days:
        stats.median_days_to_accept = round(statistics.median(days), 1)
    stats.declined_reasons = reasons.most_common()
    return stats


def _reason_label(reason: str) -> str:
    """Decline reasons are free text; show the first line, trimmed, so identical reasons group."""
    first = (reason or "").strip().splitlines()[0] if (reason or "").strip() else ""
    return first[:120] or "No reason given"
