from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.roster_list, name="list"),
    path("me/", views.member_me, name="me"),
    path("new/", views.member_create, name="create"),
    path("import/", views.roster_import_view, name="import"),
    path("export/", views.roster_export_view, name="export"),
    path("template/", views.roster_template_view, name="template"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/photo/", views.member_photo, name="photo"),
    path("<int:pk>/photo/upload/", views.member_photo_upload, name="photo_upload"),
    path("<int:pk>/reveal-phone/", views.member_reveal_phone, name="reveal_phone"),
    path("<int:pk>/actions/<slug:action>/", views.member_transition, name="transition"),
]
