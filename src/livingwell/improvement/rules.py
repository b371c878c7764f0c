"""Who may change a project, and who may see a learning response: each rule written once.

A learning response about a person (linked to an introduction) is seen only by those with a
legitimate relationship with that person: the views load it through ``access.helpers`` (a 404
and an audited refusal otherwise), and lists use :func:`may_see_response`, the same question
through ``has_permission(user, permission, person=...)``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from livingwell.access.permissions import Permission, has_permission
from livingwell.accounts.models import Role


def may_change_project(user, project) -> bool:
    """The project's lead, whoever started it and team members with an account."""
    if not has_permission(user, Permission.LEAD_IMPROVEMENT):
        return False
    if user.pk in (project.lead_id, project.created_by_id):
        return True
    return project.members.filter(user=user).exists()


def may_see_response(user, response) -> bool:
    person = response.introduction.person if response.introduction_id else None
    return has_permission(user, Permission.LEAD_LEARNING_RESPONSE, person=person)


# Who took part in a learning response, by role only: never by name.
PARTICIPANT_ROLE_CHOICES = [
    *((f"role:{value}", label) for value, label in Role.choices),
    ("person", _("The person the event happened to")),
    ("family", _("Family member or carer")),
    ("gp", _("GP or primary care")),
    ("manager", _("Service manager")),
    ("safety_partner", _("Patient safety partner")),
    ("other", _("Other")),
]
PARTICIPANT_ROLE_VALUES = [value for value, _label in PARTICIPANT_ROLE_CHOICES]
PARTICIPANT_ROLE_LABELS = dict(PARTICIPANT_ROLE_CHOICES)
