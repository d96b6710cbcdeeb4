"""Proposal pages, mounted at /proposals/."""

from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("export/", views.proposal_list_export, name="list_export"),
    path("new/", views.proposal_new, name="new"),
    path("autosave/", views.draft_autosave, name="autosave_new"),
    path("review/", views.review_desk, name="review"),
    path("review/export/", views.review_export, name="review_export"),
    path("history/import/", views.history_import, name="history_import"),
    path("history/template/", views.history_template, name="history_template"),
    path("batch/", views.batch_assign, name="batch"),
    path("batch/export/", views.batch_export, name="batch_export"),
    path("due/", views.due_list, name="due"),
    path("due/export/", views.due_export, name="due_export"),
    path("key/export/", views.key_export, name="key_export"),
    path("excellent/export/", views.excellent_export, name="excellent_export"),
    path("key/", views.key_list, name="key"),
    path("excellent/", views.excellent_list, name="excellent"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("<int:pk>/autosave/", views.draft_autosave, name="autosave"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<int:pk>/reply-letter/", views.reply_letter_upload, name="reply_letter"),
    path("<int:pk>/actions/<slug:action>/", views.proposal_action, name="action"),
]
