from django.urls import path

from livingwell.portal import downloads, staff_views, views

app_name = "portal"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.code, name="code"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("nhs-login/", views.nhs_login, name="nhs_login"),
    path("nhs-login/callback/", views.nhs_login_callback, name="nhs_login_callback"),
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
    # The workers' side: under /my/staff/, staff policies.
    path("staff/from-people/", staff_views.inbox, name="inbox"),
    path(
        "staff/proposals/<str:contribution_id>/seen/",
        staff_views.proposal_seen,
        name="proposal_seen",
    ),
    path("staff/contacts/<str:contact_id>/withhold/", staff_views.withhold, name="withhold"),
    path("staff/privacy/", staff_views.privacy_questions, name="privacy_questions"),
    path(
        "staff/privacy/withheld/<str:withholding_id>/",
        staff_views.review_withholding,
        name="review_withholding",
    ),
    path(
        "staff/privacy/questions/<str:request_id>/answered/",
        staff_views.question_answered,
        name="question_answered",
    ),
]
