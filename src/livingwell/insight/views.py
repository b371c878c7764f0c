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
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livingwell.access import audit
from livingwell.access.permissions import Permission, has_permission
from livingwell.access.policy import staff
from livingwell.accounts.models import Organisation, Team
from livingwell.hub.models import Tier
from livingwell.insight import annotations, metrics
from livingwell.insight.annotations import ChartSettings
from livingwell.insight.charts import render_xmr_svg, summarise
from livingwell.insight.icons import (
    assurance_icon,
    assurance_label,
    variation_icon,
    variation_icon_key,
    variation_label,
)
from livingwell.insight.models import CHART_IMPROVEMENT, ClosureFeedback
from livingwell.insight.network import render_network_svg
from livingwell.insight.spc import xmr
from livingwell.insight.widgets import NameChoiceField, QuickDateInput, QuickSelect


class FilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    team = NameChoiceField(
        label=gettext_lazy("Team"),
        queryset=Team.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("All teams"),
        widget=QuickSelect,
    )
    tier = NameChoiceField(
        label=gettext_lazy("Tier"),
        queryset=Tier.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("All tiers"),
        widget=QuickSelect,
    )
    organisation = NameChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("All organisations"),
        widget=QuickSelect,
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date must be on or after the start date."))
        if start and end and (end - start).days > 366 * 10:
            self.add_error("start", _("Choose a period of ten years or less."))
        return data


def _filters(request, default: metrics.Filters | None = None) -> tuple[FilterForm, metrics.Filters]:
    query = request.GET.copy()
    # Short names in the URL: ?from=...&to=...
    if "from" in query:
        query["start"] = query["from"]
    if "to" in query:
        query["end"] = query["to"]
    form = FilterForm(query or None)
    base = default or metrics.Filters.default()
    if not query or not form.is_valid():
        if not query:
            form = FilterForm(initial={"start": base.start, "end": base.end})
        return form, base
    data = form.cleaned_data
    start = data.get("start") or base.start
    end = data.get("end") or base.end
    return form, metrics.Filters(
        start=start,
        end=end,
        team_id=data["team"].pk if data.get("team") else None,
        tier=data["tier"].pk if data.get("tier") else None,
        organisation_id=data["organisation"].pk if data.get("organisation") else None,
    )


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


def _chart(
    key: str,
    def_key: str,
    title: str,
    unit: str,
    labels,
    values,
    improvement: str,
    run_length: int,
    settings: ChartSettings | None = None,
) -> dict:
    settings = settings or ChartSettings()
    result = xmr(
        values,
        improvement=improvement,
        target=settings.target,
        rebase_at=settings.rebase_at,
        run_length=run_length,
        trend_length=run_length,
    )
    icon_key = variation_icon_key(result.latest_point)
    return {
        "key": key,
        "def_key": def_key,
        "title": title,
        "svg": mark_safe(
            render_xmr_svg(result, title=title, unit=unit, labels=labels, id_prefix=f"chart-{key}")
        ),  # noqa: S308 - built with ElementTree, text escaped
        "summary": summarise(result, title, unit),
        "variation_icon": mark_safe(variation_icon(icon_key, id_prefix=f"icon-{key}"))
        if icon_key
        else "",  # noqa: S308
        "variation_label": variation_label(icon_key) if icon_key else "",
        "assurance_icon": mark_safe(assurance_icon(result.assurance, id_prefix=f"assure-{key}"))
        if result.assurance
        else "",  # noqa: S308
        "assurance_label": assurance_label(result.assurance) if result.assurance else "",
        "rows": [
            (label, "–" if v is None else metrics_format(v), p.mean, p.upl, p.lpl, p.variation)
            for label, v, p in zip(labels, values, result.points, strict=True)
        ],
        "result": result,
        "rebases": [note for _i, note in settings.rebase_at],
        "target_note": settings.target_note,
        "values": values,
        "labels": labels,
        "unit": unit,
    }


def metrics_format(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def weekly_charts(
    data: metrics.Dataset, disclosure: metrics.Disclosure, run_length: int
) -> list[dict]:
    """The two dashboard XmR charts, from counts made safe to show (hidden weeks are gaps).

    Process changes and targets (insight.annotations) rebase the limits and set the target.
    """
    intro_weeks = metrics.weekly_introductions(data)
    week_starts = [w for w, _n in intro_weeks]
    notes = annotations.load()

    def settings(key: str) -> ChartSettings:
        return annotations.settings_for(key, week_starts, data.filters.end, notes)

    labels = [w.strftime("%d %b %Y") for w, _n in intro_weeks]
    intro_values = []
    for _w, n in intro_weeks:
        shown = metrics.suppress(n, threshold=disclosure.threshold, rounding=disclosure.rounding)
        intro_values.append(shown if isinstance(shown, int) else None)
    wait_values = [
        (round(m, 1) if m is not None and n > disclosure.threshold else None)
        for _w, m, n in metrics.weekly_median_wait(data)
    ]
    return [
        _chart(
            "introductions",
            "introductions",
            _("Introductions per week"),
            "",
            labels,
            intro_values,
            CHART_IMPROVEMENT["introductions"],
            run_length,
            settings("introductions"),
        ),
        _chart(
            "wait",
            "waits",
            _("Median days from introduction to first conversation, by week of introduction"),
            "days",
            labels,
            wait_values,
            CHART_IMPROVEMENT["wait"],
            run_length,
            settings("wait"),
        ),
    ]


HEADLINES = [
    ("waits", 0, 2, gettext_lazy("Median days to first conversation")),
    ("waits", 1, 2, gettext_lazy("Median days to start of support")),
    ("urgent", 0, 3, gettext_lazy("Urgent introductions answered the same day")),
    ("handovers", 0, 6, gettext_lazy("Handovers accepted of those answered")),
    ("returns", 0, 1, gettext_lazy("Returns within the open door")),
    ("bounced", 0, 1, gettext_lazy("Introductions bounced")),
    ("access", 0, 1, gettext_lazy("People accessing support (two attended contacts)")),
]


def _site(request):
    from livingwell.core.models import SiteConfig

    return SiteConfig.for_request(request)


@staff(Permission.VIEW_INSIGHT)
def dashboard(request):
    """The headlines and SPC charts, served from a stored snapshot ("as at") while it is fresh.

    The computed part is the same for every viewer (insight.snapshots); the filters, the "as at"
    line and the "Recalculate now" button around it are live. POST recalculates now (analysts and
    site administrators only; others are told politely).
    """
    from django.contrib import messages
    from django.shortcuts import redirect

    from livingwell.access.permissions import has_permission
    from livingwell.insight import actions, snapshots

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
        "body": snapshots.body_of(snapshot),
        "computed_at": snapshot.computed_at,
        "refresh_minutes": site.insight_refresh_minutes,
        "can_recalculate": has_permission(request.user, Permission.REFRESH_INSIGHT),
        "lenses": [(key, metrics.title_of(key)) for key in metrics.LENSES],
        "disclosure": metrics.Disclosure(site.suppression_threshold, site.suppression_rounding),
    }
    return render(request, "insight/dashboard.html", context)


@staff(Permission.VIEW_INSIGHT)
def metric(request, key: str):
    if key not in metrics.DEFINITIONS:
        raise Http404
    form, filters = _filters(request)
    disclosure = metrics.Disclosure.from_site()
    data = metrics.Dataset(filters)
    tables = [_present(t, disclosure) for t in metrics.tables_for(key, data)]
    comments = None
    if key == "experience":
        from livingwell.insight.experience import shareable_comments

        comments = shareable_comments(data, disclosure.threshold)
    network = None
    if key == "relationships":
        network = mark_safe(render_network_svg(metrics.tables_for(key, data)[0], disclosure))  # noqa: S308
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
    for table in metrics.tables_for(lens, data):
        if table.key == key:
            return table
    raise Http404


@staff(Permission.VIEW_INSIGHT)
def table_csv(request, key: str):
    _form, filters = _filters(request)
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
def board_report(request):
    from livingwell.insight.reports import board_report_pdf

    _form, filters = _filters(request, default=last_full_quarter(timezone.localdate()))
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
def drilldown(request, name: str):
    if name not in DRILLDOWNS:
        raise Http404
    from livingwell.intake.models import Introduction

    title, pick = DRILLDOWNS[name]
    _form, filters = _filters(request)
    ids = pick(metrics.Dataset(filters))
    disclosure = metrics.Disclosure.from_site()
    intros = (
        Introduction.objects.filter(pk__in=ids).select_related("person").order_by("received_at")
    )
    shown, withheld = [], 0
    for intro in intros:
        # Named only to someone who may open the record (the link goes there): the role as
        # well as the relationship, as the record asks. An organisation's relationship alone
        # would name people to its analysts.
        if has_permission(request.user, Permission.VIEW_RECORD, person=intro.person):
            shown.append(intro)
        else:
            withheld += 1
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


class ClosureFeedbackForm(forms.Form):
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
def closure_feedback(request, introduction_id):
    from django.contrib import messages
    from django.shortcuts import redirect

    from livingwell.access.helpers import open_introduction
    from livingwell.insight import actions

    intro, _rel = open_introduction(
        request, introduction_id, category="feedback", permission=Permission.RECORD_CONTACT
    )
    form = ClosureFeedbackForm(request.POST or None)
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
