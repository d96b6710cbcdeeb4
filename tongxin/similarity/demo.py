"""Demo and seed extension, listed last in demo.builder.EXTENSIONS: build the committee's similarity
index once every other extension has added its proposals (the seed's bulk rows bypass the services
that enqueue indexing, so one rebuild at the end covers both)."""

from __future__ import annotations

from typing import Any

from .services import index_rebuild


def build(context: Any) -> dict[str, int]:
    """Rebuild and persist the index of the committee being built; returns its document count."""
    return {"similarity_indexed": index_rebuild(committee_id=context.committee.pk)}
