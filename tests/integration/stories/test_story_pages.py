"""The stories pages: who may open them, what they show, and the public impact page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from tests import factories
from tests.integration.stories import helpers

from livingwell.access.models import AuditEvent
from livingwell.stories import actions
from livingwell.stories.models import Signifier, Story

pytestmark = pytest.mark.django_db

REASONS = "It shows how peer support changed everything. The panel agreed it was the clearest."


def test_the_pattern_page_draws_the_triangle_with_escaped_labels_and_suppresses_small_sets(
    client, personas
):
    c = helpers.collection(
        signifiers=[
            {
                "kind": Signifier.Kind.TRIAD,
                "question": "What helped?",
                "labels": ["<script>alert(1)</script>", "Support", "Me"],
            }
        ]
    )
    triad = c.signifiers.get()
    for n in range(12):
        helpers.story(c, answers={triad.pk: {"values": [60 - n, 30, 10 + n]}})
    factories.login(client, personas.analyst)
    page = client.get(reverse("stories:pattern", args=[c.pk])).content.decode()
    assert "<svg" in page and page.count("<circle") == 13  # 12 stories and the mean
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "closed geometric mean" in page
    # Filtered to a domain with no stories: nothing drawn, no counts leak.
    empty = client.get(
        reverse("stories:pattern", args=[c.pk]), {"a-domain": c.domains.last().pk}
    ).content.decode()
    assert "<circle" not in empty and "Too few stories" in empty


def test_the_pattern_page_compares_two_sets_side_by_side(client, personas):
    c = helpers.collection()
    for _n in range(9):
        helpers.story(c, source="person")
        helpers.story(c, source="carer")
    factories.login(client, personas.analyst)
    page = client.get(
        reverse("stories:pattern", args=[c.pk]), {"a-source": "person", "b-source": "carer"}
    ).content.decode()
    assert "First set" in page and "Second set" in page


def test_pattern_pages_need_the_permission(client, personas):
    c = helpers.collection()
    url = reverse("stories:pattern", args=[c.pk])
    assert client.get(url).status_code == 302
    factories.login(client, personas.privacy_officer)
    assert client.get(url).status_code == 403


def test_a_care_team_only_story_is_not_found_for_an_unrelated_worker_and_the_refusal_is_audited(
    client, personas
):
    intro = factories.introduction()
    c = helpers.collection()
    s = helpers.story(
        c, introduction=intro, consents={"care_team": {"permitted": True, "identity": "named"}}
    )
    url = reverse("stories:story", args=[s.pk])
    factories.login(client, personas.unrelated_worker)
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(
        category="story", outcome="refused", person_id=intro.person_id
    ).exists()
    factories.login(client, personas.hub_worker)  # the Hub holds the open introduction
    response = client.get(url)
    assert response.status_code == 200 and s.what_happened in response.content.decode()
    assert AuditEvent.objects.filter(
        category="story", action="read", outcome="allowed", person_id=intro.person_id
    ).exists()


def test_a_story_with_no_consent_for_learning_is_not_found_even_for_an_analyst(client, personas):
    c = helpers.collection()
    s = helpers.story(c, consents={})
    factories.login(client, personas.analyst)
    assert client.get(reverse("stories:story", args=[s.pk])).status_code == 404


def _link(personas, settings):
    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.MemoryBackend"
    intro = factories.introduction()
    c = helpers.collection()
    _link_obj, raw = actions.create_teller_link(
        by=personas.hub_worker, introduction=intro, collection=c
    )
    return c, raw


def _post(c, **overrides):
    triad, dyad, choice = helpers.sigs(c)
    data = {
        "risk_now": "no",
        "domain": str(c.domains.first().pk),
        "what_happened": "I joined the allotment group.",
        "why_it_matters": "I am outside more.",
        f"sig_{triad.pk}_1": "50",
        f"sig_{triad.pk}_2": "25",
        f"sig_{triad.pk}_3": "25",
        f"sig_{dyad.pk}_1": "80",
        f"sig_{choice.pk}_choice": "Hopeful",
        "audiences": ["network_learning", "public_website"],
        "identity": "anonymous",
    }
    data.update(overrides)
    return data


def test_the_tellers_link_keeps_their_words_when_the_numbers_do_not_add_up(
    client, personas, settings
):
    c, raw = _link(personas, settings)
    triad = helpers.sigs(c)[0]
    response = client.post(
        reverse("stories:tell", args=[raw]), _post(c, **{f"sig_{triad.pk}_3": "40"})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "must add up to 100" in page and "I joined the allotment group." in page
    assert f'href="#id_sig_{triad.pk}_1"' in page
    assert not Story.objects.exists()


def test_a_story_told_through_the_link_with_risk_shows_urgent_help_and_reaches_the_hub(
    client, personas, settings
):
    c, raw = _link(personas, settings)
    response = client.post(reverse("stories:tell", args=[raw]), _post(c, risk_now="self"))
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "tel:999" in done and "try to call today" in done
    story = Story.objects.get()
    assert story.urgent_introduction.urgent
    # The same link now shows the consent and lets the teller withdraw it.
    page = client.get(reverse("stories:tell", args=[raw])).content.decode()
    assert "Withdraw my consent" in page
    client.post(reverse("stories:tell", args=[raw]), {"withdraw": "1"})
    assert story.consents.filter(kind="withdrawn").count() == 6


def test_the_impact_page_shows_a_chosen_public_story_until_consent_is_withdrawn(client, personas):
    c = helpers.collection()
    s = helpers.story(c)
    actions.write_public_text(by=personas.key_worker, story=s, text="Walking made me well.")
    actions.approve_public_text(by=personas.hub_worker, story=s, warnings_read=True)
    actions.select_story(
        by=personas.hub_worker,
        panel=c.panels.get(level=1),
        domain=s.domain,
        story=s,
        reasons=REASONS,
        attendance={"Peer worker": 2},
        met_on=date.today(),
    )
    page = client.get(reverse("stories:impact")).content.decode()
    assert "Walking made me well." in page
    assert "How we work these out" in page and "Figures last updated" in page
    actions.withdraw_consent(by=None, story=s, audiences=["public_website"])
    assert "Walking made me well." not in client.get(reverse("stories:impact")).content.decode()


def test_a_worker_writes_a_story_down_linked_to_a_person_in_their_care(client, personas):
    intro = factories.introduction()
    c = helpers.collection()
    factories.login(client, personas.hub_worker)
    url = reverse("stories:tell_with_worker", args=[c.pk]) + f"?introduction={intro.pk}"
    assert client.get(url).status_code == 200
    data = _post(c, source="carer", channel="conversation", names_third_parties="on")
    response = client.post(url, data)
    assert response.status_code == 302
    s = Story.objects.get()
    assert s.person_id == intro.person_id and s.names_third_parties and s.source == "carer"
    factories.login(client, personas.unrelated_worker)
    assert client.get(url).status_code == 404


def test_a_panel_page_records_a_choice_with_reasons(client, personas):
    c = helpers.collection()
    s = helpers.story(c)
    domain = s.domain
    team_lead = factories.user("lead", team=personas.hub_team, role="team_lead")
    factories.login(client, team_lead)
    url = reverse("stories:panel", args=[c.pk, 1])
    prefix = f"d{domain.pk}"
    bad = client.post(
        url,
        {
            "domain": domain.pk,
            f"{prefix}-story": s.pk,
            f"{prefix}-reasons": "",
            f"{prefix}-met_on": "2026-01-05",
            f"{prefix}-attendance": "Peer worker: 2",
        },
    )
    assert bad.status_code == 200 and "Enter why the panel chose it" in bad.content.decode()
    good = client.post(
        url,
        {
            "domain": domain.pk,
            f"{prefix}-story": s.pk,
            f"{prefix}-reasons": REASONS,
            f"{prefix}-met_on": "2026-01-05",
            f"{prefix}-attendance": "Peer worker: 2\nLived experience: 3",
        },
    )
    assert good.status_code == 302
    selection = s.selections.get()
    assert selection.attendance == {"Peer worker": 2, "Lived experience": 3}


def test_a_site_defines_a_collection_with_its_signifiers(client, personas):
    lead = factories.user("lead", team=personas.hub_team, role="team_lead")
    factories.login(client, lead)
    url = reverse("stories:collection_new")
    data = {
        "title": "Winter stories",
        "prompt": "What changed?",
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "domains": "Quality of life\nAny other change",
        "signifiers": "triad: What helped? | People | Support | Me\ndyad: Say? | None | All",
    }
    bad = client.post(url, data | {"signifiers": "triad: What helped? | People | Support"})
    assert bad.status_code == 200 and "three anchors" in bad.content.decode()
    assert client.post(url, data).status_code == 302
    from livingwell.stories.models import Collection

    c = Collection.objects.get(title="Winter stories")
    assert [s.kind for s in c.signifiers.all()] == ["triad", "dyad"]
    assert c.panels.count() == 3
    factories.login(client, personas.analyst)
    assert client.get(url).status_code == 403


def test_a_worker_links_a_story_by_reference_only_to_someone_in_their_care(client, personas):
    intro = factories.introduction()
    c = helpers.collection()
    url = reverse("stories:tell_with_worker", args=[c.pk])
    factories.login(client, personas.unrelated_worker)
    assert client.get(url, {"reference": intro.reference}).status_code == 404
    assert client.get(url, {"reference": "NOSUCHREF"}).status_code == 404
    factories.login(client, personas.hub_worker)
    response = client.get(url, {"reference": intro.reference.lower()})
    assert response.status_code == 302 and str(intro.pk) in response["Location"]


def test_filters_the_site_does_not_know_are_refused_with_a_message(client, personas):
    c = helpers.collection()
    factories.login(client, personas.analyst)
    page = client.get(reverse("stories:pattern", args=[c.pk]), {"a-tier": "nope"}).content
    assert b"were not applied" in page


def test_the_impact_page_serves_the_stored_figures_and_never_waits_for_a_recalculation(personas):
    from datetime import timedelta

    from django.utils import timezone

    from livingwell.core.models import SiteConfig
    from livingwell.insight import metrics, snapshots
    from livingwell.insight.models import DashboardSnapshot
    from livingwell.stories import impact

    site = SiteConfig.current()
    snapshots.compute(metrics.Filters.default(), site)
    old = timezone.now() - timedelta(days=2)
    DashboardSnapshot.objects.update(computed_at=old)
    assert impact.context()["figures_at"] == old
    assert DashboardSnapshot.objects.count() == 1


def test_a_pdsa_cycles_window_shows_the_stories_told_in_it(client, personas):
    from datetime import timedelta

    from django.utils import timezone

    from livingwell.improvement import actions as improvement

    today = timezone.localdate()
    c = helpers.collection()
    helpers.story(c, title="Before the change", told_on=today - timedelta(days=20))
    helpers.story(c, title="During the change", told_on=today - timedelta(days=2))
    project = improvement.create_project(
        by=personas.hub_worker,
        title="Warmer welcomes",
        aim_statement="Everyone feels welcome by March.",
        data_from=today - timedelta(days=200),
    )
    driver = improvement.add_driver(
        by=personas.hub_worker, project=project, level="primary", text="Welcome"
    )
    idea = improvement.add_change_idea(
        by=personas.hub_worker, project=project, driver=driver, text="A greeter"
    )
    cycle = improvement.plan_cycle(
        by=personas.hub_worker, project=project, change_idea=idea, purpose="Try a greeter"
    )
    improvement.start_do(by=personas.hub_worker, cycle=cycle, on=today - timedelta(days=7))
    factories.login(client, personas.analyst)
    page = client.get(reverse("stories:cycle", args=[cycle.pk])).content.decode()
    assert "During the change" in page and "Before the change" not in page
    assert "Before the cycle" in page


def test_consent_on_a_story_is_changed_only_by_the_persons_care_team_or_its_collector(
    client, personas
):
    intro = factories.introduction()
    c = helpers.collection()
    linked = helpers.story(c, introduction=intro)
    unlinked = helpers.story(c, by=personas.key_worker)
    factories.login(client, personas.unrelated_worker)
    for s in (linked, unlinked):
        url = reverse("stories:consent", args=[s.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"withdraw": "1"}).status_code == 404
    factories.login(client, personas.key_worker)
    assert (
        client.post(reverse("stories:consent", args=[unlinked.pk]), {"withdraw": "1"}).status_code
        == 302
    )
    factories.login(client, personas.hub_worker)
    assert (
        client.post(reverse("stories:consent", args=[linked.pk]), {"withdraw": "1"}).status_code
        == 302
    )
    assert linked.consents.filter(kind="withdrawn").count() == 6


def test_the_equity_filter_narrows_to_one_group(client, personas):
    c = helpers.collection()
    women = factories.introduction(person=factories.person_details(sex="female"))
    men = factories.introduction(person=factories.person_details(sex="male"))
    for _n in range(9):
        helpers.story(c, introduction=women, title="Told by a woman")
    helpers.story(c, introduction=men, title="Told by a man")
    from livingwell.stories import queries

    assert len(queries.filtered(c, {"equity": "sex:female"})) == 9
    assert len(queries.filtered(c, {"equity": "sex:male"})) == 1
    factories.login(client, personas.analyst)
    page = client.get(reverse("stories:pattern", args=[c.pk]), {"a-equity": "sex:male"})
    assert "Too few stories" in page.content.decode()


def test_a_persons_stories_are_listed_for_their_care_team_only(client, personas):
    intro = factories.introduction()
    c = helpers.collection()
    helpers.story(c, introduction=intro, title="Shared with the care team")
    helpers.story(c, introduction=intro, title="Kept for learning", consents=helpers.LEARNING_ONLY)
    url = reverse("stories:person", args=[intro.pk])
    factories.login(client, personas.unrelated_worker)
    assert client.get(url).status_code == 404
    factories.login(client, personas.hub_worker)
    page = client.get(url).content.decode()
    assert "Shared with the care team" in page and "Kept for learning" not in page
    assert AuditEvent.objects.filter(
        category="story", action="read", person_id=intro.person_id
    ).exists()
