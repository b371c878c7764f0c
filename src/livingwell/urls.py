from django.urls import include, path

from livingwell.directory.api import urls as oruk_api_urls
from livingwell.fhir.api import urls as fhir_api_urls

urlpatterns = [
    path("", include("livingwell.core.urls")),
    path("introduce/", include("livingwell.intake.urls")),
    path("account/", include("livingwell.accounts.urls")),
    path("hub/", include("livingwell.hub.urls")),
    path("people/", include("livingwell.people.urls")),
    path("access/", include("livingwell.access.urls")),
    path("insight/", include("livingwell.insight.urls")),
    path("improvement/", include("livingwell.improvement.urls")),
    path("coproduction/", include("livingwell.coproduction.urls")),
    path("", include("livingwell.stories.urls")),
    path("simulation/", include("livingwell.simulation.urls")),
    path("", include("livingwell.outcomes.urls")),
    path("", include("livingwell.directory.urls")),
    path("my/", include("livingwell.portal.urls")),
    path("api/oruk/", oruk_api_urls()),
    path("", include("livingwell.operations.urls")),
    path("notifications/", include("livingwell.notifications.urls")),
    path("fhir/", include("livingwell.fhir.urls")),
    path("fhir/", fhir_api_urls()),
]

handler400 = "livingwell.core.errors.bad_request"
handler403 = "livingwell.core.errors.forbidden"
handler404 = "livingwell.core.errors.not_found"
handler500 = "livingwell.core.errors.server_error"
