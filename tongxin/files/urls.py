from django.urls import path

from . import views

app_name = "files"

urlpatterns = [
    path("", views.file_list, name="list"),
    path("generate/<str:kind>/", views.file_generate, name="generate"),
    path("<int:pk>/", views.file_detail, name="detail"),
    path("<int:pk>/download/", views.file_download, name="download"),
    path("<int:pk>/preview.pdf", views.file_preview, name="preview"),
]
