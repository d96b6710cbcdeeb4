"""The URL map: each app's pages under its own prefix, and the JSON API under /api/v1/."""

from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("tongxin.todos.urls")),
    path("accounts/", include("tongxin.accounts.urls")),
    path("org/", include("tongxin.org.urls")),
    path("members/", include("tongxin.members.urls")),
    path("audit/", include("tongxin.audit.urls")),
    path("calendar/", include("tongxin.core.urls")),
    path("opinions/", include("tongxin.opinions.urls")),
    path("meetings/", include("tongxin.meetings.urls")),
    path("duties/", include("tongxin.duties.urls")),
    path("proposals/", include("tongxin.proposals.urls")),
    path("similarity/", include("tongxin.similarity.urls")),
    path("files/", include("tongxin.files.urls")),
    path("dashboards/", include("tongxin.dashboards.urls")),
    path("documents/", include("tongxin.documents.urls")),
    path("api/v1/", api.urls),
]
