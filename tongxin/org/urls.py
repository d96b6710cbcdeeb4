"""Organisation pages under /org/: one list/new/edit/deactivate/reactivate set per kind, generated from
views.SECTIONS, plus the term page, the handling-unit page with its contacts, and the preset buttons."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import presets, views
from .entities import ENTITIES

app_name = "org"


def _section_urls(entity: str) -> list[URLPattern]:
    slug, kw = ENTITIES[entity].slug, {"entity": entity}
    return [
        path(f"{slug}/", views.section_list, kw, name=f"{entity}_list"),
        path(f"{slug}/export/", views.section_export, kw, name=f"{entity}_export"),
        path(f"{slug}/new/", views.section_create, kw, name=f"{entity}_create"),
        path(f"{slug}/<int:pk>/edit/", views.section_edit, kw, name=f"{entity}_edit"),
        path(f"{slug}/<int:pk>/deactivate/", views.section_deactivate, kw, name=f"{entity}_deactivate"),
        path(f"{slug}/<int:pk>/reactivate/", views.section_reactivate, kw, name=f"{entity}_reactivate"),
    ]


urlpatterns = [
    path("", views.overview, name="overview"),
    *[url for entity in views.SECTIONS for url in _section_urls(entity)],
    path("terms/<int:pk>/", views.term_detail, name="term_detail"),
    path("terms/<int:pk>/set-current/", views.term_set_current, name="term_set_current"),
    path("terms/<int:pk>/sectors/apply-preset/", views.term_apply_preset, name="term_apply_preset"),
    *[
        path(
            f"committees/<int:pk>/{ENTITIES[entity].slug}/apply-preset/",
            views.committee_apply_preset,
            {"entity": entity},
            name=f"{entity}_apply_preset",
        )
        for entity in presets.PRESET_FOR_ENTITY
        if ENTITIES[entity].parent == "committee"
    ],
    path("handling-units/import/", views.handling_unit_import, name="handling_unit_import"),
    path("handling-units/template/", views.handling_unit_template, name="handling_unit_template"),
    path("handling-units/<int:pk>/", views.handling_unit_detail, name="handling_unit_detail"),
    path(
        "handling-units/<int:unit_pk>/contacts/new/",
        views.section_create,
        {"entity": "contact"},
        name="contact_create",
    ),
    path(
        "handling-units/<int:unit_pk>/contacts/<int:pk>/edit/",
        views.section_edit,
        {"entity": "contact"},
        name="contact_edit",
    ),
    path(
        "handling-units/<int:unit_pk>/contacts/<int:pk>/remove/", views.contact_remove, name="contact_remove"
    ),
]
