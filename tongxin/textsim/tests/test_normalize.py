from __future__ import annotations

from tongxin.textsim.normalize import SEGMENT_SEP, doc_text, fold, normalize, normalize_title


def test_full_and_half_width_fold_to_the_same_text():
    assert normalize("ＡＢＣ１２３，（测试）") == normalize("ABC123,(测试)") == "abc123测试"


def test_latin_is_lower_cased_and_punctuation_and_whitespace_dropped():
    assert normalize("  推进 AI 与 5G ，“融合”发展！\n") == "推进ai与5g融合发展"


def test_compatibility_characters_fold():
    assert fold("３０℃") == "30°c"
    assert normalize("温度３０℃") == "温度30c"


def test_template_headings_are_dropped():
    text = "调研情况：现状良好。问题分析：存在不足。具体建议：加强管理。案由：某事"
    assert normalize(text) == "现状良好存在不足加强管理某事"
    assert normalize("为此建议：一、加大投入") == "加大投入"
    assert normalize("对策建议: 完善制度") == "完善制度"


def test_heading_words_without_colon_are_content():
    assert normalize("我们的建议是加强管理") == "我们的建议是加强管理"


def test_numbering_is_dropped_but_numbers_are_kept():
    text = "一、加强领导（一）完善制度 1.建立机制 (2) 落实责任 ①强化考核 第一，增加投入"
    assert normalize(text) == "加强领导完善制度建立机制落实责任强化考核增加投入"
    # decimals, percentages, years are content
    assert normalize("增长59.5%，2019年") == "增长5952019年"


def test_title_frame_is_removed_keeping_the_topic():
    assert normalize_title("关于完善城市环卫公厕指引系统的建议") == "完善城市环卫公厕指引系统"
    assert normalize_title("关于推进江苏高校内涵发展的几点建议") == "推进江苏高校内涵发展"
    assert normalize_title("关于进一步加强商标法立法及执法之提案") == "进一步加强商标法立法及执法"
    assert normalize_title("關於實施循環再用的建議") == "實施循環再用"
    assert normalize_title("关于加强学前教育的意见") == "加强学前教育"
    assert (
        normalize_title("深耕运河文化遗产——关于加强大运河文化带建设的建议")
        == "深耕运河文化遗产加强大运河文化带建设"
    )
    # a title with no frame is left as it is
    assert normalize_title("加快餐厨废弃物资源化利用") == "加快餐厨废弃物资源化利用"


def test_inline_title_frame_in_body():
    assert normalize("我们提出了《关于完善公厕指引系统的建议》，希望") == "我们提出了完善公厕指引系统希望"


def test_doc_text_repeats_title_and_truncates_body():
    body = "调研情况：" + "甲乙丙丁" * 300
    text = doc_text("关于测试标题的建议", body, body_chars=600)
    parts = text.split(SEGMENT_SEP)
    assert parts[0] == parts[1] == "测试标题"
    assert len(parts[2]) == 600
    assert doc_text("", "") == ""


def test_doc_text_long_raw_body_with_much_whitespace_still_gives_full_prefix():
    body = "。 \n " * 1000 + "内容" * 400
    assert len(doc_text("题目", body, body_chars=600).split(SEGMENT_SEP)[-1]) == 600


def test_astral_characters_survive():
    assert normalize("𠀀字") == "𠀀字"
