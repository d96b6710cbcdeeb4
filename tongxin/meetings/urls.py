from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("export/", views.meeting_list_export, name="list_export"),
    path("new/", views.meeting_create, name="create"),
    path("leave/", views.leave_requests, name="leave_requests"),
    path("absences/", views.absences, name="absences"),
    path("sign-in/<str:token>/", views.qr_sign_in, name="sign_in"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/invite/", views.meeting_invite, name="invite"),
    path("<int:pk>/attendance/export/", views.attendance_export, name="attendance_export"),
    path("<int:pk>/sign-in/", views.code_sign_in, name="code_sign_in"),
    path("<int:pk>/speeches/", views.speech_add, name="speech_add"),
    path("<int:pk>/minutes/", views.minutes_save, name="minutes"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/sittings/<int:sitting_pk>/qr/", views.sitting_qr, name="qr"),
    path("<int:pk>/actions/<slug:action>/", views.meeting_transition, name="transition"),
    path(
        "<int:pk>/attendance/<int:attendance_pk>/<slug:action>/", views.attendance_action, name="attendance"
    ),
]
