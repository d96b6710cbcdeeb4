from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_dashboard_cache() -> Iterator[None]:
    """Each test starts without cached dashboards (ids repeat between tests on SQLite)."""
    cache.clear()
    yield
    cache.clear()
