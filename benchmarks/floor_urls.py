"""The site's URLs plus the floor: the least a staff page can cost.

Used only by the benchmark (DJANGO_SETTINGS_MODULE=bench_settings); never part of the site.
"""

from django.http import HttpResponse
from django.urls import path

from livingwell.access.permissions import Permission
from livingwell.access.policy import staff
from livingwell.people.models import Person
from livingwell.urls import urlpatterns as site_urlpatterns


@staff(Permission.VIEW_BOARD)
def floor(request):
    """A minimal staff page: the same middleware, the same sign-in and the same staff policy as
    the Hub board (so whatever the site does to learn who is signed in, the floor does too),
    then one primary-key lookup and a plain-text answer, with no template."""
    found = Person.objects.filter(pk=request.GET.get("id")).values_list("pk", flat=True).first()
    return HttpResponse(f"ok {bool(found)}", content_type="text/plain")


urlpatterns = [
    path("__floor__/", floor, name="benchmark_floor"),
    *site_urlpatterns,
]
