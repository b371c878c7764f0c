"""GOV.UK Notify's delivery receipts (its "callbacks"), authenticated with the site's token."""

from __future__ import annotations

import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from livingwell.access.policy import bearer_token
from livingwell.notifications import actions


@csrf_exempt  # a machine's POST with a bearer token, not a browser's form
@require_POST
@bearer_token("LIVINGWELL_NOTIFY_CALLBACK_TOKEN")
def notify_receipt(request):
    try:
        receipt = json.loads(request.body)
        gateway_id, status = str(receipt["id"]), str(receipt["status"])
    except (ValueError, TypeError, KeyError):
        return JsonResponse({"error": "Expected JSON with an id and a status."}, status=400)
    try:
        message = actions.record_receipt(gateway_id=gateway_id, status=status)
    except actions.MessageStateError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    # An id that is not ours is answered 200 all the same: Notify would otherwise retry it.
    return JsonResponse({"recorded": message is not None})
