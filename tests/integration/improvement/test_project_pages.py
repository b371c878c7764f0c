"""Improvement project pages: who may open and change them, the stages through the pages, and
predictions refused after the Do stage starts."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from tests import factories
from tests.improvement_support import DO_START, build_project, weekly_points

from livingwell.improvement import actions
from livingwell.improvement.models import ImprovementProject, PDSACycle, Prediction

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(personas):
    return build_project(personas.hub_worker)


def url(name, built=None, **kw):
    if built is not None:
        kw.setdefault("project_id", built.project.pk)
    return reverse(f"improvement:{name}", kwargs=kw)


def test_pages_need_sign_in_and_the_permission(client, personas, built):
    project = url("project", built)
    response = client.get(project)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    factories.login(client, personas.privacy_officer)  # no improvement role
    assert client.get(url("portfolio")).status_code == 403
    assert client.get(project).status_code == 403


def test_the_portfolio_shows_each_project_with_its_aim_and_fidelity(client, personas, built):
    factories.login(client, personas.analyst)
    page = client.get(url("portfolio")).content.decode()
    assert "Calls returned the same morning" in page
    assert "Return 15 of every 20 Hub calls" in page
    assert "Offer a booked call-back slot: 0 of 5" in page
    assert "No cycle studied yet" in page


def test_the_project_page_shows_aim_diagram_measures_and_cycles(client, personas, built):
    factories.login(client, personas.hub_worker)
    page = client.get(url("project", built)).content.decode()
    assert 'class="lw-driver-diagram"' in page
    assert "Secondary driver:</span> Call-back slots" in page  # the list beside the diagram
    assert 'id="measure-M1"' in page and 'class="lw-xmr-chart"' in page
    assert 'id="cycles-I1"' in page
    assert 'data-criterion="iterative" data-met="false"' in page


def test_someone_off_the_team_can_read_but_not_change(client, personas, built):
    factories.login(client, personas.key_worker)
    assert client.get(url("project", built)).status_code == 200
    assert b"Add a driver" not in client.get(url("project", built)).content
    response = client.post(url("driver_add", built), {"level": "primary", "text": "Mine"})
    assert response.status_code == 403
    assert built.project.drivers.count() == 2


def test_a_form_error_names_its_field_and_keeps_what_was_typed(client, personas):
    factories.login(client, personas.hub_worker)
    response = client.post(url("project_new"), {"title": "Warmer handovers", "aim_statement": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Start an improvement project" in page
    assert 'href="#id_aim_statement">Enter the aim' in page
    assert 'value="Warmer handovers"' in page
    assert not ImprovementProject.objects.filter(title="Warmer handovers").exists()


def test_a_team_runs_a_cycle_through_the_pages(client, personas, built):
    factories.login(client, personas.hub_worker)
    cycle = url("cycle", built, cycle_id=built.cycle.pk)
    response = client.post(url("start_do", built, cycle_id=built.cycle.pk))
    assert response.status_code == 302
    assert PDSACycle.objects.get(pk=built.cycle.pk).stage == "do"
    page = client.get(cycle).content.decode()
    assert 'id="predictions-locked"' in page
    response = client.post(url("do", built, cycle_id=built.cycle.pk), {"ran_as_planned": "no"})
    assert "<title>Error: PDSA cycle C1" in response.content.decode()
    assert "Say what was done differently" in response.content.decode()
    client.post(url("do", built, cycle_id=built.cycle.pk), {"ran_as_planned": "yes"})
    client.post(
        url("study", built, cycle_id=built.cycle.pk),
        {"study_date": date.today().isoformat(), "learning": "Mornings calmer"},
    )
    client.post(
        url("act", built, cycle_id=built.cycle.pk),
        {"decision": "adapt", "rationale": "Try two slots an hour"},
    )
    done = PDSACycle.objects.get(pk=built.cycle.pk)
    assert (done.stage, done.decision) == ("done", "adapt")


def test_a_prediction_edit_after_do_starts_is_refused_by_the_page(client, personas, built):
    factories.login(client, personas.hub_worker)
    edit = url("prediction", built, cycle_id=built.cycle.pk, prediction_id=built.prediction.pk)
    assert b'name="expected_low"' in client.get(edit).content  # open while in Plan
    actions.start_do(by=personas.hub_worker, cycle=built.cycle)
    page = client.get(edit).content.decode()
    assert 'id="predictions-locked"' in page and 'name="expected_low"' not in page
    response = client.post(
        edit,
        {
            "measure": built.measure.pk,
            "direction": "increase",
            "expected_low": "1",
            "expected_high": "2",
        },
    )
    assert "locked when its Do stage started" in response.content.decode()
    assert Prediction.objects.get(pk=built.prediction.pk).expected_low == 13
    add = client.post(
        url("prediction_add", built, cycle_id=built.cycle.pk),
        {
            "measure": built.measure.pk,
            "direction": "decrease",
            "expected_low": "1",
            "expected_high": "2",
        },
    )
    assert "locked when its Do stage started" in add.content.decode()
    assert Prediction.objects.filter(cycle=built.cycle).count() == 1


def test_the_study_stage_shows_what_the_platform_worked_out(client, personas, built):
    by = personas.hub_worker
    actions.start_do(by=by, cycle=built.cycle, on=DO_START)
    weekly_points(by, built.measure, [16, 14, 15], start=DO_START)
    actions.record_do(by=by, cycle=built.cycle, ran_as_planned="yes")
    actions.record_study(by=by, cycle=built.cycle, study_date=date(2026, 4, 20), learning="Yes")
    factories.login(client, by)
    page = client.get(url("cycle", built, cycle_id=built.cycle.pk)).content.decode()
    assert "15 <span" in page  # observed
    assert "Met</strong>" in page
    assert "Special cause improvement" in page
    assert 'id="balancing"' in page and 'id="equity"' in page


def test_the_team_builds_a_project_through_its_pages(client, personas):
    factories.login(client, personas.hub_worker)
    response = client.post(
        url("project_new"),
        {
            "title": "Fewer people lost at handover",
            "aim_statement": "Every handover accepted within a week by June.",
            "data_from": "2026-06-01",
            "teams": [personas.hub_team.pk],
        },
    )
    project = ImprovementProject.objects.get(title="Fewer people lost at handover")
    assert response["Location"] == url("project", project_id=project.pk)
    assert list(project.teams.all()) == [personas.hub_team]
    p = {"project_id": project.pk}
    for name, data in (
        ("member_add", {"name": "Ade", "role": "Co-producer", "lived_experience": "on"}),
        ("progress", {"score": "1.5", "note": "Planning"}),
        ("driver_add", {"level": "primary", "text": "People meet their new worker"}),
    ):
        got = client.get(url(name, **p))
        assert got.status_code == 200, name
        assert client.post(url(name, **p), data).status_code == 302, name
    driver = project.drivers.get()
    refused = client.post(url("driver_add", **p), {"level": "secondary", "text": "Orphan"})
    assert "Choose the primary driver" in refused.content.decode()
    assert client.post(url("idea_add", **p), {"driver": driver.pk, "text": "Three-way call"})[
        "Location"
    ] == url("project", **p)
    client.post(
        url("measure_add", **p),
        {"source": "wait_days", "name": "", "kind": "process", "improvement": "decrease"},
    )
    client.post(
        url("measure_add", **p),
        {
            "source": "manual",
            "name": "Accepted in a week (%)",
            "kind": "outcome",
            "improvement": "increase",
            "unit": "%",
        },
    )
    network, manual = project.measures.order_by("created_at")
    assert network.source == "wait_days" and network.unit == "days"
    bad = client.post(url("point_add", measure_id=manual.pk, **p), {"on": "2026-11-02"})
    assert "Enter the value as a number" in bad.content.decode()
    client.post(url("point_add", measure_id=manual.pk, **p), {"on": "2026-11-02", "value": "62"})
    assert manual.points.get().value == 62
    client.post(
        url("aim", **p),
        {
            "aim_statement": "Three in four accepted in a week.",
            "aim_measure": manual.pk,
            "aim_target": "75",
        },
    )
    project.refresh_from_db()
    assert (project.aim_measure, project.aim_target) == (manual, 75)
    page = client.get(url("project", **p)).content.decode()
    assert "Ade, Co-producer" in page and "Lived experience" in page
    assert "1.5 – Planning for the project has begun" in page
    assert "Three-way call" in page


def test_text_a_team_typed_is_escaped_in_the_driver_diagram_and_its_list(client, personas, built):
    # The diagram is SVG drawn by a template: every text in it must arrive escaped, as in the
    # accessible list beside it.
    actions.add_driver(
        by=personas.hub_worker,
        project=built.project,
        level="primary",
        text='<script>alert("x")</script> & <b>bold</b>',
    )
    factories.login(client, personas.hub_worker)
    page = client.get(url("project", built)).content.decode()
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    diagram = page.split('class="lw-driver-diagram"', 1)[1].split("</svg>", 1)[0]
    assert "&lt;script&gt;alert" in diagram
