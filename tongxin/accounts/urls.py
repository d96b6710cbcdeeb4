from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("me/", views.profile_view, name="profile"),
    path("elder-mode/", views.elder_mode_view, name="elder_mode"),
    # The system administrator's account pages.
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/reset-password/", views.user_password_reset, name="user_password_reset"),
    # The security administrator's role page.
    path("roles/", views.role_list, name="role_list"),
    path("roles/<int:pk>/grant/", views.role_grant, name="role_grant"),
    path("roles/<int:pk>/revoke/<str:role>/", views.role_revoke, name="role_revoke"),
]
