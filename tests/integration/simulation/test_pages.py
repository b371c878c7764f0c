"""The what-if pages: who may read and write, a run from request to result, refusals."""

import json

import pytest
from django.urls import reverse
from tests.factories import login
from tests.simulation_support import build, document

from livingwell.access.models import AuditEvent
from livingwell.simulation import actions
from livingwell.simulation.models import Run, Scenario


@pytest.fixture
def site(personas):
    build(personas)
    return personas


def _scenario(p) -> Scenario:
    return actions.create_scenario(by=p.analyst, document=document())


def test_not_signed_in_is_sent_to_sign_in(client, db):
    response = client.get(reverse("simulation:scenarios"))
    assert response.status_code == 302 and "sign-in" in response.url


def test_without_insight_permission_is_refused(client, personas):
    login(client, personas.partner_worker)
    assert client.get(reverse("simulation:scenarios")).status_code == 403


def test_a_hub_worker_reads_but_may_not_write_or_run(client, site):
    scenario = _scenario(site)
    login(client, site.hub_worker)
    assert client.get(reverse("simulation:scenario", args=[scenario.pk])).status_code == 200
    assert client.get(reverse("simulation:scenario_new")).status_code == 403
    response = client.post(reverse("simulation:run_new", args=[scenario.pk]))
    assert response.status_code == 403
    assert not Run.objects.exists()


def test_an_analyst_writes_a_scenario_from_the_form(client, site):
    login(client, site.analyst)
    response = client.post(
        reverse("simulation:scenario_new"),
        {
            "name": "Wednesday cover",
            "data_start": "2026-01-05",
            "data_end": "2026-02-16",
            "weeks": "8",
            "rota_wednesday": "2",
            "demand_multiplier": "1.2",
        },
    )
    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("simulation:scenario", args=[scenario.pk])
    assert scenario.document["changes"] == {"demand_multiplier": 1.2, "hub_rota": {"wednesday": 2}}
    assert AuditEvent.objects.filter(action="simulation.scenario.create").count() == 1


def test_a_winter_and_the_urgent_lines_hours_are_written_from_the_form(client, site):
    login(client, site.analyst)
    fields = {"name": "Hard winter", "data_start": "2026-01-05", "data_end": "2026-02-16"}
    response = client.post(
        reverse("simulation:scenario_new"),
        {
            **fields,
            "weeks": "8",
            "month_january": "1.3",
            "month_december": "1.2",
            "urgent_line_hours": " 17-24, 0 to 9 ",
        },
    )
    assert response.status_code == 302
    assert Scenario.objects.get().document["changes"] == {
        "month_multipliers": {"january": 1.3, "december": 1.2},
        "urgent_line_hours": [{"from": 17, "to": 24}, {"from": 0, "to": 9}],
    }
    # "none" closes the line.
    client.post(
        reverse("simulation:scenario_new"),
        {**fields, "name": "No line", "weeks": "8", "urgent_line_hours": "None"},
    )
    assert Scenario.objects.get(name="No line").document["changes"] == {"urgent_line_hours": []}


@pytest.mark.parametrize(
    ("hours", "month", "message"),
    [
        ("20-8", "", "&#x27;to&#x27; (8) must come after &#x27;from&#x27; (20)"),
        ("evenings", "", "Write each range as two whole hours with a dash, for example 17-24"),
        ("17-25", "", "changes.urgent_line_hours.0.to: 25 is greater than the maximum of 24"),
        ("", "11", "Ensure this value is less than or equal to 10"),
    ],
)
def test_bad_hours_or_months_on_the_form_are_refused_beside_the_field(
    client, site, hours, month, message
):
    login(client, site.analyst)
    response = client.post(
        reverse("simulation:scenario_new"),
        {"name": "Bad", "weeks": "8", "urgent_line_hours": hours, "month_march": month},
    )
    assert response.status_code == 200
    text = response.content.decode()
    field = "id_urgent_line_hours" if hours else "id_month_march"
    # The message is in the summary and beside its field, and what was typed is kept.
    assert text.count(message) == 2, text
    assert f'id="{field}-error"' in text
    assert f'value="{hours or month}"' in text
    assert not Scenario.objects.exists()


def test_a_bad_scenario_file_is_refused_whole_with_its_errors(client, site):
    login(client, site.analyst)
    bad = document(hub_rota={"wednesday": -2}, urgent_share=3)
    response = client.post(
        reverse("simulation:scenario_new"), {"document": json.dumps(bad), "weeks": "52"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "changes.hub_rota.wednesday: -2 is less than the minimum of 0" in text
    assert "changes.urgent_share: 3 is greater than the maximum of 1" in text
    assert not Scenario.objects.exists()


def test_a_run_goes_from_request_to_result(client, site, django_capture_on_commit_callbacks):
    scenario = _scenario(site)
    login(client, site.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("simulation:run_new", args=[scenario.pk]), {"replications": "3", "seed": "9"}
        )
    run = Run.objects.get()
    assert response.url == reverse("simulation:run", args=[run.pk])
    assert run.state == Run.State.DONE, run.error
    assert (run.seed, run.replications, run.model_version) == (9, 3, "network-4")
    assert run.result["data_period"] == ["2026-01-05", "2026-02-16"]
    page = client.get(response.url).content.decode()
    assert "Median wait to first conversation (days)" in page
    assert 'id="backtest"' in page and "<svg" in page
    report = client.get(reverse("simulation:report", args=[run.pk])).content.decode()
    assert "Experimentation" in report and "seeds 9 to 11" in report
    assert list(
        AuditEvent.objects.filter(object_id=str(run.pk)).values_list("action", flat=True)
    ) == ["simulation.run.request", "simulation.run.running", "simulation.run.done"]


def test_the_same_seed_gives_the_same_result(site):
    scenario = _scenario(site)
    first = actions.request_run(by=site.analyst, scenario=scenario, enqueue=lambda _id: None)
    again = actions.request_run(by=site.analyst, scenario=scenario, enqueue=lambda _id: None)
    one, two = actions.execute_run(first.pk), actions.execute_run(again.pk)
    for key in ("baseline", "result", "backtest"):
        assert one.result[key] == two.result[key]


def test_a_run_that_cannot_run_is_stored_as_failed_with_the_reason(site):
    scenario = actions.create_scenario(
        by=site.analyst,
        document={**document(), "data_period": {"start": "2019-01-01", "end": "2019-03-01"}},
    )
    run = actions.request_run(by=site.analyst, scenario=scenario, enqueue=lambda _id: None)
    run = actions.execute_run(run.pk)
    assert run.state == Run.State.FAILED
    assert "No introductions" in run.error


def test_a_run_becomes_a_pdsa_prediction_on_a_planned_cycle(client, site):
    from tests.improvement_support import FIRST

    from livingwell.improvement import actions as improvement
    from livingwell.improvement.models import Prediction

    lead = site.analyst
    project = improvement.create_project(
        by=lead,
        title="Hub rota",
        aim_statement="Halve the wait by June.",
        aim_target=3,
        aim_date=FIRST.replace(year=FIRST.year + 1),
        data_from=FIRST,
        teams=(),
    )
    driver = improvement.add_driver(by=lead, project=project, level="primary", text="Capacity")
    idea = improvement.add_change_idea(by=lead, project=project, driver=driver, text="Wednesdays")
    measure = improvement.add_measure(
        by=lead,
        project=project,
        name="",
        kind="outcome",
        improvement="decrease",
        source="wait_days",
    )
    cycle = improvement.plan_cycle(
        by=lead, project=project, change_idea=idea, purpose="Does Wednesday cover cut waits?"
    )
    run = actions.request_run(by=lead, scenario=_scenario(site), enqueue=lambda _id: None)
    run = actions.execute_run(run.pk)
    login(client, lead)
    page = client.get(reverse("simulation:run", args=[run.pk])).content.decode()
    assert f"{cycle.pk}:{measure.pk}" in page
    response = client.post(
        reverse("simulation:predict", args=[run.pk]), {"target": f"{cycle.pk}:{measure.pk}"}
    )
    assert response.status_code == 302
    prediction = Prediction.objects.get(cycle=cycle)
    low = run.result["result"]["median_wait_days"]["ci_low"]
    assert float(prediction.expected_low) == pytest.approx(max(0, low), abs=0.01)
    assert "Another Hub worker on Wednesdays" in prediction.rationale
    # Someone who may not change the project is refused, and nothing is added.
    login(client, site.hub_worker)
    client.post(
        reverse("simulation:predict", args=[run.pk]), {"target": f"{cycle.pk}:{measure.pk}"}
    )
    assert Prediction.objects.filter(cycle=cycle).count() == 1


def test_the_list_shows_each_scenarios_latest_run(client, site):
    scenario = _scenario(site)
    first = actions.request_run(by=site.analyst, scenario=scenario, enqueue=lambda _id: None)
    second = actions.request_run(by=site.analyst, scenario=scenario, enqueue=lambda _id: None)
    login(client, site.analyst)
    page = client.get(reverse("simulation:scenarios")).content.decode()
    assert reverse("simulation:run", args=[second.pk]) in page
    assert reverse("simulation:run", args=[first.pk]) not in page


def _queued_run(p) -> Run:
    return actions.request_run(by=p.analyst, scenario=_scenario(p), enqueue=lambda run_id: None)


def test_a_running_runs_page_shows_its_progress_and_a_link_to_check_it_without_reloading(
    client, site
):
    run = _queued_run(site)
    login(client, site.hub_worker)
    page = client.get(reverse("simulation:run", args=[run.pk])).content.decode()
    progress_url = reverse("simulation:run_progress", args=[run.pk])
    assert 'aria-live="polite"' in page and "Waiting to start." in page
    assert f'data-lw-poll="{progress_url}"' in page and "Check progress" in page
    assert "http-equiv" not in page  # no meta refresh: the page never reloads by itself
    Run.objects.filter(pk=run.pk).update(state="running", progress=0.456, progress_note="Scenario")
    page = client.get(reverse("simulation:run", args=[run.pk])).content.decode()
    assert "Running: 46% done. Now: Scenario." in page
    assert '<progress max="100" value="46"' in page


def test_the_progress_json_follows_the_run_behind_the_pages_policy(client, site):
    run = _queued_run(site)
    url = reverse("simulation:run_progress", args=[run.pk])
    assert client.get(url).status_code == 302  # not signed in
    login(client, site.partner_worker)
    assert client.get(url).status_code == 403
    login(client, site.hub_worker)
    response = client.get(url)
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "state": "queued",
        "finished": False,
        "progress": 0.0,
        "percent": 0,
        "text": "Waiting to start.",
    }
    assert client.post(url).status_code == 405
    actions.execute_run(run.pk)
    status = client.get(url).json()
    assert (status["state"], status["finished"], status["percent"]) == ("done", True, 100)
    page = client.get(reverse("simulation:run", args=[run.pk])).content.decode()
    assert "data-lw-poll" not in page and "Median wait to first conversation" in page
