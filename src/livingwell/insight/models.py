"""The local population the network compares itself with (equity lens)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PopulationGroup(models.Model):
    """How many residents of the area are in one group of one dimension (e.g. ethnicity: black).

    Imported by the site with ``livingwell insight import-population FILE.csv``; the demo ships a
    synthetic table. Groups use the same codes as the equity tables (see insight.metrics).
    """

    class Dimension(models.TextChoices):
        ETHNICITY = "ethnicity", _("Ethnic group")
        AGE_BAND = "age_band", _("Age band")
        SEX = "sex", _("Sex")
        DEPRIVATION = "deprivation", _("Deprivation decile")

    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    group = models.CharField(max_length=40)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["dimension", "group"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "group"], name="population_group_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.group}={self.count}"
