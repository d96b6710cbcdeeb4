"""Normalisation of Chinese proposal text before n-gram extraction.

Everything here removes characters that carry no topic: width variants, Latin case, punctuation,
whitespace, the 关于……的建议 title frame, the official template headings (调研情况：问题分析：具体建议：)
and list numbering (一、 （一） 1. (1) ①).  What is left is a run of CJK characters, Latin letters and
digits, so that character n-grams count only content.

Speed matters (a 100,000-document rebuild normalises every document), so the per-character work
(NFKC folding, lower-casing, dropping punctuation) is done with numpy lookup tables over code points
instead of unicodedata.normalize / str.translate / re.sub, which are 3-10x slower on 1,000-char texts.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import numpy.typing as npt

__all__ = ["SEGMENT_SEP", "doc_text", "fold", "normalize", "normalize_title", "strip_title_frame"]

# doc_text() joins the title copies and the body with this separator; the n-gram extractors never
# form an n-gram across it, so "title-end + title-start" is not a spurious bigram.
SEGMENT_SEP = " "

_BMP = 0x10000
_CN_NUM = "一二三四五六七八九十百零〇两"

# Circled / parenthesised numbers (①…⑳, ⑴…⒇, ⒈…⒛, ㉑…) become plain digits under NFKC, where they could
# no longer be told apart from real numbers, so they are folded to a space instead.
_CIRCLED = "".join(
    chr(c)
    for lo, hi in ((0x2460, 0x249B), (0x24EB, 0x24FF), (0x2776, 0x2793), (0x3251, 0x325F), (0x32B1, 0x32BF))
    for c in range(lo, hi + 1)
)


@lru_cache(maxsize=1)
def _tables() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_], re.Pattern[str], dict[str, str]]:
    """Build (once, ~30 ms) the BMP fold table, the keep-mask, and the multi-character fold regex."""
    fold = np.arange(_BMP, dtype=np.uint32)
    keep = np.zeros(_BMP, dtype=np.bool_)
    multi: dict[str, str] = {}
    for c in range(_BMP):
        ch = chr(c)
        keep[c] = ch.isalnum()
        if 0xD800 <= c <= 0xDFFF:  # lone surrogates cannot be encoded; they never reach us
            continue
        if ch in _CIRCLED:
            fold[c] = 0x20
            continue
        folded = unicodedata.normalize("NFKC", ch).lower()
        if folded == ch:
            continue
        if len(folded) == 1:
            fold[c] = ord(folded)
        else:  # e.g. ℃ → °c, ㎡ → m2, ㈠ → (一): rare, handled by a regex before the table
            multi[ch] = folded
    multi_re = re.compile("[" + "".join(re.escape(ch) for ch in multi) + "]")
    return fold, keep, multi_re, multi


def _to_codes(s: str) -> npt.NDArray[np.uint32]:
    """Code points of s as a uint32 array (UTF-32 is a fixed-width view of the string)."""
    return np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _from_codes(a: npt.NDArray[np.uint32]) -> str:
    """Inverse of _to_codes."""
    return a.tobytes().decode("utf-32-le", "surrogatepass")


def fold(text: str) -> str:
    """NFKC-fold (full-width → half-width and other compatibility forms) and lower-case, per character."""
    if not text:
        return ""
    table, _keep, multi_re, multi = _tables()
    if multi_re.search(text):
        text = multi_re.sub(lambda m: multi[m.group()], text)
    a = _to_codes(text)
    bmp = a < _BMP
    if bmp.all():
        return _from_codes(table[a])
    # Astral characters (rare: CJK extension B+, emoji) are folded by unicodedata one by one.
    return "".join(
        chr(int(table[ord(ch)])) if ord(ch) < _BMP else unicodedata.normalize("NFKC", ch).lower()
        for ch in _from_codes(a)
    )


def _drop_non_word(text: str) -> str:
    """Keep only letters and digits (CJK, Latin, …): punctuation, symbols and whitespace are dropped."""
    if not text:
        return ""
    keep = _tables()[1]
    a = _to_codes(text)
    mask = keep[np.minimum(a, _BMP - 1)]
    astral = a >= _BMP
    if astral.any():
        mask[astral] = [chr(int(c)).isalnum() for c in a[astral]]
    return _from_codes(a[mask])


# Template headings, recognised only when a colon follows (after folding every colon is ':').  The
# generic branch covers "为此建议：", "提出如下建议：", "具体建议如下：", "我们建议：" and friends.
_HEADING_AT_END = re.compile(
    r"(?:调研情况|基本情况|情况分析|问题分析|存在问题|存在的问题|主要问题|原因分析|案由|理由|背景|现状"
    r"|(?:为此|因此|对此|特此|现|特|我们|我)?(?:提出)?(?:如下|以下)?(?:几点|若干)?"
    r"(?:具体|对策|政策|相关|主要)?(?:建议|意见|办法|措施)(?:如下)?)"
    r"\s*$"
)

# List numbering: (一) (1) / 一、 二、 / 1. 1、 (not decimals like 59.5) / 第一，  Every branch starts
# with a digit, '(', '第' or a Chinese numeral, so the regex engine can skip other characters fast.
_NUMBERING = re.compile(
    rf"\(\s*(?:[{_CN_NUM}]{{1,3}}|\d{{1,2}})\s*\)"
    rf"|[{_CN_NUM}]{{1,3}}、"
    r"|\d{1,2}\s*[.、](?!\d)"
    rf"|第[{_CN_NUM}]{{1,3}}(?=[,、])"
)

# The title frame 关于……的建议/提案/意见, with the variants seen in real titles (的几点建议, 的对策建议,
# 之提案, 有关建议, 的建議 in traditional characters, …).
_FRAME_HEAD = re.compile(r"^\s*(?:关于|關於)")
_FRAME_TAIL = re.compile(
    r"(?:[的之])?(?:几点|若干|有关|相关|对策|政策|实施|幾點|有關|相關|對策|實施)?"
    r"(?:建议|建議|提案|意见|意見)\s*$"
)
# The same frame inside a body ("我们提出了《关于完善……的建议》"), bounded so it cannot run across a sentence.
_FRAME_INLINE = re.compile(
    r"(?:关于|關於)([^,.;:!?()\"'\s]{2,40}?)[的之](?:几点|若干|有关|相关|对策|政策|实施)?"
    r"(?:建议|建議|提案|意见|意見)"
)
_SUBTITLE_DASH = re.compile(r"-{2,}|[—―]+")


def _numbering_repl(m: re.Match[str]) -> str:
    """Blank a numbering match unless it is the tail of a longer number (2019.1 is a date, not item 19)."""
    start = m.start()
    if start and m.group()[0].isdigit() and m.string[start - 1] in "0123456789.":
        return m.group()
    return " "


def _strip_structure(s: str) -> str:
    """Remove template headings, list numbering and inline title frames from folded text."""
    if ":" in s:
        # Headings end in a colon; colons are rare, so test only the text just before each one.
        parts = s.split(":")
        for i in range(len(parts) - 1):
            head = parts[i][-16:]
            stripped = _HEADING_AT_END.sub("", head)
            if stripped != head:
                parts[i] = parts[i][: len(parts[i]) - len(head)] + stripped
        s = " ".join(parts)
    s = _NUMBERING.sub(_numbering_repl, s)
    return _FRAME_INLINE.sub(r"\1", s)


def strip_title_frame(title: str) -> str:
    """Remove the 关于……的建议/提案/意见 frame from a folded title, keeping the topic."""
    out = []
    # Titles with a subtitle ("深耕运河文化遗产——关于加强……的建议") keep both halves, each unframed.
    for part in _SUBTITLE_DASH.split(title):
        stripped = _FRAME_TAIL.sub("", _FRAME_HEAD.sub("", part)).strip()
        # A title that is only the frame keeps its text rather than becoming empty.
        out.append(stripped if len(_drop_non_word(stripped)) >= 2 else part)
    return " ".join(out)


def normalize(text: str) -> str:
    """Normalise Chinese text: NFKC, lower-case, drop headings, numbering, frame words, punctuation."""
    if not text:
        return ""
    return _drop_non_word(_strip_structure(fold(text)))


def normalize_title(title: str) -> str:
    """Normalise a proposal title: like normalize() but the 关于……的建议 frame is removed first."""
    if not title:
        return ""
    s = strip_title_frame(fold(title))
    return _drop_non_word(_NUMBERING.sub(_numbering_repl, s))


def doc_text(title: str, body: str, body_chars: int = 600) -> str:
    """Indexable text: the normalised title twice (weighting it), then the first body_chars body chars."""
    t = normalize_title(title)
    body = body or ""
    # Normalising only a prefix keeps long bodies cheap; normalisation only deletes characters, so a raw
    # prefix of 2×body_chars+200 nearly always yields ≥ body_chars; if not, normalise everything.
    raw_cut = 2 * body_chars + 200
    b = normalize(body[:raw_cut])
    if len(b) < body_chars and len(body) > raw_cut:
        b = normalize(body)
    b = b[:body_chars]
    return SEGMENT_SEP.join(p for p in (t, t, b) if p)
