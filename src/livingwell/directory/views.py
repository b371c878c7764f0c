"""Directory pages: public search (no login), the staff search and service page with handover
statistics, and owners' listing edits. Searches use GET: they hold needs and places only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from livingwell.access.permissions import Permission, has_permission
from livingwell.access.policy import public, staff
from livingwell.core import forms as lw_forms
from livingwell.directory import actions
from livingwell.directory.models import REVIEW_MONTHS_DEFAULT, Service
from livingwell.directory.queries import handover_stats, open_at
from livingwell.directory.search import SearchForm, search, service_terms
from livingwell.directory.validators import email_address, web_address
from livingwell.people.names import NameField

PER_PAGE = 20


def review_months() -> int:
    """Months after which a listing's owner is reminded to check it (site setting if present)."""
    from livingwell.core.models import SiteConfig

    return getattr(SiteConfig.current(), "directory_review_months", REVIEW_MONTHS_DEFAULT)


def _search_page(request, *, public_only: bool, template: str):
    form = SearchForm(request.GET or None)
    results, page = None, None
    if form.is_bound and form.is_valid() and form.is_search:
        results = search(form.cleaned_data, public_only=public_only)
        page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "results": results,
            "page": page,
            "query": query.urlencode(),
            # Search pressed with nothing chosen: say so, rather than show nothing.
            "empty_search": form.is_bound and form.is_valid() and not form.is_search,
        },
    )


@public
@require_GET
def public_search(request):
    return _search_page(request, public_only=True, template="directory/public_search.html")


@public
@require_GET
def public_service(request, service_id):
    svc = get_object_or_404(
        Service.objects.select_related("organization").filter(is_public=True), id=service_id
    )
    return render(request, "directory/public_service.html", _service_context(svc))


@staff(Permission.VIEW_BOARD)
@require_GET
def staff_search(request):
    return _search_page(request, public_only=False, template="directory/staff_search.html")


@staff(Permission.VIEW_BOARD)
@require_GET
def service(request, service_id):
    svc = get_object_or_404(
        Service.objects.select_related("organization", "network_organisation"), id=service_id
    )
    months = review_months()
    context = _service_context(svc)
    context.update(
        stats=handover_stats(svc),
        can_edit=actions.can_edit(request.user, svc),
        can_hand_over=has_permission(request.user, Permission.OFFER_HANDOVER),
        overdue=svc.is_review_overdue(months),
        review_months=months,
    )
    return render(request, "directory/service.html", context)


def _service_context(svc: Service) -> dict:
    sals = svc.service_at_locations.select_related("location").prefetch_related(
        "location__addresses", "location__accessibility", "schedules"
    )
    return {
        "service": svc,
        # Addresses stored before the rule on addresses are not shown as links.
        "website": web_address(svc.url),
        "email": email_address(svc.email),
        "terms": service_terms(svc),
        "service_at_locations": sals,
        "schedules": list(svc.schedules.all()),
        "languages": list(svc.languages.all()),
        "cost_options": list(svc.cost_options.all()),
        "contacts": list(svc.contacts.prefetch_related("phones")),
        "phones": list(svc.phones.all()),
        "open_now": open_at(svc, timezone.now()),
    }


class ListingForm(lw_forms.ModelForm):
    class Meta:
        model = Service
        fields = list(actions.EDITABLE_FIELDS)
        # Shown to the public and on the Hub's handover page: the one rule for a name.
        field_classes = {"name": NameField}
        labels = {
            "name": gettext_lazy("Name of the service"),
            "url": gettext_lazy("Website"),
            "minimum_age": gettext_lazy("Youngest age served"),
            "maximum_age": gettext_lazy("Oldest age served"),
            "alert": gettext_lazy("Notice shown at the top of the listing"),
        }
        widgets = {"status": forms.RadioSelect}


@staff(Permission.EDIT_OWN_DIRECTORY)
@require_GET
def my_listings(request):
    """Listings this user may edit, with the ones overdue a check first."""
    months = review_months()
    qs = Service.objects.select_related("organization", "network_organisation").order_by("name")
    if not has_permission(request.user, Permission.EDIT_ALL_DIRECTORY):
        from livingwell.accounts.models import Membership

        orgs = Membership.objects.current().filter(user=request.user).values("organisation_id")
        qs = qs.filter(network_organisation_id__in=orgs) | qs.filter(
            network_organisation__isnull=True, organization__network_organisation_id__in=orgs
        )
    rows = [(s, s.is_review_overdue(months)) for s in qs]
    rows.sort(key=lambda r: (not r[1], r[0].name))
    return render(
        request,
        "directory/my_listings.html",
        {"rows": rows, "review_months": months, "overdue_count": sum(1 for r in rows if r[1])},
    )


def _editable(request, service_id) -> Service:
    svc = get_object_or_404(Service.objects.select_related("organization"), id=service_id)
    if not actions.can_edit(request.user, svc):
        raise Http404  # someone else's listing: same as no listing
    return svc


@staff(Permission.EDIT_OWN_DIRECTORY)
@require_http_methods(["GET", "POST"])
def edit_service(request, service_id):
    svc = _editable(request, service_id)
    form = ListingForm(lw_forms.posted(request), instance=Service.objects.get(pk=svc.pk))
    if lw_forms.submit(
        request,
        form,
        lambda data: actions.update_service(
            by=request.user, service=svc, changes={k: data[k] for k in actions.EDITABLE_FIELDS}
        ),
        done=_("Listing saved and marked as checked today."),
    ):
        return redirect("directory:service", service_id=svc.id)
    return render(request, "directory/edit_service.html", {"form": form, "service": svc})


@require_POST
@staff(Permission.EDIT_OWN_DIRECTORY)
def mark_checked(request, service_id):
    svc = _editable(request, service_id)
    actions.mark_checked(by=request.user, service=svc)
    messages.success(request, _("Marked as checked today."))
    return redirect("directory:service", service_id=svc.id)
