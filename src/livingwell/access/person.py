"""The person's own side of access: who is signed in to the portal, and which parts they see.

A person's portal session is not a staff account: it holds a `PortalViewer` in the session
(the person themselves, or a proxy the person named), never a `User`, so a person session cannot
reach a staff page (those need a signed-in User) and a staff session cannot act as a person (the
portal policy refuses a signed-in User). Whether the viewer may see a person's record, and which
parts, is answered once, by relationships.person_relationship (ADR 0016).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Part(StrEnum):
    """The parts of the portal. The person sees every one; a proxy sees those chosen for them."""

    PLAN = "plan"
    ABOUT_ME = "about_me"
    SUPPORT = "support"
    MEASURES = "measures"
    ACCESS_LOG = "access_log"
    SHARING = "sharing"
    PROXIES = "proxies"
    DOWNLOAD = "download"
    FEEDBACK = "feedback"


PART_WORDS = {
    Part.PLAN: _("My plan"),
    Part.ABOUT_ME: _("About me and my crisis plan"),
    Part.SUPPORT: _("My support"),
    Part.MEASURES: _("My measures"),
    Part.ACCESS_LOG: _("Who has looked at my record"),
    Part.SHARING: _("My sharing choices"),
    Part.PROXIES: _("A carer or someone I trust"),
    Part.DOWNLOAD: _("My information"),
    Part.FEEDBACK: _("Feedback"),
}

# What a person may share with a proxy. Not the sharing choices nor the proxies themselves: a
# proxy must never be able to hand out access to the record (the same rule as for workers, who
# hand out access only on a lasting relationship of their own: permissions.PERMISSION_BASES).
PROXY_PARTS = (
    Part.PLAN,
    Part.ABOUT_ME,
    Part.SUPPORT,
    Part.MEASURES,
    Part.ACCESS_LOG,
    Part.DOWNLOAD,
    Part.FEEDBACK,
)

SESSION_KEY = "portal_viewer"
LAST_ACTIVITY = "portal_last_activity"


class Kind(StrEnum):
    SELF = "self"
    PROXY = "proxy"


@dataclass(frozen=True)
class PortalViewer:
    """Who is signed in to the portal: the person (kind SELF) or a proxy (kind PROXY, with the
    grant that names them). Read from the session on every request; what they may see is
    decided afresh each time (a revoked or ended grant stops at the next request)."""

    person_id: str
    kind: Kind
    grant_id: str = ""
    name: str = ""

    is_portal_viewer = True

    @property
    def acting_role(self) -> str:
        return "person" if self.kind == Kind.SELF else "proxy"

    def as_session(self) -> dict:
        return {
            "person": self.person_id,
            "kind": str(self.kind),
            "grant": self.grant_id,
            "name": self.name,
        }


def viewer_from_session(session) -> PortalViewer | None:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        return PortalViewer(
            person_id=str(data["person"]),
            kind=Kind(data["kind"]),
            grant_id=str(data.get("grant") or ""),
            name=str(data.get("name") or ""),
        )
    except (KeyError, ValueError):
        return None
