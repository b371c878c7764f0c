"""An MHSDS-shaped return (Mental Health Services Data Set v5 table and column names) for a
period, and two NHS England measures computed from those tables alone.

Tables written: MHS001MPI, MHS101Referral, MHS102ServiceTypeReferredTo, MHS201CareContact,
MHS606CodedScoreAssessmentRefer and MHS607CodedScoreAssessmentAct (empty: our measures are
recorded against the introduction, not a care activity). Team types (ServTeamTypeRefToMH) come
from the site's configuration (settings.MHSDS_TEAM_TYPES by team name, else
MHSDS_DEFAULT_TEAM_TYPE). This is a shaped extract for a site's own submission pipeline and for
checking our figures against national definitions, not a validated submission file.

Measures, from the tables (ADR 0018):
- CMH access ("2+ contacts"): people with a referral whose second attended (AttendStatus 5 or 6)
  direct contact (ConsMechanismMH 01, 02, 04 or 11) falls within the 12 months ending on the
  period's last day, contacts counted within those 12 months.
- Paired PROM scores: referrals in support in the period with a first valid score and a later
  one (a later date) for the same assessment tool (CodedAssToolType), up to the period's end.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from livingwell.fhir.resources import DIALOG_ITEM_CODES, OBSERVATION_CODES, SNOMED

LONDON = ZoneInfo("Europe/London")
SPEC = "MHSDS v5.0 table and column names; SNOMED CT codes of the NHS England assessment table"

# Our contact modes and outcomes in MHSDS codes (ConsMechanismMH, AttendStatus).
CONS_MECHANISM = {"face_to_face": "01", "phone": "02", "video": "11", "text": "09"}
ATTEND_STATUS = {"attended": "5", "not_attended": "3", "not_reached": "3", "cancelled": "2"}
DIRECT_MECHANISMS = {"01", "02", "04", "11"}
ATTENDED = {"5", "6"}
# The source of referral (SourceOfReferralMH) for routes whose code is plain; others blank
# unless the site maps them (settings.MHSDS_REFERRAL_SOURCES).
REFERRAL_SOURCE = {"gp": "A1", "self": "B1", "family": "B2"}
# Valid score ranges of each tool (NHS England assessment table), for Der_ValidScore.
SCORE_RANGE = {
    "720433000": (0, 27),
    "445455005": (0, 21),
    "1091071000000100": (0, 40),
    "718583008": (0, 40),
    "718466001": (7, 35),
    **dict.fromkeys(DIALOG_ITEM_CODES, (0, 8)),
}

TABLES = (
    "MHS001MPI",
    "MHS101Referral",
    "MHS102ServiceTypeReferredTo",
    "MHS201CareContact",
    "MHS606CodedScoreAssessmentRefer",
    "MHS607CodedScoreAssessmentAct",
)
COLUMNS = {
    "MHS001MPI": [
        "LocalPatientId",
        "NHSNumber",
        "PersonBirthDate",
        "Gender",
        "EthnicCategory",
        "Postcode",
    ],
    "MHS101Referral": [
        "UniqServReqID",
        "ServiceRequestId",
        "LocalPatientId",
        "ReferralRequestReceivedDate",
        "ReferralRequestReceivedTime",
        "SourceOfReferralMH",
        "ClinRespPriorityType",
        "AgeServReferRecDate",
        "ServDischDate",
        # A local derived column (LW_ prefix, not MHSDS): the first conversation's day, which
        # starts support; the paired-scores cohort reads it.
        "LW_FirstConversationDate",
    ],
    "MHS102ServiceTypeReferredTo": [
        "UniqServReqID",
        "UniqCareProfTeamID",
        "ServTeamTypeRefToMH",
        "ReferClosureDate",
        "ReferRejectionDate",
    ],
    "MHS201CareContact": [
        "UniqCareContID",
        "UniqServReqID",
        "LocalPatientId",
        "CareContDate",
        "CareContTime",
        "AttendStatus",
        "ConsMechanismMH",
        "ClinContDurOfCareCont",
        "UniqCareProfTeamID",
        "Der_ActivityType",
    ],
    "MHS606CodedScoreAssessmentRefer": [
        "UniqServReqID",
        "LocalPatientId",
        "CodedAssToolType",
        "PersScore",
        "AssToolCompTimestamp",
    ],
    "MHS607CodedScoreAssessmentAct": [
        "UniqCareActID",
        "UniqServReqID",
        "CodedAssToolType",
        "PersScore",
    ],
}
GENDER = {"female": "2", "male": "1", "not_said": "X"}


def team_type(team) -> str:
    mapping = getattr(settings, "MHSDS_TEAM_TYPES", {}) or {}
    return mapping.get(team.name, settings.MHSDS_DEFAULT_TEAM_TYPE) if team else ""


def _window(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=LONDON),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=LONDON),
    )


def _day(dt) -> str:
    return timezone.localtime(dt, LONDON).date().isoformat() if dt else ""


def _age(born: date | None, on: date) -> str:
    if born is None:
        return ""
    return str(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def build(start: date, end: date) -> dict[str, list[dict]]:
    """The period's tables: referrals open at some time in the period, with their people,
    teams, care contacts and scored assessments (up to the period's end)."""
    from livingwell.hub.models import Allocation, Contact
    from livingwell.intake.models import Introduction
    from livingwell.outcomes.models import MeasureResponse

    since, until = _window(start, end)
    # Contacts of the 12 months ending with the period are needed for the access measure.
    year_before = _window(
        end.replace(year=end.year - 1) + timedelta(days=1)
        if not (end.month == 2 and end.day == 29)
        else date(end.year - 1, 3, 1),
        end,
    )[0]
    referrals = list(
        Introduction.objects.filter(received_at__lt=until)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=min(since, year_before)))
        .select_related("person")
        .order_by("received_at", "id")
    )
    ids = [r.pk for r in referrals]
    sources = REFERRAL_SOURCE | (getattr(settings, "MHSDS_REFERRAL_SOURCES", {}) or {})
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    people = {}
    for r in referrals:
        p = r.person
        people[p.pk] = {
            "LocalPatientId": str(p.pk),
            "NHSNumber": p.nhs_number,
            "PersonBirthDate": p.date_of_birth.isoformat() if p.date_of_birth else "",
            "Gender": GENDER.get(p.sex, ""),
            "EthnicCategory": p.ethnicity,
            "Postcode": p.postcode,
        }
        received = timezone.localtime(r.received_at, LONDON)
        tables["MHS101Referral"].append(
            {
                "UniqServReqID": str(r.pk),
                "ServiceRequestId": r.reference,
                "LocalPatientId": str(p.pk),
                "ReferralRequestReceivedDate": received.date().isoformat(),
                "ReferralRequestReceivedTime": received.time().replace(microsecond=0).isoformat(),
                "SourceOfReferralMH": sources.get(r.route, ""),
                "ClinRespPriorityType": "1" if r.urgent else "3",
                "AgeServReferRecDate": _age(p.date_of_birth, received.date()),
                "ServDischDate": _day(r.closed_at),
                "LW_FirstConversationDate": _day(r.first_conversation_at),
            }
        )
    tables["MHS001MPI"] = list(people.values())

    hub_team = _hub_team()
    teams_by_intro = defaultdict(dict)
    for a in Allocation.objects.filter(introduction_id__in=ids).select_related("team"):
        teams_by_intro[a.introduction_id].setdefault(a.team_id, a.team)
    for r in referrals:
        teams = {hub_team.pk: hub_team} if hub_team else {}
        teams.update(teams_by_intro.get(r.pk, {}))
        for team in teams.values():
            tables["MHS102ServiceTypeReferredTo"].append(
                {
                    "UniqServReqID": str(r.pk),
                    "UniqCareProfTeamID": str(team.pk),
                    "ServTeamTypeRefToMH": team_type(team),
                    "ReferClosureDate": _day(r.closed_at),
                    "ReferRejectionDate": "",
                }
            )

    person_of = {r.pk: str(r.person_id) for r in referrals}
    contacts = Contact.objects.filter(
        introduction_id__in=ids, at__gte=min(since, year_before), at__lt=until
    ).order_by("at", "id")
    for c in contacts:
        local = timezone.localtime(c.at, LONDON)
        tables["MHS201CareContact"].append(
            {
                "UniqCareContID": str(c.pk),
                "UniqServReqID": str(c.introduction_id),
                "LocalPatientId": person_of[c.introduction_id],
                "CareContDate": local.date().isoformat(),
                "CareContTime": local.time().replace(microsecond=0).isoformat(),
                "AttendStatus": ATTEND_STATUS.get(c.outcome, ""),
                "ConsMechanismMH": CONS_MECHANISM.get(c.mode, "98"),
                "ClinContDurOfCareCont": str(c.duration_minutes or ""),
                "UniqCareProfTeamID": str(c.team_id or ""),
                "Der_ActivityType": "DIRECT",
            }
        )

    responses = MeasureResponse.objects.filter(
        introduction_id__in=ids, completed_at__lte=end
    ).order_by("completed_at", "recorded_at", "id")
    for resp in responses:
        for code, score in scored_assessments(resp):
            tables["MHS606CodedScoreAssessmentRefer"].append(
                {
                    "UniqServReqID": str(resp.introduction_id),
                    "LocalPatientId": person_of[resp.introduction_id],
                    "CodedAssToolType": code,
                    "PersScore": _score(score),
                    "AssToolCompTimestamp": resp.completed_at.isoformat(),
                }
            )
    return tables


def _hub_team():
    from livingwell.accounts.models import Team

    return Team.objects.filter(is_hub=True, is_active=True).order_by("name").first()


def _score(value) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


def scored_assessments(response) -> list[tuple[str, float]]:
    """(SNOMED CT code, score) of each scored assessment in a response: the total, or DIALOG's
    item scores; none for a measure with no national code (GBO)."""
    if response.measure == "dialog":
        out = []
        for code, link_id in zip(DIALOG_ITEM_CODES, response.definition.link_ids, strict=False):
            value = response.answers.get(link_id)
            if value is not None:
                out.append((code, float(value)))
        return out
    codes = [c for system, c, _d in OBSERVATION_CODES.get(response.measure, []) if system == SNOMED]
    if not codes or response.total is None:
        return []
    return [(codes[0], float(response.total))]


# --- Writing --------------------------------------------------------------------------------


def write(tables: dict[str, list[dict]], folder: Path, start: date, end: date) -> dict:
    """Each table as CSV and Parquet, and a manifest (row counts, period, code versions)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name in TABLES:
        columns = COLUMNS[name]
        rows = tables[name]
        csv_path = folder / f"{name}.csv"
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        table = pa.table({c: pa.array([r[c] for r in rows], type=pa.string()) for c in columns})
        pq.write_table(table, folder / f"{name}.parquet")
        files[name] = {
            "rows": len(rows),
            "csv": csv_path.name,
            "parquet": f"{name}.parquet",
            "sha256": hashlib.sha256(csv_path.read_bytes()).hexdigest(),
        }
    manifest = {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "generated_at": timezone.now().isoformat(),
        "specification": SPEC,
        "code_versions": {
            "ServTeamTypeRefToMH": "MHSDS v5 (site mapping: MHSDS_TEAM_TYPES)",
            "SNOMED CT": "UK edition, as the NHS England MHSDS assessment reference table",
        },
        "tables": files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


# --- NHS England measures, from the tables alone ----------------------------------------------


@dataclass(frozen=True)
class Measures:
    access_people: int  # CMH access: people with a 2nd attended direct contact in 12 months
    paired_referrals: dict  # CodedAssToolType -> referrals with a paired score


def access_measure(tables, end: date) -> int:
    first = (
        end.replace(year=end.year - 1) + timedelta(days=1)
        if not (end.month == 2 and end.day == 29)
        else date(end.year - 1, 3, 1)
    )
    by_person_referral = defaultdict(list)
    for row in tables["MHS201CareContact"]:
        day = date.fromisoformat(row["CareContDate"])
        if not (first <= day <= end):
            continue
        if row["AttendStatus"] in ATTENDED and row["ConsMechanismMH"] in DIRECT_MECHANISMS:
            by_person_referral[(row["LocalPatientId"], row["UniqServReqID"])].append(
                (row["CareContDate"], row["CareContTime"])
            )
    people = {
        person for (person, _ref), contacts in by_person_referral.items() if len(contacts) >= 2
    }
    return len(people)


def tool_measure() -> dict[str, str]:
    """Each assessment tool's SNOMED CT code -> our measure."""
    out = {code: "dialog" for code in DIALOG_ITEM_CODES}
    for measure, codes in OBSERVATION_CODES.items():
        for system, code, _display in codes:
            if system == SNOMED:
                out[code] = measure
    return out


def paired_scores(tables, start: date, end: date) -> dict[str, int]:
    """Referrals in support in the period with a paired score, per measure (a referral is
    paired on DIALOG when any of its item tools is)."""
    in_support = {
        r["UniqServReqID"]
        for r in tables["MHS101Referral"]
        if r["LW_FirstConversationDate"]
        and date.fromisoformat(r["LW_FirstConversationDate"]) <= end
        and (not r["ServDischDate"] or date.fromisoformat(r["ServDischDate"]) >= start)
    }
    dates = defaultdict(set)
    for row in tables["MHS606CodedScoreAssessmentRefer"]:
        if row["UniqServReqID"] not in in_support:
            continue
        if date.fromisoformat(row["AssToolCompTimestamp"][:10]) > end:
            continue
        low, high = SCORE_RANGE.get(row["CodedAssToolType"], (float("-inf"), float("inf")))
        if not (low <= float(row["PersScore"]) <= high):
            continue  # Der_ValidScore = 'N'
        dates[(row["UniqServReqID"], row["CodedAssToolType"])].add(row["AssToolCompTimestamp"])
    measure_of = tool_measure()
    paired = defaultdict(set)
    for (referral, tool), when in dates.items():
        if len(when) >= 2:  # a first valid score and a later one (a later date)
            paired[measure_of[tool]].add(referral)
    return {measure: len(refs) for measure, refs in sorted(paired.items())}


def measures(tables, start: date, end: date) -> Measures:
    return Measures(access_measure(tables, end), paired_scores(tables, start, end))


def insight_figures(start: date, end: date) -> Measures:
    """Insight's own figures for the same period (insight.metrics), to show beside them."""
    from livingwell.insight.metrics import Dataset, Filters

    data = Dataset(Filters(start=start, end=end))
    pairs = data.outcome_data.pairs
    national = set(OBSERVATION_CODES) | {"dialog"}
    return Measures(
        data.access_count,
        {m: len({p.introduction_id for p in pairs[m]}) for m in sorted(pairs) if m in national},
    )
