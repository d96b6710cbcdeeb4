"""Names in the order offices sort rosters: by the pinyin of the surname first (按姓氏拼音排序)."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

# Surnames that pypinyin reads with their common-word sound (单 dan, 曾 ceng, 区 qu …). Compound
# surnames come first so that 尉迟 is not read as 尉 + 迟.
SURNAME_READINGS: dict[str, list[str]] = {
    "尉迟": ["yu", "chi"],
    "万俟": ["mo", "qi"],
    "单": ["shan"],
    "曾": ["zeng"],
    "解": ["xie"],
    "区": ["ou"],
    "仇": ["qiu"],
    "朴": ["piao"],
    "查": ["zha"],
    "盖": ["ge"],
    "缪": ["miao"],
    "覃": ["qin"],
    "翟": ["zhai"],
    "乐": ["yue"],
    "员": ["yun"],
    "繁": ["po"],
    "种": ["chong"],
}


def name_pinyin(name: str) -> str:
    """王伟 → "wang wei"; 单田芳 → "shan tian fang". Lower case, one space between syllables."""
    name = name.strip()
    head: list[str] = []
    for surname, reading in SURNAME_READINGS.items():
        if name.startswith(surname) and len(name) > len(surname):
            head, name = list(reading), name[len(surname) :]
            break
    syllables = head + lazy_pinyin(name, style=Style.NORMAL)
    words = [s.strip().lower() for s in syllables if s.strip() and s.strip() not in {"·", "•", "."}]
    return " ".join(words)[:120]


def pinyin_key(text: str) -> str:
    """The form searches compare against: lower case without spaces ("Wang Wei" → "wangwei")."""
    return "".join(text.split()).lower()
