from django.urls import path

from livingwell.coproduction import views

app_name = "coproduction"

A = "activities/<uuid:activity_id>/"
D = "decisions/<uuid:decision_id>/"

urlpatterns = [
    path("", views.activities, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path(A, views.activity, name="activity"),
    path(A + "rating/", views.activity_rate, name="activity_rate"),
    path(A + "attendees/", views.attendance_add, name="attendance_add"),
    path(A + "decisions/new/", views.decision_new, name="decision_new"),
    path("involved-people/new/", views.person_new, name="person_new"),
    path("involved-people/<uuid:person_id>/", views.person, name="person"),
    path("attendances/<uuid:attendance_id>/payment/", views.payment, name="payment"),
    path("attendances/<uuid:attendance_id>/expenses/", views.expense_add, name="expense_add"),
    path("expenses/<uuid:expense_id>/receipt/", views.receipt, name="receipt"),
    path("decisions/", views.decisions, name="decisions"),
    path(D, views.decision, name="decision"),
    path(D + "feedback/", views.decision_feedback, name="decision_feedback"),
    path(D + "final/", views.decision_finalise, name="decision_finalise"),
    path(D + "publish/", views.decision_publish, name="decision_publish"),
    path("payments/", views.payments_page, name="payments"),
    path("payments/payroll.csv", views.payroll_csv, name="payroll_csv"),
    path("payments/expenses.csv", views.expenses_csv, name="expenses_csv"),
    path("payments/rate-card/new/", views.rate_card_new, name="rate_card_new"),
    path("settings/", views.settings_page, name="settings"),
    path("network/", views.network_page, name="network"),
    path("you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
]
