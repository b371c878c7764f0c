"""Insight pages: the network dashboard, one page per lens, CSV, board report and drill-down.

Every figure here is shown outside the care team, so every count goes through
``metrics.Disclosure`` (small numbers hidden, others rounded) on screen and in every export.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from livingwell.access import audit
from livingwell.access.permissions import Permission, allows
from livingwell.access.policy import staff
from livingwell.access.relationships import relationship
from livingwell.accounts.models import Organisation, Team
from livingwell.core import forms as lw_forms
from livingwell.core import record_dates
from livingwell.hub.models import Tier
from livingwell.insight import actions, metrics, snapshots
from livingwell.insight.experience import shareable_comments
from livingwell.insight.lenses import tables_for
from livingwell.insight.models import ClosureFeedback
from livingwell.insight.network import network_figure
from livingwell.insight.widgets import NameChoiceField

# The one rule for an insight period, read by every insight page, download and drill-down. Dates
# far outside the network's life broke the date arithmetic (a 500) or asked for a weekly series
# of two thousand years; the first process change a chart may carry is from 2000 as well.
EARLIEST_PERIOD = date(2000, 1, 1)
MAX_PERIOD_DAYS = 366 * 10


def latest_period_day(today: date) -> date:
    """The last day a period may reach: as far ahead as a plan may look, and no further."""
    return record_dates.latest_planned_day(today)


class FilterForm(lw_forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    team = NameChoiceField(
        label=gettext_lazy("Team"),
        queryset=Team.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("All teams"),
    )
    tier = NameChoiceField(
        label=gettext_lazy("Tier"),
        queryset=Tier.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("All tiers"),
    )
    organisation = NameChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("All organisations"),
    )

    def __init__(self, *args, default: metrics.Filters | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # A date left empty takes the default's, so the period checked is the period shown.
        self.default = default or metrics.Filters.default()

    def clean(self):
        data = super().clean()
        if self.has_error("start") or self.has_error("end"):
            return data
        data["start"] = start = data.get("start") or self.default.start
        data["end"] = end = data.get("end") or self.default.end
        last = latest_period_day(timezone.localdate())
        outside = _("Choose a date from 1 January 2000 to {last}.").format(
            last=formats.date_format(last, "j F Y")
        )
        for name, value in (("start", start), ("end", end)):
            if not EARLIEST_PERIOD <= value <= last:
                self.add_error(name, outside)
        if self.errors:
            return data
        if start > end:
            self.add_error("end", _("The end date must be on or after the start date."))
        elif (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("start", _("Choose a period of ten years or less."))
        return data


def _filters(request, default: metrics.Filters | None = None) -> tuple[FilterForm, metrics.Filters]:
    """The filter form and the filters to compute with: the default's when the form is invalid.

    A page shows the form's messages beside the fields; a download or a drill-down must not
    answer for another period than the one asked, so it calls ``_filters_or_400``.
    """
    query = request.GET.copy()
    # Short names in the URL: ?from=...&to=...
    if "from" in query:
        query["start"] = query["from"]
    if "to" in query:
        query["end"] = query["to"]
    base = default or metrics.Filters.default()
    if not query:
        return FilterForm(initial={"start": base.start, "end": base.end}, default=base), base
    form = FilterForm(query, default=base)
    if not form.is_valid():
        return form, base
    data = form.cleaned_data
    return form, metrics.Filters(
        start=data["start"],
        end=data["end"],
        team_id=data["team"].pk if data.get("team") else None,
        tier=data["tier"].pk if data.get("tier") else None,
        organisation_id=data["organisation"].pk if data.get("organisation") else None,
    )


def _filters_or_400(request, default: metrics.Filters | None = None):
    """(filters, None), or (None, a 400 page giving the form's messages) for a bad query."""
    form, filters = _filters(request, default)
    if not form.is_bound or form.is_valid():
        return filters, None
    response = render(request, "insight/bad_period.html", {"form": form}, status=400)
    return None, response


def _present(table: metrics.Table, disclosure: metrics.Disclosure) -> dict:
    return {
        "key": table.key,
        "caption": table.caption,
        "columns": table.columns,
        "rows": disclosure.table(table),
        "notes": metrics.notes_of(table, disclosure),
        "gaps": disclosure.gap_sentences(table),
        "drilldown": table.drilldown,
    }


def _site(request):
    from livingwell.core.models import SiteConfig

    return SiteConfig.for_request(request)


@staff(Permission.VIEW_INSIGHT)
@require_http_methods(["GET", "POST"])
def dashboard(request):
    """The headlines and SPC charts, served from a stored snapshot ("as at") while it is fresh.

    The figures are the same for every viewer and stored (insight.snapshots); the charts, the
    process changes and targets, the filters, the "as at" line and the "Recalculate now" button
    are built from them in this request. POST recalculates now (analysts and
    site administrators only; others are told politely).
    """
    from django.contrib import messages
    from django.shortcuts import redirect

    from livingwell.access.permissions import has_permission

    form, filters = _filters(request)
    site = _site(request)
    if request.method == "POST":
        try:
            actions.recalculate_dashboard(by=request.user, filters=filters, site=site)
        except actions.RecalculateError as exc:
            messages.warning(request, str(exc))
        else:
            messages.success(request, _("The figures have been recalculated."))
        return redirect(f"{request.path}?{urlencode(filters.as_query())}", permanent=False)
    snapshot = snapshots.current(filters, site)
    context = {
        "form": form,
        "filters": filters,
        "qs": urlencode(filters.as_query()),
        **snapshots.page_parts(snapshot, filters, site),
        "computed_at": snapshot.computed_at,
        "refresh_minutes": site.insight_refresh_minutes,
        "can_recalculate": has_permission(request.user, Permission.REFRESH_INSIGHT),
        "lenses": [(key, metrics.title_of(key)) for key in metrics.LENSES],
        "disclosure": metrics.Disclosure(site.suppression_threshold, site.suppression_rounding),
    }
    return render(request, "insight/dashboard.html", context)


@staff(Permission.VIEW_INSIGHT)
@require_GET
def metric(request, key: str):
    if key not in metrics.DEFINITIONS:
        raise Http404
    form, filters = _filters(request)
    disclosure = metrics.Disclosure.from_site()
    data = metrics.Dataset(filters)
    tables = [_present(t, disclosure) for t in tables_for(key, data)]
    comments = None
    if key == "experience":
        comments = shareable_comments(data, disclosure.threshold)
    network = None
    if key == "relationships":
        network = network_figure(tables_for(key, data)[0], disclosure)
    return render(
        request,
        "insight/metric.html",
        {
            "key": key,
            "title": metrics.title_of(key),
            "definition": metrics.definition_of(key),
            "tables": tables,
            "form": form,
            "filters": filters,
            "qs": urlencode(filters.as_query()),
            "network": network,
            "disclosure": disclosure,
            "comments": comments,
        },
    )


def _find_table(key: str, data: metrics.Dataset) -> metrics.Table:
    lens = metrics.lens_of(key)
    if lens is None:
        raise Http404
    for table in tables_for(lens, data):
        if table.key == key:
            return table
    raise Http404


@staff(Permission.VIEW_INSIGHT)
@require_GET
def table_csv(request, key: str):
    filters, refused = _filters_or_400(request)
    if refused:
        return refused
    disclosure = metrics.Disclosure.from_site()
    table = _find_table(key, metrics.Dataset(filters))
    lens = metrics.lens_of(key)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="living-well-{key}-{filters.start}-{filters.end}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow([c.label for c in table.columns])
    writer.writerows(disclosure.table(table))
    writer.writerow([])
    writer.writerow([_("Definition"), metrics.definition_of(lens)])
    writer.writerow([_("Period"), filters.start.isoformat(), filters.end.isoformat()])
    writer.writerow(
        [
            _("Small numbers"),
            _("* means between 1 and {n}; other counts are rounded to the nearest {r}.").format(
                n=disclosure.threshold, r=disclosure.rounding
            ),
        ]
    )
    for sentence in disclosure.gap_sentences(table):  # as stated on the page and in the report
        writer.writerow([_("Gap"), sentence])
    return response


def last_full_quarter(today: date) -> metrics.Filters:
    first_month = 3 * ((today.month - 1) // 3) + 1
    this_quarter = date(today.year, first_month, 1)
    end = this_quarter - timedelta(days=1)
    start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return metrics.Filters(start=start, end=end)


@staff(Permission.VIEW_INSIGHT)
@require_GET
def board_report(request):
    from livingwell.insight.reports import board_report_pdf

    filters, refused = _filters_or_400(request, default=last_full_quarter(timezone.localdate()))
    if refused:
        return refused
    site = _site(request)
    pdf = board_report_pdf(filters, site)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="living-well-board-report-{filters.start}-{filters.end}.pdf"'
    )
    return response


DRILLDOWNS = {
    "urgent_not_same_day": (
        gettext_lazy("Urgent introductions not answered the same day"),
        lambda data: [row["id"] for row in metrics.urgent_rows(data)[1]],
    ),
    "bounced": (
        gettext_lazy("Introductions closed without an allowed exit"),
        lambda data: [row["introduction_id"] for row in metrics.bounced_rows(data)],
    ),
}


@staff(Permission.VIEW_INSIGHT)
@require_GET
def drilldown(request, name: str):
    if name not in DRILLDOWNS:
        raise Http404
    from livingwell.intake.models import Introduction

    title, pick = DRILLDOWNS[name]
    filters, refused = _filters_or_400(request)
    if refused:
        return refused
    ids = pick(metrics.Dataset(filters))
    disclosure = metrics.Disclosure.from_site()
    intros = (
        Introduction.objects.filter(pk__in=ids).select_related("person").order_by("received_at")
    )
    shown, withheld = [], 0
    for intro in intros:
        # Named only to someone who may open the record (the one rule: permissions.allows);
        # a passing summary-only relationship (an offer waiting for a reply) is not enough.
        rel = relationship(request.user, intro.person)
        if rel is not None and rel.full and allows(request.user, Permission.VIEW_RECORD, rel):
            shown.append((intro, rel))
        else:
            withheld += 1
    for intro, rel in shown:
        # Each person named is in their own access log: "who has looked at this record".
        audit.record(
            by=request.user,
            action="read",
            person=intro.person,
            category="insight",
            purpose="break_glass" if rel.basis == "break_glass" else "direct_care",
            obj=intro,
            detail={"drilldown": name, "basis": str(rel.basis)},
        )
    shown = [intro for intro, _rel in shown]
    audit.record(
        by=request.user,
        action="insight.drilldown",
        category="insight",
        purpose="service_improvement",
        detail={
            "drilldown": name,
            "shown": len(shown),
            "withheld": withheld,
            "from": filters.start.isoformat(),
            "to": filters.end.isoformat(),
        },
    )
    return render(
        request,
        "insight/drilldown.html",
        {
            "title": title,
            "name": name,
            "shown": shown,
            "withheld": disclosure.count(withheld),
            "any_withheld": withheld > 0,
            "threshold": disclosure.threshold,
            "filters": filters,
            "qs": urlencode(filters.as_query()),
        },
    )


# --------------------------------------------------------------------------------------------
# Feedback at closure (the experience lens's source), recorded by staff from a closed record


class ClosureFeedbackForm(lw_forms.Form):
    helpfulness = forms.TypedChoiceField(
        label=gettext_lazy("How helpful was the support you had?"),
        choices=ClosureFeedback.Helpfulness.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    felt_listened_to = forms.ChoiceField(
        label=gettext_lazy("Did you feel listened to?"),
        choices=ClosureFeedback.Listened.choices,
        widget=forms.RadioSelect,
    )
    free_text = forms.CharField(
        label=gettext_lazy("Is there anything else you would like to tell us about the support?"),
        help_text=gettext_lazy("In the person's own words. Leave out names of people and places."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    comment_may_be_shared = forms.BooleanField(
        label=gettext_lazy(
            "The person agrees their words can be shared, without their name, with the network "
            "and its lived-experience collaborative"
        ),
        required=False,
    )


@staff(Permission.RECORD_CONTACT)
@require_http_methods(["GET", "POST"])
def closure_feedback(request, introduction_id):
    from django.contrib import messages
    from django.shortcuts import redirect

    from livingwell.access.helpers import open_introduction

    intro, _rel = open_introduction(
        request, introduction_id, category="feedback", permission=Permission.RECORD_CONTACT
    )
    form = ClosureFeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_closure_feedback(
                by=request.user, introduction=intro, **form.cleaned_data
            )
        except actions.FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you. The feedback has been recorded."))
            return redirect("hub:record", introduction_id=intro.pk)
    return render(request, "insight/feedback.html", {"form": form, "intro": intro})
