from __future__ import annotations

import pytest

from tongxin.duties.tests.conftest import record  # noqa: F401  (the duties fixture, reused)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Generated files of this test go to a media root of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what commits enqueue (the ImmediateBackend then makes the file inline)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
