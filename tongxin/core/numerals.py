"""Chinese numerals as offices write them in names: 第十届, 二十一次, 第0012号."""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (the forms used in 届, 次 and 期)."""
    if n < 0:
        raise ValueError("negative numbers have no ordinal form here")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            return _DIGITS[hundreds] + "百"
        if rest < 10:
            return _DIGITS[hundreds] + "百零" + _DIGITS[rest]
        tail = chinese_number(rest)
        # 110 is 一百一十, not 一百十.
        if rest < 20:
            tail = "一" + tail
        return _DIGITS[hundreds] + "百" + tail
    raise ValueError("numbers of 1000 and above are not used in these names")
