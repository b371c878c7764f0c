"""Synthetic people with the demographic mix of an inner-London borough."""

from __future__ import annotations

import itertools
import random
import unicodedata
from datetime import date, timedelta

from faker import Faker

from livingwell.people.nhs_number import with_check_digit
from livingwell.seed import data


def _cumulative(pairs):
    values = [v for v, _w in pairs]
    cum = list(itertools.accumulate(w for _v, w in pairs))
    return values, cum


class PersonMaker:
    """Draws people one at a time: deterministic for the seed, independent of the journeys."""

    # NHS numbers in the 999 range, which NHS England keeps for test data, never issued to anyone.
    NHS_PREFIX = 999_000_000
    NHS_SPACE = 1_000_000
    NHS_STRIDE = 7_919  # coprime with NHS_SPACE, so the first million people get distinct numbers

    def __init__(self, seed: int):
        self.rng = random.Random(f"{seed}:people")
        self._fakers: dict[str, Faker] = {}
        self._seed = seed
        self.ethnicity = _cumulative(data.ETHNICITY_WEIGHTS)
        self.sex = _cumulative(data.SEX_WEIGHTS)
        self.gender = {k: _cumulative(v) for k, v in data.GENDER_FOR_SEX.items()}
        self.districts = _cumulative(data.POSTCODE_DISTRICTS)
        self.ages = _cumulative([((lo, hi), w) for lo, hi, w in data.AGE_BANDS])
        self.deciles = _cumulative(list(zip(range(1, 11), data.DEPRIVATION_WEIGHTS, strict=True)))
        self.nhs_offset = self.rng.randrange(self.NHS_SPACE)
        self.count = 0

    def _faker(self, locale: str) -> Faker:
        faker = self._fakers.get(locale)
        if faker is None:
            faker = Faker(locale)
            faker.seed_instance(f"{self._seed}:{locale}")
            self._fakers[locale] = faker
        return faker

    def _pick(self, table):
        values, cum = table
        return self.rng.choices(values, cum_weights=cum)[0]

    def postcode(self) -> str:
        r = self.rng
        letters = data.INWARD_LETTERS
        return (
            f"{self._pick(self.districts)} {r.randrange(10)}{r.choice(letters)}{r.choice(letters)}"
        )

    def nhs_number(self, index: int) -> str:
        if index >= self.NHS_SPACE:
            return ""
        nine = self.NHS_PREFIX + (self.nhs_offset + index * self.NHS_STRIDE) % self.NHS_SPACE
        return with_check_digit(str(nine)) or ""  # about 1 in 11 has no valid check digit

    def make(self, first_seen: date) -> dict:
        """One person's identity fields (without id and created_at)."""
        r = self.rng
        index = self.count
        self.count += 1
        ethnicity = self._pick(self.ethnicity)
        sex = self._pick(self.sex)
        gender = self._pick(self.gender[sex])
        faker = self._faker(r.choice(data.NAME_LOCALES[ethnicity]))
        if sex == "female" and gender not in {"Trans man"} or gender == "Trans woman":
            given = faker.first_name_female()
        elif sex == "male" or gender == "Trans man":
            given = faker.first_name_male()
        else:
            given = faker.first_name()
        family = faker.last_name()
        lo, hi = self._pick(self.ages)
        age_days = int((r.randint(lo, hi) + r.random()) * 365.25)
        dob = first_seen - timedelta(days=age_days)
        language = "English"
        others = data.OTHER_LANGUAGES.get(ethnicity)
        if others and r.random() < 0.18:
            language = r.choice(others)
        nhs = self.nhs_number(index) if r.random() < 0.94 else ""
        email = ""
        if r.random() < 0.45:
            email = f"{_ascii(given)}.{_ascii(family)}{r.randrange(100)}@example.com"
        return {
            "nhs_number": nhs,
            "given_name": given,
            "family_name": family,
            "preferred_name": given.split(" ")[0] if " " in given and r.random() < 0.5 else "",
            "date_of_birth": dob,
            "postcode": self.postcode(),
            "phone": f"07700 900{r.randrange(1000):03d}" if r.random() < 0.92 else "",
            "email": email,
            "sex": sex,
            "gender": gender,
            "ethnicity": ethnicity,
            "deprivation_decile": self._pick(self.deciles) if r.random() < 0.97 else None,
            "preferred_language": language,
        }


def _ascii(text: str) -> str:
    cleaned = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in cleaned if ch.isalnum()) or "person"
