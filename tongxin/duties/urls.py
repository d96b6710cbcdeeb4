from django.urls import path

from . import views

app_name = "duties"

urlpatterns = [
    path("", views.my_record, name="me"),
    path("members/<int:pk>/", views.member_record, name="member"),
    path("committee/", views.committee_overview, name="overview"),
    path("committee/export/", views.scores_export, name="scores_export"),
    path("rules/", views.rules, name="rules"),
    path("claims/", views.claim_list, name="claims"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:pk>/<slug:action>/", views.claim_action, name="claim_action"),
    path("assessments/open/", views.assessment_open_view, name="assessment_open"),
    path("assessments/<int:year>/<slug:action>/", views.assessment_action, name="assessment_action"),
    path("report/", views.duty_report, name="report"),
    path("queries/", views.query_new, name="query_new"),
]
