from __future__ import annotations

from tongxin.textsim.copies import CopyPair, copy_score, find_copies, is_copy

BASE = (
    "调研情况：农村老年人口比重持续上升，空巢和留守老人的照料问题日益突出。课题组走访了三个乡镇，"
    "发放问卷三百余份，发现互助养老点覆盖率低，服务内容单一，志愿者队伍不稳定，资金来源主要依靠村集体。"
    "问题分析：一是设施不足，二是人才缺乏，三是资金保障机制尚未建立。"
    "具体建议：1.加大财政投入，利用闲置校舍建设互助养老点；2.培育低龄老人志愿者队伍，建立时间银行；"
    "3.引入社会组织参与运营，完善考核激励机制。"
)
# Same text re-filed with a new opening and small edits: a near-copy.
EDITED = (
    "调研情况：互助养老是我省积极探索的新模式。课题组走访了三个乡镇，发放问卷三百余份，发现互助养老点"
    "覆盖率低，服务内容单一，志愿者队伍不稳定，资金来源主要依靠村集体。问题分析：一是设施不足，二是人才"
    "缺乏，三是资金保障机制尚未建立。具体建议：（一）加大财政投入，利用闲置校舍建设互助养老点；（二）培育"
    "低龄老人志愿者队伍，建立时间银行；（三）引入社会组织参与运营，完善考核激励机制。"
)
# Same topic, independently written: not a copy.
SAME_TOPIC = (
    "随着老龄化加深，农村养老服务需求快速增长。目前农村养老机构床位空置与一床难求并存，护理人员年龄偏大、"
    "专业化程度低。建议统筹城乡养老资源，推动县级养老服务中心向乡镇延伸，提高护理补贴标准，"
    "鼓励医疗机构与养老机构签约合作，逐步建立长期护理保险制度。"
)
OTHER = (
    "航空货运是现代物流体系的重要组成部分。我省航空货运量占全国比重偏低，缺少专业货运航空公司，"
    "建议加快建设航空货运枢纽，完善航空物流园区，支持快递企业开通全货机航线，优化海关通关流程。"
)


def test_is_copy_on_hand_made_texts():
    assert is_copy(BASE, BASE)
    assert is_copy(BASE, EDITED)
    assert is_copy(BASE, "ＮＯＴＥ：" + BASE.replace("，", ","))  # width and punctuation do not matter
    assert not is_copy(BASE, SAME_TOPIC)
    assert not is_copy(BASE, OTHER)
    assert not is_copy("短文本", "短文本")  # too short to call


def test_copy_score_containment_keeps_a_shortened_resubmission():
    short = BASE[: len(BASE) // 2]
    containment, jaccard = copy_score(short, BASE)
    assert containment > 0.95
    assert jaccard < 0.7


def test_find_copies_on_hand_made_corpus():
    docs = [
        ("a", "关于农村互助养老的建议", BASE),
        ("b", "关于推进农村互助养老的几点建议", EDITED),
        ("c", "关于农村养老服务的建议", SAME_TOPIC),
        ("d", "关于航空货运的建议", OTHER),
        ("e", "关于农村互助养老的建议", BASE),
    ]
    pairs = find_copies(docs)
    assert {(p.a, p.b) for p in pairs} == {("a", "b"), ("a", "e"), ("b", "e")}
    assert pairs[0] == CopyPair("a", "e", 1.0, 1.0)
    assert pairs[0].kind == "duplicate"
    assert all(isinstance(p.containment, float) for p in pairs)
    assert find_copies(docs[:1]) == []
