from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from tongxin.proposals.tests.factories import act, draft
from tongxin.similarity import indexes

TOILETS = {
    "title": "关于完善城市公厕指引系统的建议",
    "background": "调研发现，市民普遍反映在城关区老城区找不到环卫公厕，问卷中仅有少数人经常使用公厕指引。",
    "analysis": "线下公厕指示牌设置不合理、数量不足，线上地图中的公厕位置信息更新不及时，游客尤其不便。",
    "suggestions": "一、统一设置公厕指示牌并标明距离；二、在地图应用中标注公厕位置并定期更新开放时间。",
}
TOILETS_AGAIN = {
    "title": "关于加快改进公厕指引标识的提案",
    "background": "老城区环卫公厕难找，市民和游客反映强烈，公厕指示牌少且位置不醒目。",
    "analysis": "地图应用中的公厕位置信息陈旧，部分公厕已拆除仍有标注，指引系统缺乏统一管理。",
    "suggestions": "建议统一规划公厕指示牌，地图应用及时更新公厕位置和开放时间，方便群众如厕。",
}
SCHOOL = {
    "title": "关于加强中小学课后托管服务的建议",
    "background": "双职工家庭普遍存在接孩子难的问题，课后托管服务覆盖面不足，收费标准不统一。",
    "analysis": "学校师资紧张，托管内容单一，社会力量参与托管缺乏规范和监管。",
    "suggestions": "扩大课后托管覆盖面，引入少年宫和社区资源，财政给予补助，规范收费和安全管理。",
}


@pytest.fixture(autouse=True)
def index_dir(settings: Any, tmp_path: Any) -> Any:
    settings.SIMILARITY_INDEX_DIR = str(tmp_path / "similarity")
    # Persist on every update and catch up on every read, so tests see each step at once.
    settings.SIMILARITY_SAVE_SECONDS = 0
    settings.SIMILARITY_CATCH_UP_SECONDS = 0
    indexes.forget()
    cache.clear()  # cached clusters are keyed by ids, which the next test's rows reuse
    yield tmp_path / "similarity"
    indexes.forget()
    cache.clear()


def make(world: Any, text: dict[str, str], *, author: Any = None, state: str = "filed") -> Any:
    """A proposal by `author` walked to draft / submitted / filed through the real services."""
    p = draft(world, author or world.wang_wei, **text)
    if state in ("submitted", "filed"):
        p = act(p, "submit", author or world.wang_wei)
    if state == "filed":
        p = act(p, "file", world.zhang_min)
    return p
