from django.shortcuts import render
from django.views.decorators.http import require_GET

from livingwell.core.public import public


@public
@require_GET
def home(request):
    return render(request, "core/home.html")


@public
@require_GET
def urgent_help(request):
    return render(request, "core/urgent_help.html")


@public
@require_GET
def accessibility(request):
    return render(request, "core/accessibility.html")


@public
@require_GET
def privacy(request):
    return render(request, "core/privacy.html")
