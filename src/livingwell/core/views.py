from django.shortcuts import render

from livingwell.core.public import public


@public
def home(request):
    return render(request, "core/home.html")


@public
def urgent_help(request):
    return render(request, "core/urgent_help.html")


@public
def accessibility(request):
    return render(request, "core/accessibility.html")


@public
def privacy(request):
    return render(request, "core/privacy.html")
