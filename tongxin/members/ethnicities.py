"""The 56 ethnic groups as written in 民族 fields of official forms (GB/T 3304-1991 names)."""

from __future__ import annotations

ETHNIC_GROUPS: tuple[str, ...] = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族",
    "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)  # fmt: skip
# GB/T 3304 also codes these two for people outside the 56 groups.
OTHER_GROUPS: tuple[str, ...] = ("其他未识别民族", "外国血统中国籍人士")
ALLOWED = frozenset(ETHNIC_GROUPS + OTHER_GROUPS)


def normalize_ethnicity(value: str) -> str:
    """ "汉" → "汉族", "蒙古" → "蒙古族": rosters often leave out the 族."""
    value = value.strip()
    if value and value not in ALLOWED and f"{value}族" in ALLOWED:
        return f"{value}族"
    return value
