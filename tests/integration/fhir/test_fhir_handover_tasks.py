"""A partner's system follows a handover: each state as Task.status and ServiceRequest.status."""

from __future__ import annotations

import pytest
from tests.fhir_support import api_for, assert_valid
from tests.outcomes_support import in_support

pytestmark = pytest.mark.django_db

# handover state -> (Task.status, ServiceRequest.status), as issue 20 maps them.
EXPECTED = {
    "offered": ("requested", "active"),
    "accepted": ("accepted", "active"),
    "declined": ("rejected", "revoked"),
    "started": ("in-progress", "active"),
    "completed": ("completed", "completed"),
    "withdrawn": ("cancelled", "revoked"),
}


def follow(api, handover):
    task = api.get(f"Task/{handover.pk}").json()
    request = api.get(f"ServiceRequest/{handover.pk}").json()
    assert_valid(task)
    assert_valid(request)
    assert task["focus"] == {"reference": f"ServiceRequest/{handover.pk}"}
    return task, request


@pytest.mark.parametrize(
    "path",
    [
        ["accepted", "started", "completed"],
        ["declined"],
        ["withdrawn"],
        ["accepted", "withdrawn"],
    ],
    ids=lambda p: "-".join(p),
)
def test_every_handover_transition_is_a_task_state(personas, path):
    from livingwell.hub import actions as hub

    intro = in_support(personas.hub_worker)
    handover = hub.offer_handover(
        by=personas.hub_worker,
        introduction=intro,
        to_organisation=personas.vcs,
        what_is_asked="Peer support",
    )
    hub_api, partner_api = api_for(personas.trust), api_for(personas.vcs)
    task, request = follow(hub_api, handover)
    assert (task["status"], request["status"]) == EXPECTED["offered"]
    assert task["owner"] == {"reference": f"Organization/{personas.vcs.pk}"}
    # The receiving organisation's system sees the offer waiting for its reply, not the record.
    assert follow(partner_api, handover)[0]["status"] == "requested"
    assert partner_api.get(f"Patient/{intro.person_id}").status_code == 404
    for step in path:
        if step in ("accepted", "declined"):
            handover = hub.respond_to_handover(
                by=personas.partner_worker,
                handover=handover,
                accept=step == "accepted",
                reason="" if step == "accepted" else "No places until spring.",
            )
        else:
            by = personas.hub_worker if step == "withdrawn" else personas.partner_worker
            handover = hub.advance_handover(by=by, handover=handover, to_state=step)
        task, request = follow(hub_api, handover)
        assert (task["status"], request["status"]) == EXPECTED[step], step
        if step == "declined":
            assert task["statusReason"]["text"] == "No places until spring."
        if step in ("accepted", "started"):
            # The receiving organisation's own system follows it too.
            assert follow(partner_api, handover)[0]["status"] == EXPECTED[step][0]
