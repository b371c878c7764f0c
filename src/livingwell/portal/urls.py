from django.urls import path

from livingwell.portal import downloads, views

app_name = "portal"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.code, name="code"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("", views.home, name="home"),
    path("plan/", views.plan, name="plan"),
    path("about-me/", views.about_me, name="about_me"),
    path("support/", views.support, name="support"),
    path("support/come-back/", views.come_back, name="come_back"),
    path("measures/", views.measures, name="measures"),
    path("who-has-looked/", views.access_log, name="access_log"),
    path("sharing/", views.sharing, name="sharing"),
    path("trusted-people/", views.proxies, name="proxies"),
    path("trusted-people/<str:grant_id>/end/", views.proxy_revoke, name="proxy_revoke"),
    path("my-information/", downloads.download, name="download"),
    path("my-information/record.json", downloads.download_json, name="download_json"),
    path("my-information/record.pdf", downloads.download_pdf, name="download_pdf"),
    path("feedback/", views.feedback, name="feedback"),
]
