from django.urls import path

from livingwell.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notify/receipts/", views.notify_receipt, name="notify_receipt"),
]
