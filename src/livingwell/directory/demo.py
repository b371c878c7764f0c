"""A realistic, entirely synthetic directory for the demo borough, built deterministically from a
random.Random so that the same seed always gives the same directory.

    build_demo_directory(rng, organisations, *, services=150, today=None) -> DemoDirectory

`organisations`: accounts.Organisation rows of the network. Voluntary, peer-led and council ones
become directory organisations that own listings and take handovers; the rest are ignored.
Everything goes through the real import action, then `actions.set_network_details`.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from livingwell.directory import actions, importer, postcodes
from livingwell.directory.models import PostcodeDistrict

NEEDS = {
    "Peer support": [
        (
            "{area} Peer Support Group",
            "A friendly weekly group run by people with lived experience "
            "of mental health problems. Come for a cup of tea and a chat; no need to book.",
        ),
        (
            "Hearing Voices Group {area}",
            "A safe space to talk about hearing voices and unusual "
            "experiences with others who understand.",
        ),
        ("Men's Talking Circle", "An informal group for men to talk about what is on their mind."),
        (
            "Recovery College {area}",
            "Free courses about mental health and recovery, co-produced "
            "with people who have been there.",
        ),
    ],
    "Housing advice": [
        (
            "{area} Housing Advice Drop-in",
            "Advice if you are at risk of losing your home, "
            "behind with rent or living somewhere unsafe.",
        ),
        (
            "Tenancy Sustainment Service",
            "Practical help to keep your tenancy: bills, repairs, neighbours and paperwork.",
        ),
        (
            "Homeless Outreach {area}",
            "Outreach workers who help people sleeping rough find somewhere to stay.",
        ),
    ],
    "Debt and benefits": [
        ("{area} Money Advice", "Free, confidential debt advice and help to deal with creditors."),
        (
            "Benefits Check and Appeals",
            "Help to claim the benefits you are entitled to and to challenge decisions.",
        ),
        ("Fuel Poverty Advice Line", "Help with energy bills, grants and warm home schemes."),
    ],
    "Employment and training": [
        (
            "Individual Placement and Support",
            "Employment specialists who help people with "
            "mental health problems find and keep paid work.",
        ),
        ("{area} Jobs Club", "Weekly help with CVs, applications and interviews."),
        ("Volunteering Pathways", "Find a volunteering role that suits you, with support."),
    ],
    "Arts and creativity": [
        (
            "Open Studio {area}",
            "Drop-in art sessions with materials provided. No experience needed.",
        ),
        ("Community Choir", "Sing together; everyone welcome, no auditions."),
        ("Creative Writing Circle", "Write and share stories and poems in a relaxed group."),
    ],
    "Sport and physical activity": [
        ("Walking for Wellbeing {area}", "Gentle guided walks in local parks, led by volunteers."),
        ("Football for Mental Health", "Friendly, inclusive football sessions."),
        ("Community Gardening", "Grow food and flowers in a shared garden."),
        ("Swim and Stretch", "Subsidised swimming and gentle exercise sessions."),
    ],
    "Faith and community groups": [
        ("{area} Community Kitchen", "A hot meal and good company, open to all."),
        (
            "Faith Leaders' Listening Service",
            "A confidential listening service run by local "
            "faith communities, open to people of any faith or none.",
        ),
        (
            "Refugee and Migrant Welcome",
            "Advice, English conversation and friendship for people new to the area.",
        ),
    ],
    "Carers' support": [
        ("{area} Carers' Hub", "Information, breaks and support for unpaid carers."),
        ("Young Carers Club", "Activities and support for young people who look after someone."),
        ("Carers' Peer Group", "Meet other people caring for someone with mental health problems."),
    ],
    "Talking and listening": [
        ("Community Counselling {area}", "Low-cost counselling with trained volunteers."),
        ("Bereavement Support", "One-to-one and group support after someone has died."),
        ("Evening Listening Line", "Someone to talk to in the evening when things feel hard."),
    ],
    "Food and essentials": [
        ("{area} Food Bank", "Emergency food parcels; a worker can issue a voucher."),
        ("Community Pantry", "Low-cost weekly shop for members."),
    ],
}

AREAS = {
    "SE1": "Riverside",
    "SE5": "Camberwell Green",
    "SE11": "Kennington",
    "SE17": "Walworth",
    "SE24": "Herne Hill",
    "SE27": "West Norwood",
    "SW2": "Brixton Hill",
    "SW4": "Clapham",
    "SW8": "Stockwell",
    "SW9": "Brixton",
    "SW16": "Streatham",
}
STREETS = (
    "High Street",
    "Church Road",
    "Station Road",
    "Park Lane",
    "Market Row",
    "Mill Lane",
    "Victoria Road",
    "Albert Street",
    "Garden Walk",
    "Chapel Street",
)
VENUES = (
    "Community Centre",
    "Library",
    "Church Hall",
    "Leisure Centre",
    "Neighbourhood Hub",
    "Youth Centre",
    "Mosque Community Room",
    "Gurdwara Hall",
)
LANGUAGES = (
    ("Polish", "pl"),
    ("Portuguese", "pt"),
    ("Somali", "so"),
    ("Spanish", "es"),
    ("Bengali", "bn"),
    ("Yoruba", "yo"),
    ("Twi", "tw"),
    ("Turkish", "tr"),
    ("Arabic", "ar"),
    ("British Sign Language", "sgn"),
)
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORG_SUFFIXES = (
    "Community Trust",
    "Together",
    "Foundation",
    "Network",
    "Association",
    "Project",
    "Collective",
)
ORG_PREFIXES = (
    "Riverside",
    "Northgate",
    "Southbank",
    "Parkside",
    "Brightwell",
    "Oakfield",
    "Greenway",
    "Harbour",
    "Millbrook",
    "Elmstead",
    "Kingsway",
    "Ashdown",
)
NETWORK_KINDS = {"vcs", "peer_led", "council"}
TAXONOMY_NAME = "Living Well needs"


@dataclass
class DemoDirectory:
    services: int = 0
    organizations: int = 0
    terms: list[str] = field(default_factory=list)
    owned_by_network: int = 0


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def build_demo_directory(
    rng: random.Random, organisations=(), *, services: int = 150, today: date | None = None
) -> DemoDirectory:
    today = today or timezone.localdate()
    if not PostcodeDistrict.objects.exists():
        postcodes.import_centroids(by=None, path=postcodes.DEMO_FILE)
    centroids = {p.outcode: (p.latitude, p.longitude) for p in PostcodeDistrict.objects.all()}
    districts = sorted(code for code in AREAS if code in centroids) or sorted(centroids)

    taxonomy_id = _uuid(rng)
    terms = {name: _uuid(rng) for name in NEEDS}
    taxonomy = {
        "id": taxonomy_id,
        "name": TAXONOMY_NAME,
        "description": "What a person is looking for help with, as the network describes it.",
        "version": "1",
        "taxonomy_terms": [
            {"id": tid, "name": name, "description": name, "taxonomy_id": taxonomy_id}
            for name, tid in terms.items()
        ],
    }

    partners = [o for o in organisations if str(getattr(o, "kind", "")) in NETWORK_KINDS]
    directory_orgs = []
    for o in partners:
        directory_orgs.append({"id": _uuid(rng), "name": o.name, "partner": o})
    used = {o["name"] for o in directory_orgs}
    while len(directory_orgs) < max(30, len(partners) + 20):
        name = f"{rng.choice(ORG_PREFIXES)} {rng.choice(ORG_SUFFIXES)}"
        if name not in used:
            used.add(name)
            directory_orgs.append({"id": _uuid(rng), "name": name, "partner": None})

    need_names = list(NEEDS)
    docs, details = [], []
    names_used: set[str] = set()
    for n in range(services):
        need = need_names[n % len(need_names)]
        template, description = rng.choice(NEEDS[need])
        district = rng.choice(districts)
        area = AREAS.get(district, district)
        name = template.format(area=area)
        if name in names_used:
            name = f"{name} ({rng.choice(VENUES)})" if "{area}" not in template else name
        if name in names_used:
            name = f"{name} {n}"
        names_used.add(name)
        org = rng.choice(directory_orgs)
        lat, lon = centroids[district]
        sid = _uuid(rng)
        days = sorted(
            rng.sample(DAYS[:5], rng.choice((1, 1, 2, 3))) + (["SA"] if rng.random() < 0.2 else []),
            key=DAYS.index,
        )
        opens = rng.choice((9, 10, 10, 11, 13, 14, 17, 18))
        lo_age, hi_age = rng.choice(
            (
                (18, None),
                (18, None),
                (16, None),
                (18, 65),
                (11, 18),
                (16, 25),
                (50, None),
                (None, None),
            )
        )
        if need == "Carers' support" and "Young" in name:
            lo_age, hi_age = 8, 18
        languages = [{"id": _uuid(rng), "name": "English", "code": "en"}]
        for lang, code in rng.sample(LANGUAGES, rng.choice((0, 0, 1, 2))):
            languages.append({"id": _uuid(rng), "name": lang, "code": code})
        paid = rng.random() < 0.15
        doc = {
            "id": sid,
            "name": name,
            "description": description,
            "status": "active" if rng.random() > 0.03 else "temporarily closed",
            "url": f"https://example.org/demo/{sid[:8]}",
            "email": f"hello-{sid[:6]}@example.org",
            "minimum_age": lo_age,
            "maximum_age": hi_age,
            "last_modified": (timezone.now() - timedelta(days=rng.randint(1, 400)))
            .replace(microsecond=0)
            .isoformat(),
            "organization": {
                "id": org["id"],
                "name": org["name"],
                "description": f"{org['name']} works with people across the borough.",
            },
            "schedules": [
                {
                    "id": _uuid(rng),
                    "freq": "WEEKLY",
                    "interval": 1,
                    "byday": ",".join(days),
                    "opens_at": f"{opens:02d}:00:00",
                    "closes_at": f"{min(opens + rng.choice((2, 3, 4, 6)), 22):02d}:00:00",
                    "description": "Drop in at any time in these hours.",
                }
            ],
            "service_at_locations": [
                {
                    "id": _uuid(rng),
                    "location": {
                        "id": _uuid(rng),
                        "location_type": "physical",
                        "name": f"{area} {rng.choice(VENUES)}",
                        "latitude": round(lat + rng.uniform(-0.008, 0.008), 5),
                        "longitude": round(lon + rng.uniform(-0.012, 0.012), 5),
                        "addresses": [
                            {
                                "id": _uuid(rng),
                                "address_1": f"{rng.randint(1, 220)} {rng.choice(STREETS)}",
                                "city": "London",
                                "state_province": "Greater London",
                                "postal_code": f"{district} {rng.randint(1, 9)}"
                                f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                                f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                                "country": "GB",
                                "address_type": "physical",
                            }
                        ],
                        "accessibility": [
                            {
                                "id": _uuid(rng),
                                "description": rng.choice(
                                    (
                                        "Step-free access and an accessible toilet.",
                                        "Ground floor, level access. Hearing loop at reception.",
                                        "First floor with a lift.",
                                    )
                                ),
                            }
                        ],
                    },
                }
            ],
            "languages": languages,
            "cost_options": [
                {
                    "id": _uuid(rng),
                    "option": "Per session" if paid else "Free",
                    "amount": rng.choice((2, 3, 5)) if paid else 0,
                }
            ],
            "contacts": [
                {
                    "id": _uuid(rng),
                    "name": "Reception",
                    "phones": [{"id": _uuid(rng), "number": f"020 7946 {rng.randint(0, 999):04d}"}],
                }
            ],
            "attributes": [
                {
                    "id": _uuid(rng),
                    "taxonomy_term": {
                        "id": terms[need],
                        "name": need,
                        "description": need,
                        "taxonomy_id": taxonomy_id,
                    },
                }
            ],
        }
        docs.append(doc)
        details.append(
            {
                "service_id": sid,
                "network_organisation": org["partner"],
                "is_public": rng.random() > 0.05,
                "accepting_introductions": rng.random() > 0.15,
                "typical_wait_days": rng.choice((0, 0, 3, 7, 14, 21, 28, 42, None)),
                "capacity_note": rng.choice(
                    (
                        "",
                        "",
                        "Groups of up to 12",
                        "Waiting list for one-to-one support",
                        "Can take about 5 new people a month",
                    )
                ),
                "last_checked": today - timedelta(days=rng.randint(0, 330)),
            }
        )

    bundle = importer.read_oruk_json(taxonomy)
    bundle.rows.extend(importer.read_oruk_json(docs).rows)
    actions.import_directory(by=None, bundle=bundle, source="demo directory")
    actions.set_network_details(by=None, details=details)
    return DemoDirectory(
        services=len(docs),
        organizations=len({d["organization"]["id"] for d in docs}),
        terms=list(terms),
        owned_by_network=sum(1 for d in details if d["network_organisation"] is not None),
    )
