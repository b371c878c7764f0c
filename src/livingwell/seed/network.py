"""The partner organisations, their teams, staff and the named demo personas."""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from faker import Faker

from livingwell.accounts.models import Membership, Organisation, Role, Team, User
from livingwell.seed import data


@dataclass(frozen=True)
class Staff:
    """What the journey builder needs to know about a member of staff."""

    user_id: object
    team_id: object
    organisation_id: object
    role: str
    team_key: str
    persona: bool = False


@dataclass
class Network:
    organisations: dict[str, Organisation] = field(default_factory=dict)  # key -> organisation
    teams: dict[str, Team] = field(default_factory=dict)  # key -> team
    staff: dict[str, list[Staff]] = field(default_factory=dict)  # team key -> non-persona staff
    personas: dict[str, Staff] = field(default_factory=dict)  # username -> staff
    purpose_of_org: dict[str, str] = field(default_factory=dict)  # org key -> handover purpose
    org_team: dict[str, str] = field(default_factory=dict)  # org key -> its main team key

    def pool(self, *team_keys: str) -> list[Staff]:
        out: list[Staff] = []
        for key in team_keys:
            out.extend(self.staff.get(key, []))
        return out

    def org_staff(self, org_key: str) -> list[Staff]:
        return self.staff.get(self.org_team[org_key], [])


# username, display name, job title, team key (or None), organisation key, role
PERSONAS = [
    ("hub.worker", "Sam Hughes", "Mental health practitioner", "hub", "trust", Role.HUB_WORKER),
    (
        "key.worker",
        "Priya Shah",
        "Community mental health nurse",
        "north",
        "trust",
        Role.KEY_WORKER,
    ),
    ("peer.worker", "Jordan Ellis", "Peer support worker", "peer", "peer", Role.PEER_WORKER),
    (
        "partner.worker",
        "Maria Santos",
        "Wellbeing support worker",
        "mind",
        "mind",
        Role.PARTNER_WORKER,
    ),
    ("team.lead", "Grace Mensah", "Hub team manager", "hub", "trust", Role.TEAM_LEAD),
    (
        "privacy.officer",
        "David Clarke",
        "Information governance lead",
        None,
        "trust",
        Role.PRIVACY_OFFICER,
    ),
    (
        "site.admin",
        "Olu Adeyemi",
        "Living Well systems administrator",
        None,
        "trust",
        Role.SITE_ADMIN,
    ),
    ("analyst", "Chloe Martin", "Performance analyst", None, "council", Role.ANALYST),
]

# Personas added after the first ones: made after every other member of staff, so that the random
# draws for everyone else (and so the rest of the seeded site) stay as they were.
LATE_PERSONAS = [
    (
        "coproduction.lead",
        "Amara Okafor",
        "Co-production and involvement lead",
        None,
        "trust",
        Role.COPRODUCTION_LEAD,
    ),
]

PARTNER_KEYS = ["mind", "housing", "money", "work", "carers", "arts", "peer"]


def staff_scale(people: int, years: int) -> int:
    """Teams grow with the work: one multiple of the base teams per 250 introductions a month."""
    per_month = people * 1.5 / (years * 12)
    return max(1, math.ceil(per_month / 250))


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def build_network(
    *,
    rng: random.Random,
    seed: int,
    people: int,
    years: int,
    now: datetime,
    demo_password_hash: str,
) -> Network:
    net = Network()
    faker = Faker("en_GB")
    faker.seed_instance(seed)
    started = now - timedelta(days=365 * years + 60)

    def org(key, name, short, kind):
        obj, _created = Organisation.objects.get_or_create(
            name=name, defaults={"short_name": short, "kind": kind}
        )
        net.organisations[key] = obj
        return obj

    def team(key, org_obj, name, is_hub=False):
        obj, _created = Team.objects.get_or_create(
            organisation=org_obj, name=name, defaults={"is_hub": is_hub}
        )
        net.teams[key] = obj
        net.staff.setdefault(key, [])
        return obj

    trust = org("trust", data.TRUST_NAME, "DB Mental Health", Organisation.Kind.NHS_TRUST)
    council = org("council", data.COUNCIL_NAME, "DB Council", Organisation.Kind.COUNCIL)
    trust_keys = ["hub", "north", "south", "crisis"]
    sizes: dict[str, tuple[int, str]] = {}
    for key, (name, base, is_hub) in zip(trust_keys, data.TRUST_TEAMS, strict=True):
        team(key, trust, name, is_hub)
        sizes[key] = (base, Role.HUB_WORKER if is_hub else Role.KEY_WORKER)
    for key, (name, base) in zip(
        ["social_care", "housing_options"], data.COUNCIL_TEAMS, strict=True
    ):
        team(key, council, name)
        sizes[key] = (base, Role.KEY_WORKER)
        net.purpose_of_org["council"] = "housing_options"
    net.org_team["council"] = "housing_options"
    for key, (name, short, kind, teams, purpose) in zip(PARTNER_KEYS, data.PARTNERS, strict=True):
        org_obj = org(key, name, short, kind)
        team_name, base, role = teams[0]
        team(key, org_obj, team_name)
        sizes[key] = (base, role)
        net.purpose_of_org[key] = purpose
        net.org_team[key] = key

    scale = staff_scale(people, years)
    existing = set(User.objects.values_list("username", flat=True))
    users: list[User] = []
    memberships: list[Membership] = []

    def new_user(username, display, title, persona, password):
        u = User(
            id=_uuid(rng),
            username=username,
            display_name=display,
            job_title=title,
            first_name=display.split(" ")[0],
            last_name=display.split(" ", 1)[-1],
            email=f"{username}@example.org",
            is_demo_persona=persona,
            password=password,
            date_joined=started,
        )
        users.append(u)
        existing.add(username)
        return u

    def member(u, team_key, org_key, role):
        t = net.teams.get(team_key) if team_key else None
        o = net.organisations[org_key]
        memberships.append(
            Membership(id=_uuid(rng), user=u, organisation=o, team=t, role=role, started_at=started)
        )
        return Staff(
            u.id, t.id if t else None, o.id, role, team_key or "", persona=u.is_demo_persona
        )

    for username, display, title, team_key, org_key, role in PERSONAS:
        if username in existing:
            net.personas[username] = _existing_staff(net, username, team_key)
            continue
        u = new_user(username, display, title, True, demo_password_hash)
        net.personas[username] = member(u, team_key, org_key, role)

    for key, (base, role) in sizes.items():
        org_key = _org_key_of(net, key)
        count = base * scale
        purpose = net.purpose_of_org.get(org_key)
        for i in range(count):
            this_role = role
            if i == 0:
                this_role = Role.TEAM_LEAD
            elif key in {"hub", "north", "south"} and i % 6 == 5:
                this_role = Role.PEER_WORKER
            given = faker.first_name()
            family = faker.last_name()
            base_name = f"{_ascii(given)}.{_ascii(family)}".replace(" ", "").replace("'", "")
            username, n = base_name, 1
            while username in existing:
                n += 1
                username = f"{base_name}{n}"
            if this_role == Role.TEAM_LEAD:
                title = rng.choice(data.JOB_TITLES["team_lead"])
            elif purpose and this_role == Role.PARTNER_WORKER:
                title = rng.choice(data.PARTNER_TITLES[purpose])
            else:
                title = rng.choice(data.JOB_TITLES[str(this_role)])
            u = new_user(username, f"{given} {family}", title, False, make_password(None))
            net.staff[key].append(member(u, key, org_key, this_role))

    for username, display, title, team_key, org_key, role in LATE_PERSONAS:
        if username in existing:
            net.personas[username] = _existing_staff(net, username, team_key)
            continue
        u = new_user(username, display, title, True, demo_password_hash)
        net.personas[username] = member(u, team_key, org_key, role)

    User.objects.bulk_create(users, batch_size=500)
    Membership.objects.bulk_create(memberships, batch_size=500)
    return net


def _existing_staff(net: Network, username: str, team_key: str | None) -> Staff:
    """A persona left from an earlier site setup: use its current membership."""
    u = User.objects.get(username=username)
    m = Membership.objects.current().filter(user=u).order_by("started_at").first()
    if m is None:
        raise ValueError(f"Demo persona {username} exists without a current membership.")
    return Staff(u.id, m.team_id, m.organisation_id, m.role, team_key or "", persona=True)


def _org_key_of(net: Network, team_key: str) -> str:
    org_id = net.teams[team_key].organisation_id
    for key, org_obj in net.organisations.items():
        if org_obj.id == org_id:
            return key
    raise KeyError(team_key)


def _uuid(rng: random.Random):
    import uuid

    return uuid.UUID(int=rng.getrandbits(128), version=4)
