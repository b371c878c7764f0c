"""Demo improvement projects and learning responses for the seed (every word invented).

Built through the real actions, as the demo personas, so each is what a team would have made:
a project testing same-day answers to urgent introductions against the network's own weekly
figures for the Hub (two linked cycles studied, a third under way), one on handovers measured by
hand with a lived-experience member, one still in planning; an After Action Review about an urgent
call-back (linked to an introduction, so only the person's care team can open it), a swarm huddle
raised by a voluntary organisation and a multidisciplinary review. Some safety actions are
overdue, so their owners see them. ``start_do(on=...)`` replays Do stages that began in the past,
as the seed replays the rest of the site's history.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from livingwell.accounts.models import Team, User
from livingwell.improvement import actions


def _weeks_ago(today: date, n: int) -> date:
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=n)


def build_demo(rng: random.Random, now: datetime) -> dict[str, int]:
    people = {u.username: u for u in User.objects.filter(is_demo_persona=True)}
    needed = {"team.lead", "hub.worker", "peer.worker", "partner.worker", "key.worker"}
    if not needed <= set(people):
        return {"projects": 0, "responses": 0}
    today = timezone.localdate(now)
    lead, hub, peer = people["team.lead"], people["hub.worker"], people["peer.worker"]
    partner, key = people["partner.worker"], people["key.worker"]
    hub_team = Team.objects.filter(is_hub=True).order_by("name").first()

    urgent = _urgent_project(rng, today, lead, hub, peer, hub_team)
    _handover_project(rng, today, partner, hub)
    _planning_project(today, key)
    _learning_responses(today, lead, hub, partner, key, urgent)
    return {"projects": 3, "responses": 3}


def _urgent_project(rng, today, lead, hub, peer, hub_team):
    p = actions.create_project(
        by=lead,
        title="Same-day answers to urgent introductions",
        aim_statement=(
            "Every urgent introduction has a conversation the same day: 95 in every 100 by the "
            "end of March, up from about 80."
        ),
        aim_target=95,
        aim_date=today + timedelta(days=120),
        data_from=_weeks_ago(today, 40),
        teams=[hub_team] if hub_team else [],
    )
    actions.add_member(by=lead, project=p, name=str(hub), role="Hub practitioner", user=hub)
    actions.add_member(by=lead, project=p, name=str(peer), role="Peer support worker", user=peer)
    actions.add_member(
        by=lead, project=p, name="Ade", role="Lived-experience co-producer", lived_experience=True
    )
    capacity = actions.add_driver(
        by=lead, project=p, level="primary", text="The Hub sees urgent work the moment it arrives"
    )
    holder = actions.add_driver(
        by=lead,
        project=p,
        level="secondary",
        parent=capacity,
        text="One named person holds the urgent list each session",
    )
    contact = actions.add_driver(
        by=lead, project=p, level="primary", text="People know when we will call and answer"
    )
    texting = actions.add_driver(
        by=lead,
        project=p,
        level="secondary",
        parent=contact,
        text="A text saying when the call will come",
    )
    idea = actions.add_change_idea(
        by=lead, project=p, driver=holder, text="An urgent-list holder on every shift"
    )
    actions.add_change_idea(
        by=lead, project=p, driver=texting, text="Text the person a call-back time"
    )
    same_day = actions.add_measure(
        by=lead,
        project=p,
        name="",
        kind="outcome",
        improvement="increase",
        source="urgent_same_day",
    )
    wait = actions.add_measure(
        by=lead, project=p, name="", kind="process", improvement="decrease", source="wait_days"
    )
    actions.add_measure(
        by=lead,
        project=p,
        name="",
        kind="balancing",
        improvement="increase",
        source="introductions",
    )
    actions.update_aim(
        by=lead,
        project=p,
        aim_statement=p.aim_statement,
        aim_measure=same_day,
        aim_target=95,
        aim_date=p.aim_date,
    )
    for weeks, score, note in (
        (38, "1.0", "Team and charter agreed with the collaborative."),
        (20, "2.0", "First test under way."),
        (6, "2.5", "Tested; too early to say it is an improvement."),
    ):
        actions.set_progress_score(
            by=lead, project=p, score=score, on=_weeks_ago(today, weeks), note=note
        )

    first = actions.plan_cycle(
        by=lead,
        project=p,
        change_idea=idea,
        purpose="Does a named urgent-list holder on the morning shift answer urgent work sooner?",
        questions="Can one person hold the list alongside their own calls?",
        scale_who="One Hub practitioner",
        scale_where="Monday to Friday morning shift",
        scale_people=8,
        scale_duration="Four weeks",
        data_plan="The network's weekly same-day figure; a tally of interruptions.",
    )
    actions.add_prediction(
        by=lead,
        cycle=first,
        measure=same_day,
        direction="increase",
        expected_low=85,
        expected_high=100,
        rationale="Nothing urgent waits for someone to notice it.",
    )
    actions.add_prediction(
        by=lead,
        cycle=first,
        measure=wait,
        direction="no_change",
        expected_low=0,
        expected_high=3,
        rationale="Holding the list should not slow the other first conversations.",
    )
    actions.start_do(by=lead, cycle=first, on=_weeks_ago(today, 16))
    actions.record_do(
        by=hub,
        cycle=first,
        ran_as_planned="partly",
        deviations="Two mornings without cover: the list went unheld.",
        observations="Calls were made earlier in the morning.",
        surprises="The holder was interrupted often by routine queries.",
    )
    actions.record_study(
        by=lead,
        cycle=first,
        study_date=_weeks_ago(today, 12),
        learning="Urgent calls happened earlier, but cover gaps undo it. Protect the role.",
    )
    actions.record_act(
        by=lead,
        cycle=first,
        decision="adapt",
        rationale="Keep the holder; protect the time and test on every shift.",
    )
    second = actions.plan_cycle(
        by=lead,
        project=p,
        change_idea=idea,
        parent=first,
        purpose="A protected urgent-list holder on every shift, with a named cover.",
        scale_who="The whole Hub team",
        scale_where="Every shift",
        scale_people=40,
        scale_duration="Six weeks",
        data_plan="The same weekly figures.",
    )
    actions.add_prediction(
        by=lead,
        cycle=second,
        measure=same_day,
        direction="increase",
        expected_low=90,
        expected_high=100,
        rationale="Cover gaps were the main loss in the first cycle.",
    )
    actions.start_do(by=lead, cycle=second, on=_weeks_ago(today, 10))
    actions.record_do(by=hub, cycle=second, ran_as_planned="yes", observations="Held every day.")
    actions.record_study(
        by=lead,
        cycle=second,
        study_date=_weeks_ago(today, 4),
        learning="Held every shift; the peer worker's cover worked well.",
    )
    actions.record_act(
        by=lead,
        cycle=second,
        decision="adopt",
        rationale="It is now how the Hub works.",
        process_change_measures=[same_day],
        process_change_date=_weeks_ago(today, 4),
        process_change_note="Urgent-list holder on every shift",
    )
    third = actions.plan_cycle(
        by=peer,
        project=p,
        change_idea=idea,
        parent=second,
        purpose="Does the holder also catch urgent work from the weekend?",
        scale_people=60,
        scale_where="Monday mornings",
    )
    actions.add_prediction(
        by=peer,
        cycle=third,
        measure=same_day,
        direction="increase",
        expected_low=92,
        expected_high=100,
    )
    actions.start_do(by=peer, cycle=third)
    return p


def _handover_project(rng, today, partner, hub):
    p = actions.create_project(
        by=partner,
        title="Warmer handovers to partner organisations",
        aim_statement=(
            "Three in four handovers accepted within five working days, with the person met "
            "together, by the summer."
        ),
        aim_target=75,
        aim_date=today + timedelta(days=200),
        data_from=_weeks_ago(today, 24),
    )
    actions.add_member(by=partner, project=p, name=str(hub), role="Hub practitioner", user=hub)
    actions.add_member(
        by=partner, project=p, name="Bea", role="Lived-experience adviser", lived_experience=True
    )
    primary = actions.add_driver(
        by=partner, project=p, level="primary", text="The person meets their new worker early"
    )
    idea = actions.add_change_idea(
        by=partner, project=p, driver=primary, text="A three-way phone call at handover"
    )
    accepted = actions.add_measure(
        by=partner,
        project=p,
        name="Handovers accepted within five working days (%)",
        kind="outcome",
        improvement="increase",
        unit="%",
        definition="Counted by hand each week from the partner's handover log.",
    )
    declined = actions.add_measure(
        by=partner,
        project=p,
        name="Handovers declined (%)",
        kind="balancing",
        improvement="decrease",
        unit="%",
    )
    do_start = _weeks_ago(today, 8)
    for weeks in range(24, 0, -1):
        on = _weeks_ago(today, weeks)
        lift = 12 if on >= do_start else 0
        actions.record_point(
            by=partner, measure=accepted, on=on, value=round(rng.gauss(58 + lift, 5))
        )
        actions.record_point(by=partner, measure=declined, on=on, value=round(rng.gauss(14, 3)))
    actions.set_progress_score(
        by=partner, project=p, score="2.0", on=_weeks_ago(today, 9), note="Testing started."
    )
    cycle = actions.plan_cycle(
        by=partner,
        project=p,
        change_idea=idea,
        purpose="Does a three-way call at handover get handovers accepted sooner?",
        scale_who="Two wellbeing workers",
        scale_people=6,
        scale_duration="Four weeks",
    )
    actions.add_prediction(
        by=partner,
        cycle=cycle,
        measure=accepted,
        direction="increase",
        expected_low=65,
        expected_high=80,
        rationale="People who have spoken to us already say yes sooner.",
    )
    actions.start_do(by=partner, cycle=cycle, on=do_start)
    actions.record_do(by=partner, cycle=cycle, ran_as_planned="yes", observations="Calls short.")
    actions.record_study(
        by=partner,
        cycle=cycle,
        study_date=_weeks_ago(today, 2),
        learning="More people said yes on the call itself. Finding a time for three is hard.",
    )
    return p


def _planning_project(today, key):
    p = actions.create_project(
        by=key,
        title="Goals people choose themselves",
        aim_statement="Every plan has at least one goal in the person's own words by the autumn.",
        data_from=_weeks_ago(today, 12),
    )
    actions.set_progress_score(by=key, project=p, score="1.5", on=today, note="Planning begun.")
    return p


def _learning_responses(today, lead, hub, partner, key, urgent_project):
    from livingwell.intake.models import Introduction

    intro = (
        Introduction.objects.filter(urgent=True)
        .exclude(state=Introduction.State.CLOSED)
        .order_by("-received_at")
        .first()
    )
    aar = actions.raise_response(
        by=lead,
        kind="aar",
        event_kind="near_miss",
        title="Urgent introduction not called back before the shift ended",
        event_date=today - timedelta(days=40),
        response_date=today - timedelta(days=36),
        introduction=intro,
    )
    actions.update_response(
        by=lead,
        response=aar,
        expected="An urgent introduction is called the same day, by whoever is free.",
        happened=(
            "It arrived during the shift handover; each shift thought the other had it. A peer "
            "worker noticed it on the board at 16:40 and called."
        ),
        difference="No one held the urgent list across the handover; the board did not alert.",
        learned="Urgent work needs a named holder at every moment, including handovers.",
        participant_roles=["role:hub_worker", "role:peer_worker", "role:team_lead", "person"],
        person_involvement="involved",
        support_offered=True,
    )
    for seips, effect, text in (
        ("organisation", "contributed", "Shift handover had no fixed time to review urgent work"),
        ("tools", "contributed", "The board gave no alert for a new urgent introduction"),
        ("person", "went_well", "A peer worker checked the board before leaving and called"),
    ):
        actions.add_factor(by=lead, response=aar, seips=seips, effect=effect, description=text)
    overdue = actions.add_safety_action(
        by=lead,
        response=aar,
        description="Review urgent work together at every shift handover",
        owner=hub,
        due_date=today - timedelta(days=5),
        measure="Urgent introductions answered the same day",
    )
    actions.add_safety_action(
        by=lead,
        response=aar,
        description="Ask for an alert on the board when an urgent introduction arrives",
        owner=lead,
        due_date=today + timedelta(days=30),
        measure="Minutes from arrival to first look",
    )
    primary = urgent_project.drivers.filter(level="primary").first()
    actions.safety_action_to_change_idea(
        by=lead,
        action=overdue,
        project=urgent_project,
        driver=primary,
        text="Urgent work reviewed at every shift handover",
    )
    try:
        actions.share_learning_summary(
            by=lead,
            response=aar,
            summary=(
                "Urgent work can fall between shifts. A named holder of the urgent list at "
                "every moment, handovers included, closed the gap."
            ),
        )
    except actions.ImprovementError:
        pass  # the check found a word that is also the synthetic person's name: left unshared

    swarm = actions.raise_response(
        by=partner,
        kind="swarm",
        event_kind="incident",
        title="Handover letter sent to an old address",
        event_date=today - timedelta(days=20),
        response_date=today - timedelta(days=20),
    )
    actions.update_response(
        by=partner,
        response=swarm,
        expected="The welcome letter reaches the person before the first meeting.",
        happened="The letter went to a previous address; the person missed the first meeting.",
        difference="The handover form carried the address from the first introduction.",
        learned="Confirm contact details on the handover call.",
        participant_roles=["role:partner_worker", "manager"],
        person_involvement="offered",
        support_offered=True,
    )
    for seips, effect, text in (
        ("tasks", "contributed", "Contact details were not confirmed at handover"),
        ("external", "contributed", "The person had moved between temporary addresses"),
        ("tasks", "went_well", "The worker phoned when the person did not arrive"),
    ):
        actions.add_factor(by=partner, response=swarm, seips=seips, effect=effect, description=text)
    actions.add_safety_action(
        by=partner,
        response=swarm,
        description="Confirm address and phone on every handover call",
        owner=partner,
        due_date=today - timedelta(days=2),
        measure="Letters returned undelivered each month",
    )

    mdt = actions.raise_response(
        by=key,
        kind="mdt",
        event_kind="risk",
        title="Waits for a first conversation after a bank holiday",
        event_date=today - timedelta(days=70),
        response_date=today - timedelta(days=60),
    )
    actions.add_factor(
        by=key,
        response=mdt,
        seips="organisation",
        effect="contributed",
        description="Rotas did not plan for the day after a bank holiday",
    )
    actions.add_factor(
        by=key,
        response=mdt,
        seips="internal",
        effect="contributed",
        description="Two Hub rooms closed for repairs that week",
    )
