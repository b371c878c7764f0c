"""Insight pages: access, suppression on screen and in CSV, drill-down, PDF, query counts."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import login, person_details
from tests.insight_support import PERIOD, build

from livingwell.access.actions import set_sharing
from livingwell.access.models import AuditEvent
from livingwell.access.relationships import relationship
from livingwell.intake.actions import submit_introduction

pytestmark = pytest.mark.django_db

PERIOD_QUERY = {"from": PERIOD.start.isoformat(), "to": PERIOD.end.isoformat()}


def _many(n: int, *, start=None):
    start = start or timezone.now() - timedelta(days=20)
    for i in range(n):
        submit_introduction(
            by=None,
            submission_key=uuid.uuid4().hex,
            route="gp" if i % 2 else "self",
            person=person_details(sex="female" if i % 3 else "male", ethnicity="black_african"),
            details={"whats_happening": "Hard times.", "risk_now": "self" if i % 4 == 0 else "no"},
            at=start + timedelta(hours=7 * i),
        )


@pytest.mark.parametrize(
    "name,args",
    [
        ("insight:dashboard", []),
        ("insight:metric", ["waits"]),
        ("insight:csv", ["waits"]),
        ("insight:board_report", []),
        ("insight:drilldown", ["urgent_not_same_day"]),
    ],
)
def test_not_signed_in_goes_to_login_and_partner_worker_is_refused(client, personas, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302 and "sign-in" in response["Location"]
    login(client, personas.partner_worker)  # partner workers do not hold VIEW_INSIGHT
    assert client.get(url).status_code == 403


def test_dashboard_for_analyst_shows_charts_tables_and_definitions(client, personas):
    build(personas)
    login(client, personas.analyst)
    response = client.get(reverse("insight:dashboard"), PERIOD_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'class="lw-xmr-chart"' in html and "Introductions per week" in html
    assert 'id="chart-table-introductions"' in html and 'id="chart-table-wait"' in html
    assert 'style="' not in html.split("<main", 1)[-1]  # CSP: no inline styles in our markup
    assert reverse("insight:metric", args=["waits"]) in html and "#definition" in html
    # Every headline is suppressed in this small scenario except the honest zero.
    assert 'data-headline="bounced">0<' in html
    assert 'data-headline="urgent">*<' in html
    assert "counts from 1 to 7 are shown as *" in html.lower()


def test_metric_page_suppresses_small_numbers_and_rounds_others(client, personas):
    build(personas)
    login(client, personas.analyst)
    html = client.get(
        reverse("insight:metric", args=["introductions"]), PERIOD_QUERY
    ).content.decode()
    assert 'id="definition"' in html and "Monday to Sunday" in html
    # Weekly counts 2 and 3 and the total 5 are all hidden.
    row = html.split("Whole period", 1)[1].split("</tr>", 1)[0]
    assert ">5<" not in row and row.count(">*<") == 5 and row.count(">0<") == 1


def test_rounding_on_screen_and_in_csv(client, personas):
    _many(13)
    login(client, personas.analyst)
    html = client.get(reverse("insight:metric", args=["equity"])).content.decode()
    black = html.split(">Black<", 1)[1].split("</tr>", 1)[0]
    assert ">15<" in black and ">13<" not in black  # 13 rounds to 15
    response = client.get(reverse("insight:csv", args=["equity_sex"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Sex", "Introductions"]
    by_group = {r[0]: r for r in rows[1:] if r}
    # 13 people: 5 male (i = 0, 3, 6, 9, 12) and 8 female: shown as "*" and "10".
    assert by_group["Male"][1] == "*"
    assert by_group["Female"][1] == "10"
    assert any(r and r[0] == "Definition" for r in rows)
    assert all("8" != cell for r in rows[1:6] for cell in r)


def test_csv_of_every_table_and_unknown_table_404(client, personas):
    login(client, personas.analyst)
    for key in (
        "introductions",
        "waits",
        "urgent",
        "open_work",
        "handovers",
        "returns",
        "bounced",
        "access",
        "relationships",
        "equity_ethnicity",
        "equity_age_band",
        "equity_deprivation",
    ):
        assert client.get(reverse("insight:csv", args=[key])).status_code == 200, key
    assert client.get(reverse("insight:csv", args=["nope"])).status_code == 404
    assert client.get(reverse("insight:metric", args=["nope"])).status_code == 404


def test_relationships_page_has_table_and_network_diagram(client, personas):
    build(personas)
    login(client, personas.analyst)
    html = client.get(
        reverse("insight:metric", args=["relationships"]), PERIOD_QUERY
    ).content.decode()
    assert 'class="lw-network"' in html and "Riverside Mind" in html
    assert "Unrelated Community Trust" in html


def test_bad_filter_keeps_input_and_explains(client, personas):
    login(client, personas.analyst)
    response = client.get(reverse("insight:dashboard"), {"from": "2026-02-01", "to": "2026-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The end date must be on or after the start date." in html
    assert 'value="2026-02-01"' in html


def test_drilldown_lists_only_related_people_and_is_audited(client, personas):
    s = build(personas, extra_urgent=True)
    # Not answered the same day: i3 (allocated to key_worker's team) and i7 (nobody allocated).
    login(client, personas.key_worker)
    response = client.get(reverse("insight:drilldown", args=["urgent_not_same_day"]), PERIOD_QUERY)
    html = response.content.decode()
    assert response.status_code == 200
    assert s.i3.reference in html and s.i3.person.display_name in html
    assert s.i7.reference not in html and s.i7.person.given_name not in html
    assert 'id="drilldown-withheld"' in html
    event = AuditEvent.objects.filter(action="insight.drilldown").get()
    assert event.actor == personas.key_worker and event.category == "insight"
    assert event.detail["shown"] == 1 and event.detail["withheld"] == 1
    # The person named has the look in their own access log; the one withheld does not.
    named = AuditEvent.objects.filter(action="read", category="insight")
    assert [e.person_id for e in named] == [s.i3.person_id]
    assert named.get().actor == personas.key_worker


def test_drilldown_does_not_name_people_behind_an_offer_waiting_for_a_reply(client, personas):
    from livingwell.accounts.models import Membership
    from livingwell.hub import actions as hub_actions

    s = build(personas, extra_urgent=True)
    # i7 is offered to the key worker's organisation: they see the offer's summary to reply,
    # not the record, so the drill-down must not name the person to them.
    organisation = Membership.objects.filter(user=personas.key_worker).first().organisation
    hub_actions.offer_handover(
        by=personas.hub_worker,
        introduction=s.i7,
        to_organisation=organisation,
        what_is_asked="Peer support.",
    )
    login(client, personas.key_worker)
    html = client.get(
        reverse("insight:drilldown", args=["urgent_not_same_day"]), PERIOD_QUERY
    ).content.decode()
    assert s.i7.reference not in html and s.i7.person.given_name not in html
    assert not AuditEvent.objects.filter(
        action="read", category="insight", person_id=s.i7.person_id
    ).exists()


def test_drilldown_for_analyst_names_nobody(client, personas):
    s = build(personas, extra_urgent=True)
    login(client, personas.analyst)
    html = client.get(
        reverse("insight:drilldown", args=["urgent_not_same_day"]), PERIOD_QUERY
    ).content.decode()
    assert s.i3.reference not in html and s.i7.reference not in html
    assert 'id="drilldown-none"' in html and 'id="drilldown-withheld"' in html
    assert (
        AuditEvent.objects.filter(action="insight.drilldown", actor=personas.analyst).count() == 1
    )
    assert client.get(reverse("insight:drilldown", args=["nope"])).status_code == 404


def test_drilldown_names_nobody_to_a_role_that_cannot_open_records(client, personas):
    """The person asked for their record to be opened to the council, where the analyst works:
    that is a relationship for the council's care staff, but the analyst's role opens no record,
    so the drill-down must not name the person to them (the record itself answers 403)."""
    s = build(personas, extra_urgent=True)
    set_sharing(
        by=personas.key_worker,
        person=s.i3.person,
        organisation=personas.council,
        share_out=True,
        share_in=True,
        open_record=True,
        expressed="phone",
    )
    assert relationship(personas.analyst, s.i3.person) is not None
    login(client, personas.analyst)
    assert client.get(reverse("hub:record", args=[s.i3.pk])).status_code == 403
    html = client.get(
        reverse("insight:drilldown", args=["urgent_not_same_day"]), PERIOD_QUERY
    ).content.decode()
    assert s.i3.reference not in html and s.i3.person.display_name not in html
    assert 'id="drilldown-none"' in html
    event = AuditEvent.objects.get(action="insight.drilldown", actor=personas.analyst)
    assert event.detail["shown"] == 0 and event.detail["withheld"] == 2


def test_board_report_is_a_pdf(client, personas):
    build(personas)
    login(client, personas.analyst)
    response = client.get(reverse("insight:board_report"), PERIOD_QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 3000


def _dashboard_queries(client):
    """Queries of a fresh computation (no stored snapshot to serve)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from livingwell.insight.models import DashboardSnapshot

    DashboardSnapshot.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("insight:dashboard")).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_query_count_does_not_grow_with_data(
    client, personas, django_assert_max_num_queries
):
    from livingwell.core.models import SiteConfig

    SiteConfig.current()  # created once per site, not per page
    login(client, personas.analyst)
    _dashboard_queries(client)  # the first request after sign-in stamps the session
    _many(5)
    small = _dashboard_queries(client)
    _many(25, start=timezone.now() - timedelta(days=60))
    large = _dashboard_queries(client)
    assert small == large
    with django_assert_max_num_queries(small):
        client.get(reverse("insight:dashboard"))  # now served from the stored snapshot
