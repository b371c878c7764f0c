"""A year of demo co-production for the seed (every name and word invented).

Made through the real actions, as the demo co-production lead, so each record is what a site
would have: two versions of the rate card (the second from part-way through the year), about
two dozen involved people with voluntary equality answers, a Hub huddle each month with people
with lived experience in the room, design workshops, panels, a working group and a recruitment
panel; ratings by participants usually a step below staff's; decisions that changed (and some
that did not, with why), most fed back and two overdue; payments accepted (some past the
benefits warning), a few declined, the latest still waiting; a few expenses with receipts.
Deterministic from ``rng``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from livingwell.accounts.models import User
from livingwell.coproduction import actions
from livingwell.coproduction.models import Attendance

PEOPLE = [
    ("Ade Bello", "lived_experience", "black_african", "35_44", "male", "man", 2),
    ("Bea Lindqvist", "lived_experience", "white_other", "25_34", "female", "woman", 4),
    ("Chidi Okonkwo", "lived_experience", "", "", "", "", None),
    ("Dana Whitfield", "lived_experience", "white_british", "45_54", "female", "woman", 1),
    ("Eli Shapiro", "lived_experience", "white_other", "18_24", "not_said", "non-binary", 3),
    ("Farah Qureshi", "lived_experience", "asian_pakistani", "25_34", "female", "woman", 2),
    ("Gus Martin", "lived_experience", "white_british", "55_64", "male", "man", 5),
    ("Hana Kimura", "lived_experience", "asian_other", "35_44", "female", "woman", 6),
    ("Ife Adebayo", "lived_experience", "black_caribbean", "45_54", "female", "woman", 1),
    ("Jo Pemberton", "lived_experience", "mixed_white_black_caribbean", "25_34", "", "", 3),
    ("Kai Nakamura", "lived_experience", "", "18_24", "male", "man", None),
    ("Lena Novak", "lived_experience", "white_other", "65_plus", "female", "woman", 7),
    ("Mo Farouk", "carer", "other_arab", "55_64", "male", "man", 2),
    ("Nell Hargreaves", "carer", "white_british", "65_plus", "female", "woman", 4),
    ("Omar Said", "carer", "black_african", "45_54", "male", "man", 1),
    ("Priti Desai", "carer", "asian_indian", "35_44", "female", "woman", 5),
    ("Rosa Delgado", "carer", "", "", "", "", None),
    ("Sam Rivers (Riverside Mind)", "voluntary", "", "", "", "", None),
    ("Tess Okoro (Carers Centre)", "voluntary", "", "", "", "", None),
    ("Uma Bright (Arts for Wellbeing)", "voluntary", "", "", "", "", None),
    ("Vic Holt (Adult Social Care)", "council", "", "", "", "", None),
    ("Wren Fairley (Housing Options)", "council", "", "", "", "", None),
    ("Xavier Blunt (Community Team)", "nhs", "", "", "", "", None),
    ("Yasmin Aziz (Living Well Hub)", "nhs", "", "", "", "", None),
]

# (kind, title, purpose, decisions in scope, hours, basis, intended level)
ACTIVITIES = [
    (
        "design_workshop",
        "Redesigning the self-introduction form",
        "Make asking for help online shorter and kinder, with people who have used it",
        "The questions asked, their order and the words used",
        "5",
        "sessional",
        7,
    ),
    (
        "panel",
        "Crisis café opening hours panel",
        "Decide when the crisis café opens, with people who have needed help at night",
        "Opening hours and days",
        "3",
        "sessional",
        6,
    ),
    (
        "working_group",
        "Outcome framework working group",
        "Choose the outcomes that matter to people and the I-statements that describe them",
        "The outcomes, their I-statements and the measures used",
        "2",
        "hourly",
        7,
    ),
    (
        "recruitment_panel",
        "Peer support worker interviews",
        "Recruit two peer support workers with people who use the service on the panel",
        "Who is offered the posts",
        "6",
        "sessional",
        6,
    ),
    (
        "design_workshop",
        "Warmer handovers to partner organisations",
        "Design how a handover feels from the person's side",
        "What the person is told and who calls them first",
        "4",
        "sessional",
        6,
    ),
    (
        "panel",
        "Directory of support: what is missing",
        "Find gaps in the directory with people who searched it",
        "Which services are added and how they are described",
        "2.5",
        "hourly",
        5,
    ),
]

# (title, what people said, changed?, what we did or why not)
DECISIONS = [
    (
        "Self-introduction form cut to six questions",
        "Too many questions before you can ask for help; the risk questions felt like a test",
        "changed",
        "We cut the form from 14 questions to 6 and asked about risk in plain words",
    ),
    (
        "Crisis café open until midnight on Fridays and Saturdays",
        "Crises happen late at night and at weekends, when everything else is shut",
        "changed",
        "We moved closing time from 8pm to midnight on Fridays and Saturdays",
    ),
    (
        "Loneliness added to the outcome framework",
        "Feeling less alone matters more to us than symptom scores",
        "changed",
        "We added 'I feel connected to people' with the UCLA 3-item measure",
    ),
    (
        "Peer support worker appointed from the panel's first choice",
        "The panel preferred the candidate who had used community services",
        "changed",
        "The post was offered to the panel's first choice",
    ),
    (
        "Handover calls made by the receiving worker",
        "A stranger calling out of the blue is frightening; say who will call and when",
        "changed",
        "The Hub now tells the person the name of the worker and the day they will call",
    ),
    (
        "Directory keeps one entry per service",
        "Could each group session have its own entry?",
        "not_changed",
        "We didn't: the national Open Referral standard lists services, not sessions. Each "
        "entry now lists its sessions and times instead.",
    ),
    (
        "Weekend Hub phone line",
        "People want someone to answer the Hub's phone at weekends",
        "not_changed",
        "We didn't yet: there is no funding this year. The weekend crisis line number is now "
        "on every Hub letter, and the request is in next year's plan.",
    ),
]


def _month_days(today: date, months_ago: int, day: int) -> date:
    year, month = today.year, today.month - months_ago
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, min(day, 28))


def build_demo(rng: random.Random, now: datetime) -> dict[str, int]:
    lead = User.objects.filter(username="coproduction.lead").first()
    if lead is None:
        return {"activities": 0, "decisions": 0}
    today = timezone.localdate(now)
    start = _month_days(today, 12, 1)
    actions.add_rate_card(
        by=lead,
        effective_from=start - timedelta(days=31),
        hourly="12.60",
        half_day="75.00",
        day="150.00",
        enhanced_hourly="15.75",
        enhanced_half_day="90.00",
        enhanced_day="180.00",
        note="Demo: the network's first rate card",
    )
    actions.add_rate_card(
        by=lead,
        effective_from=_month_days(today, 5, 1),
        hourly="13.15",
        half_day="80.00",
        day="160.00",
        enhanced_hourly="16.45",
        enhanced_half_day="95.00",
        enhanced_day="190.00",
        note="Demo: rates raised with the Living Wage",
    )
    actions.set_settings(
        by=lead,
        feedback_due_days=28,
        benefits_warning_amount="400.00",
        benefits_advice=(
            "Before you accept, talk to a benefits adviser: Citizens Advice or the borough's "
            "welfare rights service can tell you how involvement payments may affect your "
            "benefits. You can take a lower payment or none, and expenses are always repaid."
        ),
    )
    people = []
    for name, role, ethnicity, age, sex, gender, decile in PEOPLE:
        people.append(
            actions.add_person(
                by=lead,
                name=name,
                usual_role=role,
                payroll_reference=f"INV{len(people) + 101:04d}"
                if role in {"lived_experience", "carer"}
                else "",
                ethnicity=ethnicity,
                age_band=age,
                sex=sex,
                gender=gender,
                deprivation_decile=decile,
            )
        )
    lived = [p for p in people if p.usual_role in {"lived_experience", "carer"}]
    partners = [p for p in people if p.usual_role not in {"lived_experience", "carer"}]

    activities = []
    for month in range(12, -1, -1):
        held = _month_days(today, month, 3 + rng.randrange(4))
        if held > today:
            continue
        activities.append(
            (
                held,
                (
                    "huddle",
                    f"Hub huddle with lived-experience members, {held:%B %Y}",
                    "Bring lived experience into the Hub's weekly look at waits and returns",
                    "How the Hub prioritises its work this month",
                    "1.5",
                    "hourly",
                    5,
                ),
            )
        )
    for i, spec in enumerate(ACTIVITIES):
        held = _month_days(today, 11 - 2 * i, 12 + rng.randrange(10))
        activities.append((min(held, today), spec))
    activities.sort(key=lambda pair: pair[0])

    made = []
    for held, (kind, title, purpose, scope, hours, basis, intended) in activities:
        a = actions.record_activity(
            by=lead,
            title=title,
            kind=kind,
            purpose=purpose,
            decisions_in_scope=scope,
            held_on=held,
            hours=Decimal(hours),
            intended_level=intended,
            payment_basis=basis,
        )
        # Ade, a regular co-producer, is in every room (and chairs the workshops), so their
        # year's payments pass the site's benefits warning amount.
        regular, others = lived[0], lived[1:]
        room = (
            [regular]
            + rng.sample(others, 2 + rng.randrange(4))
            + rng.sample(partners, 1 + rng.randrange(3))
        )
        for n, p in enumerate(room):
            role = p.usual_role
            att = actions.add_attendance(
                by=lead, activity=a, person=p, role=role, enhanced=(n == 0 and kind != "huddle")
            )
            if att.payment != Attendance.Payment.OFFERED or (today - held).days < 14:
                continue  # the latest payments are still waiting for an answer
            if rng.random() < 0.1:
                actions.decline_payment(by=lead, attendance=att)
            else:
                actions.accept_payment(by=lead, attendance=att, warning_seen=True)
        if (today - held).days > 7:
            staff_level = max(intended - rng.choice([0, 0, 1]), 4)
            actions.rate_activity(
                by=lead,
                activity=a,
                participants_level=max(staff_level - rng.choice([0, 1, 1, 2]), 3),
                staff_level=staff_level,
            )
        made.append(a)

    _expenses(rng, lead, made)
    decisions = _decisions(rng, lead, made, today)
    return {"activities": len(made), "decisions": decisions}


def _expenses(rng, lead, activities) -> None:
    receipt = b"%PDF-1.4\n% demo receipt\n"
    workshops = [a for a in activities if a.kind != "huddle"][:4]
    for a in workshops:
        att = a.attendances.filter(role__in=["lived_experience", "carer"]).first()
        if att is None:
            continue
        actions.add_expense(
            by=lead,
            attendance=att,
            kind="travel",
            description="Return bus fare",
            amount=f"{3 + rng.randrange(4)}.{rng.choice(['00', '40', '80'])}",
            receipt=SimpleUploadedFile("bus-ticket.pdf", receipt, "application/pdf"),
        )


def _decisions(rng, lead, activities, today) -> int:
    from livingwell.improvement.models import ImprovementProject
    from livingwell.outcomes.models import OutcomeFrameworkVersion

    project = ImprovementProject.objects.filter(
        title="Warmer handovers to partner organisations"
    ).first()
    framework = OutcomeFrameworkVersion.objects.order_by("-version").first()
    sources = [a for a in activities if a.kind != "huddle"]
    count = 0
    for i, (title, said, changed, response) in enumerate(DECISIONS):
        activity = sources[i % len(sources)]
        decided_on = min(activity.held_on + timedelta(days=7 + rng.randrange(14)), today)
        overdue = i in (1, 6)  # two decisions whose feedback is overdue
        feedback = None
        if not overdue:
            feedback = min(decided_on + timedelta(days=5 + rng.randrange(15)), today)
        final = i != 6
        links = {}
        if "handover" in title.lower() and project is not None:
            links["improvement_project"] = project
        if "outcome framework" in title.lower() and framework is not None:
            links["outcome_framework_version"] = framework
        actions.log_decision(
            by=lead,
            activity=activity,
            title=title,
            people_said=said,
            changed=changed,
            response=response,
            decided_by=rng.choice(
                ["Network leadership group", "Hub operational meeting", "Integrated care board"]
            ),
            decided_on=decided_on,
            feedback_given_on=feedback,
            duty="applies" if i % 2 == 0 else "does_not_apply",
            duty_how_met=(
                "Design workshop and an open survey; results reported to the board"
                if i % 2 == 0
                else "An operational change within the service's existing remit"
            ),
            final=final,
            public=final and i != 3,  # a recruitment decision is not published
            **links,
        )
        count += 1
    return count
