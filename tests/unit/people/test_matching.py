import pytest
from tests import factories

from livingwell.access.models import AuditEvent
from livingwell.people import actions, nhs_number
from livingwell.people.models import Person, PossibleMatch

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value,valid",
    [
        ("943 476 5919", True),  # weights 10..2: sum 299, 299 mod 11 = 2, 11 - 2 = 9
        ("9434765918", False),
        ("401 023 2137", True),  # sum 138, 138 mod 11 = 6, 11 - 6 = 5? see below
        ("123", False),
        ("abcdefghij", False),
    ],
)
def test_nhs_number_check_digit(value, valid):
    if value.startswith("401"):
        # 4*10+0*9+1*8+0*7+2*6+3*5+2*4+1*3+3*2 = 40+0+8+0+12+15+8+3+6 = 92; 92 mod 11 = 4;
        # 11 - 4 = 7, so 401 023 2137 ends in the right digit.
        assert nhs_number.with_check_digit("401023213") == "4010232137"
    assert nhs_number.is_valid(value) is valid


def test_check_value_ten_has_no_valid_number():
    # 0000000 + 6 + 0: 6*3 = 18... find nine digits whose weighted sum mod 11 is 1: "000000001"
    # gives 1*2 = 2 (mod 11 = 2); "000000010" gives 3; "000000100" gives 4; "000001000" gives
    # 5... "100000000" gives 10; "000000005" gives 10; "000000006" gives 12 mod 11 = 1 -> 10.
    assert nhs_number.with_check_digit("000000006") is None


def test_same_nhs_number_is_flagged(personas):
    factories.introduction(
        person=factories.person_details(nhs_number="9434765919", family_name="Adeyemi")
    )
    factories.introduction(
        person=factories.person_details(nhs_number="943 476 5919", family_name="Adeyemi-Cole")
    )
    match = PossibleMatch.objects.get()
    assert match.reasons == ["nhs_number"]


def test_merge_is_reversible(personas):
    old = factories.introduction(
        person=factories.person_details(given_name="Mo", family_name="Ali", postcode="SE5 7AB")
    )
    new = factories.introduction(
        person=factories.person_details(given_name="Mo", family_name="Ali", postcode="SE5 7AB")
    )
    match = PossibleMatch.objects.get()
    assert match.existing_person_id == old.person_id and match.new_person_id == new.person_id

    actions.merge(by=personas.hub_worker, match=match)
    new.refresh_from_db()
    assert new.person_id == old.person_id
    assert Person.objects.get(pk=match.new_person_id).merged_into_id == old.person_id
    with pytest.raises(actions.MatchError):
        actions.merge(by=personas.hub_worker, match=match)

    actions.undo_merge(by=personas.hub_worker, match=match)
    new.refresh_from_db()
    assert new.person_id == match.new_person_id
    assert Person.objects.get(pk=match.new_person_id).merged_into_id is None
    assert AuditEvent.objects.filter(action__in=["person.merge", "person.unmerge"]).count() == 4


def test_not_same_closes_the_match(personas):
    factories.introduction(
        person=factories.person_details(given_name="Lee", family_name="Chan", postcode="SW2 1AA")
    )
    factories.introduction(
        person=factories.person_details(given_name="Lee", family_name="Chan", postcode="SW2 1AA")
    )
    match = actions.mark_not_same(by=personas.hub_worker, match=PossibleMatch.objects.get())
    assert match.state == "not_same"
    assert Person.objects.filter(merged_into__isnull=False).count() == 0
