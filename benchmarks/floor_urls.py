"""The site's URLs plus the "framework floor": one indexed query, no template.

Used only by the benchmark (DJANGO_SETTINGS_MODULE=bench_settings); never part of the site.
"""

from django.http import HttpResponse, HttpResponseForbidden
from django.urls import path

from livingwell.access.permissions import Permission
from livingwell.access.policy import staff
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


@staff(Permission.VIEW_BOARD)
def staff_floor(request):
    """The floor as a staff page: the staff policy (MFA passed, the user's memberships read for
    their roles), then the same one query. Reported beside the floor so that what the staff
    policy costs every staff page shows apart from each page's own work."""
    found = Person.objects.filter(pk=request.GET.get("id")).values_list("pk", flat=True).first()
    return HttpResponse(f"ok {bool(found)}", content_type="text/plain")


urlpatterns = [
    path("__floor__/", floor, name="benchmark_floor"),
    path("__floor__/staff/", staff_floor, name="benchmark_staff_floor"),
    *site_urlpatterns,
]
