from django.urls import path

from . import views

app_name = "similarity"

urlpatterns = [
    path("check/", views.draft_check, name="check"),
    path("panel/", views.similar_panel, name="similar_panel"),
    path("clusters/", views.desk, name="desk"),
    path("sessions/<int:session_id>/clusters/", views.session_clusters, name="clusters"),
    path("sessions/<int:session_id>/clusters/merge/", views.cluster_merge, name="merge"),
    path("sessions/<int:session_id>/clusters/recompute/", views.cluster_recompute, name="recompute"),
    path("proposals/<int:proposal_id>/units/", views.unit_suggestions, name="units"),
    path("search/", views.search, name="search"),
]
