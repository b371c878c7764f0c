from django.urls import path

from livingwell.directory import views

app_name = "directory"
urlpatterns = [
    path("support/", views.public_search, name="public_search"),
    path("support/<uuid:service_id>/", views.public_service, name="public_service"),
    path("directory/", views.staff_search, name="search"),
    path("directory/mine/", views.my_listings, name="my_listings"),
    path("directory/<uuid:service_id>/", views.service, name="service"),
    path("directory/<uuid:service_id>/edit/", views.edit_service, name="edit"),
    path("directory/<uuid:service_id>/checked/", views.mark_checked, name="checked"),
]
