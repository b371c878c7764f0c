"""The token endpoint and SMART configuration beside the FHIR API (api.py, namespace fhir-api)."""

from django.urls import path
from django.views.decorators.http import require_POST
from oauth2_provider.views import TokenView

from livingwell.core.public import public
from livingwell.fhir import api

app_name = "fhir"

urlpatterns = [
    # django-oauth-toolkit's own token endpoint: client credentials, POST only, no cookies.
    path("auth/token", public(require_POST(TokenView.as_view())), name="token"),
    path(
        ".well-known/smart-configuration",
        api.smart_configuration,
        name="smart_configuration",
    ),
]
