"""Finding support: the search form shared by the public page and the staff page, and the
search itself, which says why each service matched.

Searches are GET requests: they hold needs and places, never anything about a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livingwell.core import forms as lw_forms
from livingwell.directory.models import (
    Attribute,
    Language,
    LinkEntity,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from livingwell.directory.queries import (
    DAY_CODES,
    DAY_NAMES,
    centroid,
    distance_m,
    filter_services,
    open_at,
    open_on,
    outcode,
)

DISTANCES_KM = (1, 2, 5, 10)


def _need_choices():
    return [("", gettext_lazy("Any need"))] + [
        (str(t.id), t.name) for t in TaxonomyTerm.objects.filter(parent_id__isnull=True)
    ]


def _language_choices():
    names = (
        Language.objects.exclude(name="")
        .filter(service__is_public=True)
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )
    return [("", gettext_lazy("Any language"))] + [(n, n) for n in names]


class SearchForm(lw_forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Words to search for"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("For example: debt, walking group, carers"),
    )
    need = forms.ChoiceField(label=gettext_lazy("What do you need help with?"), required=False)
    postcode = forms.CharField(
        label=gettext_lazy("Postcode or postcode district"),
        required=False,
        max_length=8,
        help_text=gettext_lazy("For example: SE11 or SE11 5AA. We only use the first part."),
    )
    within = forms.TypedChoiceField(
        label=gettext_lazy("Distance"),
        required=False,
        coerce=int,
        empty_value=5,
        choices=[(d, gettext_lazy("Within %(n)s km") % {"n": d}) for d in DISTANCES_KM],
        initial=5,
    )
    when = forms.ChoiceField(
        label=gettext_lazy("When"),
        required=False,
        choices=[("", gettext_lazy("Any time")), ("now", gettext_lazy("Open now"))]
        + [
            (code, gettext_lazy("On %(day)s") % {"day": name.capitalize()})
            for code, name in zip(DAY_CODES, DAY_NAMES, strict=True)
        ],
    )
    language = forms.ChoiceField(label=gettext_lazy("Language spoken"), required=False)
    free_only = forms.BooleanField(label=gettext_lazy("Free services only"), required=False)
    age = forms.IntegerField(
        label=gettext_lazy("Age of the person who needs support"),
        required=False,
        min_value=0,
        max_value=120,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = _need_choices()
        self.fields["language"].choices = _language_choices()

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        if not value:
            return ""
        code = outcode(value)
        if code is None:
            raise forms.ValidationError(
                _("Enter a postcode like SE11 5AA, or the first part, like SE11")
            )
        if centroid(code) is None:
            raise forms.ValidationError(
                _("We do not have %(code)s on our map. Try a nearby postcode.") % {"code": code}
            )
        return code

    @property
    def is_search(self) -> bool:
        return (
            self.is_bound
            and any(self.data.get(k) for k in ("q", "need", "postcode", "when", "language", "age"))
            or bool(self.is_bound and self.data.get("free_only"))
        )


@dataclass
class Result:
    service: Service
    reasons: list[str] = field(default_factory=list)
    distance_km: float | None = None
    open_now: bool = False


def _base_queryset(public_only: bool):
    sal = ServiceAtLocation.objects.select_related("location").prefetch_related(
        "schedules", "location__addresses"
    )
    qs = (
        Service.objects.exclude(status__in=["defunct", "inactive"])
        .select_related("organization", "network_organisation")
        .prefetch_related(
            "schedules", "languages", "cost_options", Prefetch("service_at_locations", queryset=sal)
        )
    )
    return qs.filter(is_public=True) if public_only else qs


def search(cleaned: dict, *, public_only: bool = True, now=None) -> list[Result]:
    now = now or timezone.now()
    qs = _base_queryset(public_only)
    need = cleaned.get("need")
    need_term = TaxonomyTerm.objects.filter(id=need).first() if need else None
    need_names: set[str] = set()
    if need_term is not None:
        children = list(TaxonomyTerm.objects.filter(parent_id=need_term.id))
        need_names = {need_term.name, *(c.name for c in children)}
        qs = filter_services(qs, taxonomy_term_ids=[need_term.id, *(c.id for c in children)])
    words = (cleaned.get("q") or "").split()[:8]
    if words:
        qs = filter_services(qs, search=" ".join(words))
    age = cleaned.get("age")
    if age is not None:
        qs = qs.exclude(minimum_age__gt=age).exclude(maximum_age__lt=age)
    language = cleaned.get("language")
    if language:
        qs = qs.filter(languages__name=language)
    if cleaned.get("free_only"):
        qs = qs.exclude(cost_options__amount__gt=0)
    services = list(qs.distinct().order_by("name"))

    terms = _terms_by_service([s.id for s in services])
    point = centroid(cleaned["postcode"]) if cleaned.get("postcode") else None
    within_m = (cleaned.get("within") or 5) * 1000
    when = cleaned.get("when") or ""
    results = []
    for svc in services:
        r = Result(svc)
        if need_term is not None:
            matched = [t for t in terms.get(svc.id, []) if t in need_names]
            r.reasons.append(
                _("Helps with: %(need)s") % {"need": ", ".join(matched) or need_term.name}
            )
        for word in words:
            r.reasons.append(_why_word(svc, word, terms.get(svc.id, [])))
        if point is not None:
            d = _nearest(svc, point)
            if d is None or d > within_m:
                continue
            r.distance_km = round(d / 1000, 1)
            r.reasons.append(
                _("%(km)s km from the middle of %(code)s")
                % {"km": r.distance_km, "code": cleaned["postcode"]}
            )
        r.open_now = open_at(svc, now)
        if when == "now":
            if not r.open_now:
                continue
            r.reasons.append(_("Open now"))
        elif when in DAY_CODES:
            if not open_on(svc, when):
                continue
            r.reasons.append(
                _("Open on %(day)s") % {"day": DAY_NAMES[DAY_CODES.index(when)].capitalize()}
            )
        if language:
            r.reasons.append(_("Support in %(language)s") % {"language": language})
        if cleaned.get("free_only"):
            r.reasons.append(_("Free"))
        if age is not None:
            r.reasons.append(_age_reason(svc, age))
        results.append(r)
    if point is not None:
        results.sort(key=lambda r: (r.distance_km, r.service.name))
    return results


def _terms_by_service(ids) -> dict:
    out: dict = {}
    rows = Attribute.objects.filter(link_entity=LinkEntity.SERVICE, link_id__in=ids).values_list(
        "link_id", "taxonomy_term__name"
    )
    for sid, name in rows:
        out.setdefault(sid, []).append(name)
    return out


def _why_word(svc: Service, word: str, terms: list[str]) -> str:
    w = word.lower()
    if w in svc.name.lower():
        return _("“%(word)s” is in its name") % {"word": word}
    if any(w in t.lower() for t in terms):
        return _("“%(word)s” is one of the needs it helps with") % {"word": word}
    if w in svc.organization.name.lower():
        return _("Run by %(org)s") % {"org": svc.organization.name}
    return _("“%(word)s” is in its description") % {"word": word}


def _age_reason(svc: Service, age: int) -> str:
    if svc.minimum_age is None and svc.maximum_age is None:
        return _("No age limits")
    return _("Ages: %(ages)s") % {"ages": svc.ages_in_words}


def _nearest(svc: Service, point) -> float | None:
    best = None
    for sal in svc.service_at_locations.all():
        loc = sal.location
        if loc.latitude is None or loc.longitude is None:
            continue
        d = distance_m(point[0], point[1], loc.latitude, loc.longitude)
        best = d if best is None else min(best, d)
    return best


def service_terms(svc: Service) -> list[str]:
    return _terms_by_service([svc.id]).get(svc.id, [])
