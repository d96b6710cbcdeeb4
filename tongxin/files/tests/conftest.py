from __future__ import annotations

import pytest

from .generators import PATHS


@pytest.fixture(autouse=True)
def test_generators(settings, tmp_path):
    """The test generators, and a media root of this test's own."""
    settings.FILE_GENERATORS = PATHS
    settings.MEDIA_ROOT = tmp_path / "media"
    return PATHS


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what commits enqueue (the ImmediateBackend then makes the file inline)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
