"""People: citizens of the borough who are, or have been, supported by the network."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NOT_SAID = "not_said", _("Prefer not to say")


# ONS 2021 census ethnic group categories (England), 19 groups under 5 headings.
ETHNICITY_CHOICES = [
    ("asian_indian", _("Asian, Asian British or Asian Welsh: Indian")),
    ("asian_pakistani", _("Asian, Asian British or Asian Welsh: Pakistani")),
    ("asian_bangladeshi", _("Asian, Asian British or Asian Welsh: Bangladeshi")),
    ("asian_chinese", _("Asian, Asian British or Asian Welsh: Chinese")),
    ("asian_other", _("Asian, Asian British or Asian Welsh: Other Asian")),
    ("black_african", _("Black, Black British, Black Welsh, Caribbean or African: African")),
    ("black_caribbean", _("Black, Black British, Black Welsh, Caribbean or African: Caribbean")),
    ("black_other", _("Black, Black British, Black Welsh, Caribbean or African: Other Black")),
    ("mixed_white_black_caribbean", _("Mixed or Multiple: White and Black Caribbean")),
    ("mixed_white_black_african", _("Mixed or Multiple: White and Black African")),
    ("mixed_white_asian", _("Mixed or Multiple: White and Asian")),
    ("mixed_other", _("Mixed or Multiple: Other Mixed or Multiple")),
    ("white_british", _("White: English, Welsh, Scottish, Northern Irish or British")),
    ("white_irish", _("White: Irish")),
    ("white_gypsy_traveller", _("White: Gypsy or Irish Traveller")),
    ("white_roma", _("White: Roma")),
    ("white_other", _("White: Other White")),
    ("other_arab", _("Other ethnic group: Arab")),
    ("other_any", _("Other ethnic group: Any other ethnic group")),
    ("not_stated", _("Not stated")),
]
ETHNICITY_HEADING = {
    code: code.split("_")[0] if code != "not_stated" else "not_stated"
    for code, _label in ETHNICITY_CHOICES
}


class Person(models.Model):
    """A person's identity. Clinical content lives with introductions and their support."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=60, blank=True)
    ethnicity = models.CharField(max_length=40, choices=ETHNICITY_CHOICES, blank=True)
    deprivation_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    preferred_language = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField()
    # A merge never deletes: the duplicate points at the record it was merged into, and the
    # merge can be undone (see people.actions.undo_merge).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )

    class Meta:
        indexes = [
            models.Index(fields=["family_name", "date_of_birth"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deprivation_decile__isnull=True)
                | Q(deprivation_decile__gte=1, deprivation_decile__lte=10),
                name="person_decile_range",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="person_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}".strip()

    @property
    def postcode_district(self) -> str:
        return self.postcode.split(" ")[0] if self.postcode else ""


class PossibleMatch(models.Model):
    """Two records that may be the same person, waiting for a worker to decide."""

    class State(models.TextChoices):
        OPEN = "open", _("To check")
        MERGED = "merged", _("Same person: merged")
        NOT_SAME = "not_same", _("Different people")
        UNMERGED = "unmerged", _("Merge undone")

    REASON_LABELS = {
        "nhs_number": _("NHS number"),
        "name": _("name"),
        "date_of_birth": _("date of birth"),
        "postcode": _("postcode"),
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    new_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    existing_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # What the two records share, as keys of REASON_LABELS: ["nhs_number"], or
    # ["name", "date_of_birth", "postcode"].
    reasons = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT)
    # What a merge moved, so that it can be undone exactly.
    moved = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["new_person", "existing_person"], name="possiblematch_unique_pair"
            )
        ]
        # The board counts and lists open matches oldest first; without this it read them all.
        indexes = [models.Index(fields=["state", "created_at"], name="possiblematch_open_idx")]

    @property
    def reasons_in_words(self) -> str:
        """What the records share, as a worker would read it: "name, date of birth, postcode"."""
        return ", ".join(str(self.REASON_LABELS.get(r, r)) for r in self.reasons)
