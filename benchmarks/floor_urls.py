"""The site's URLs plus the "framework floor": one indexed query, no template.

Used only by the benchmark (DJANGO_SETTINGS_MODULE=bench_settings); never part of the site.
"""

from django.http import HttpResponse, HttpResponseForbidden
from django.urls import path

from livingwell.people.models import Person
from livingwell.urls import urlpatterns as site_urlpatterns


def floor(request):
    """The same middleware stack, session and MFA check as every staff page, then one
    primary-key lookup and a plain-text answer: what any signed-in page costs at the least."""
    user = request.user
    if not (user.is_authenticated and user.is_verified()):
        return HttpResponseForbidden("signed in with MFA only")
    found = Person.objects.filter(pk=request.GET.get("id")).values_list("pk", flat=True).first()
    return HttpResponse(f"ok {bool(found)}", content_type="text/plain")


floor.access_policy = "benchmark-only"

urlpatterns = [path("__floor__/", floor, name="benchmark_floor"), *site_urlpatterns]
