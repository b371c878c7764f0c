from django.urls import path

from livingwell.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("verify/", views.mfa, name="mfa"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sessions/", views.sessions, name="sessions"),
]
