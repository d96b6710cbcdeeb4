from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.index, name="index"),
    path("figures/", views.figures, name="figures"),
    path("settings/", views.settings_page, name="settings"),
]
