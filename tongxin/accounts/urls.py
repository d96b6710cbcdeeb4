from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("me/", views.profile_view, name="profile"),
    path("elder-mode/", views.elder_mode_view, name="elder_mode"),
]
