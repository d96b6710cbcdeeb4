"""The working-day calendar's pages, mounted at calendar/."""

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("deadline/", views.deadline_view, name="deadline"),
    path("days/", views.day_set_view, name="day_set"),
    path("days/clear/", views.day_clear_view, name="day_clear"),
]
