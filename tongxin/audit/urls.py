from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("events/<int:pk>/", views.event_detail, name="detail"),
    path("export/", views.export, name="export"),
]
