from django.urls import path

from . import views

app_name = "opinions"

urlpatterns = [
    path("", views.opinion_list, name="list"),
    path("export/", views.opinion_list_export, name="list_export"),
    path("new/", views.opinion_new, name="new"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/export/", views.bulletin_list_export, name="bulletins_export"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/send/", views.bulletin_send_view, name="bulletin_send"),
    path("bulletins/<int:pk>/forward/", views.bulletin_forward_view, name="bulletin_forward"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("statistics/export/", views.statistics_export, name="statistics_export"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/", views.opinion_detail, name="detail"),
    path("<int:pk>/edit/", views.opinion_edit, name="edit"),
    path("<int:pk>/autosave/", views.opinion_autosave, name="autosave"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/actions/<slug:action>/", views.opinion_action, name="action"),
]
