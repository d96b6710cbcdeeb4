"""Background jobs: keep the index current after a proposal is created or edited (enqueue on commit)."""

from __future__ import annotations

from django_tasks import task


@task()
def similarity_index_proposal(proposal_id: int) -> bool:
    """Re-index one proposal; idempotent (adding an indexed id replaces it)."""
    from .services import index_proposal

    return index_proposal(proposal_id=proposal_id)
