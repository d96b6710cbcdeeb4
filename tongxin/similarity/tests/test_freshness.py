"""The index stays current without a rebuild: proposals enqueue the re-index task on commit when a
proposal's text is created or edited, and every process catches up with rows edited elsewhere."""

from __future__ import annotations

from typing import Any

from tongxin.proposals import services as proposal_services
from tongxin.proposals.tests.factories import draft
from tongxin.similarity import indexes, queries, services

from .conftest import SCHOOL, TOILETS, TOILETS_AGAIN

TASK = "tongxin.similarity.tasks.similarity_index_proposal"


def similar_ids(user: Any, text: dict[str, str]) -> list[int]:
    items = queries.similar_for_text(user=user, title=text["title"], body=text["analysis"])
    return [i.proposal.pk for i in items]


def score(user: Any, text: dict[str, str], pk: int) -> float:
    """The score of proposal `pk` against `text` (0 when absent): a few shared 2-grams score low."""
    items = queries.similar_for_text(user=user, title=text["title"], body=text["analysis"])
    return next((i.score for i in items if i.proposal.pk == pk), 0.0)


def vocabulary(world: Any) -> None:
    """li_na's private draft on the same topic, so the index's vocabulary knows the toilet n-grams
    (a new document is vectorised with the vocabulary of the last build)."""
    draft(world, world.li_na, **{**TOILETS, "title": "关于公厕的私人草稿"})


def search_ids(user: Any, q: str) -> set[int]:
    return {p.pk for p in queries.search(user=user, filters=queries.SearchFilters(q=q))}


def test_the_setting_names_the_similarity_task(settings):
    assert TASK in settings.PROPOSAL_TEXT_CHANGED_TASKS


def test_a_new_draft_is_indexed_on_commit(world, settings, django_capture_on_commit_callbacks):
    # Catch-up is switched off here, so only the enqueued task can put the draft into the index.
    settings.SIMILARITY_CATCH_UP_SECONDS = 3600
    school = draft(world, world.wang_wei, **SCHOOL)
    services.index_rebuild(committee_id=world.committee.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        p = draft(world, world.wang_wei, **TOILETS)
    assert len(callbacks) == 1
    assert p.pk in indexes.get(world.committee.pk)
    assert similar_ids(world.wang_wei, TOILETS_AGAIN)[:1] == [p.pk]
    assert search_ids(world.wang_wei, "公厕 地图") == {p.pk}
    assert school.pk not in search_ids(world.wang_wei, "公厕")


def test_an_edited_draft_is_reindexed_and_an_unchanged_save_enqueues_nothing(
    world, settings, django_capture_on_commit_callbacks
):
    settings.SIMILARITY_CATCH_UP_SECONDS = 3600
    p = draft(world, world.wang_wei, **SCHOOL)
    vocabulary(world)
    services.index_rebuild(committee_id=world.committee.pk)
    assert score(world.wang_wei, TOILETS_AGAIN, p.pk) < 0.15
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        proposal_services.proposal_update_draft(proposal=p, actor=world.wang_wei, changes=TOILETS)
    assert len(callbacks) == 1
    assert similar_ids(world.wang_wei, TOILETS_AGAIN)[:1] == [p.pk]
    assert score(world.wang_wei, TOILETS_AGAIN, p.pk) > 0.3
    assert score(world.wang_wei, SCHOOL, p.pk) < 0.15
    assert search_ids(world.wang_wei, "公厕") == {p.pk}
    p.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        proposal_services.proposal_update_draft(proposal=p, actor=world.wang_wei, changes={"title": p.title})
    assert callbacks == []


def test_a_reviewer_edit_is_reindexed(world, settings, django_capture_on_commit_callbacks):
    from tongxin.proposals.tests.factories import act

    settings.SIMILARITY_CATCH_UP_SECONDS = 3600
    p = act(draft(world, world.wang_wei, **SCHOOL), "submit", world.wang_wei)
    services.index_rebuild(committee_id=world.committee.pk)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.proposal_review_edit(
            proposal=p, actor=world.zhang_min, changes={**TOILETS, "note": "改写"}
        )
    assert similar_ids(world.zhang_min, TOILETS_AGAIN)[:1] == [p.pk]


def test_no_task_is_enqueued_when_the_setting_is_empty(world, settings, django_capture_on_commit_callbacks):
    settings.PROPOSAL_TEXT_CHANGED_TASKS = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        draft(world, world.wang_wei, **TOILETS)
    assert callbacks == []


def test_another_process_edit_is_caught_up_without_the_task(world, settings):
    # No on-commit callbacks run in this test: the edit reaches the index only by catch-up, as an
    # edit made by another web process would.
    p = draft(world, world.wang_wei, **SCHOOL)
    vocabulary(world)
    services.index_rebuild(committee_id=world.committee.pk)
    settings.SIMILARITY_CATCH_UP_SECONDS = 3600
    indexes.get(world.committee.pk)  # caught up just now
    proposal_services.proposal_update_draft(proposal=p, actor=world.wang_wei, changes=TOILETS)
    assert score(world.wang_wei, TOILETS_AGAIN, p.pk) < 0.15  # throttled: not yet
    settings.SIMILARITY_CATCH_UP_SECONDS = 0
    assert score(world.wang_wei, TOILETS_AGAIN, p.pk) > 0.3


def test_a_process_loading_an_older_file_catches_up(world, settings):
    p = draft(world, world.wang_wei, **SCHOOL)
    services.index_rebuild(committee_id=world.committee.pk)
    new = draft(world, world.li_na, **TOILETS)
    indexes.forget()  # a new process: reads the file written before `new` existed
    index = indexes.get(world.committee.pk)
    assert new.pk in index
    assert p.pk in index


def test_saves_are_throttled_and_flush_persists(world, settings):
    from tongxin.textsim import SimilarityIndex

    draft(world, world.wang_wei, **SCHOOL)
    services.index_rebuild(committee_id=world.committee.pk)
    settings.SIMILARITY_SAVE_SECONDS = 3600
    settings.SIMILARITY_CATCH_UP_SECONDS = 3600
    q = draft(world, world.li_na, **TOILETS)
    assert services.index_proposal(proposal_id=q.pk) is True
    path = indexes.index_path(world.committee.pk)
    assert q.pk not in SimilarityIndex.load(path).ids
    indexes.flush(world.committee.pk)
    assert q.pk in SimilarityIndex.load(path).ids


def test_catch_up_after_a_build_re_adds_nothing_it_has_read(world):
    # Every row here is minutes old, inside the catch-up margin: the build records them as read, so
    # the next catch-up adds nothing (re-adding would count as drift and trigger rebuild after rebuild).
    draft(world, world.wang_wei, **SCHOOL)
    draft(world, world.li_na, **TOILETS)
    services.index_rebuild(committee_id=world.committee.pk)
    index = indexes.get(world.committee.pk)
    assert index.added_since_build == 0
    assert indexes.get(world.committee.pk) is index
