"""数据看板 pages, mounted at /dashboards/: /proposals/, /opinions/, /members/, /compare/."""

from django.urls import path, re_path

from . import views

app_name = "dashboards"

NAMES = "|".join(views.DASHBOARDS)

urlpatterns = [
    path("", views.index, name="index"),
    re_path(rf"^(?P<name>{NAMES})/$", views.dashboard, name="dashboard"),
    re_path(rf"^(?P<name>{NAMES})/export/$", views.dashboard_export, name="export"),
]
