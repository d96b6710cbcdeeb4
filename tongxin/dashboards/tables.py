"""Each dashboard as tables: the page shows every table (the accessible, primary content) with its
chart drawn from the same rows, and the .xlsx writes one sheet per table. Both read these tables,
so the page, the chart and the workbook cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .queries import FUNNEL

# How many rows a bar chart draws (the table below it always lists every row).
CHART_ROWS = 20


@dataclass(frozen=True)
class Table:
    key: str  # the element id on the page, unique within a dashboard
    title: str  # the table's caption and the sheet's name
    headings: list[str]
    rows: list[list[Any]]
    chart: str = ""  # "funnel", "bar", "hbar", "pie" or "" (table only)
    series: tuple[int, ...] = ()  # the columns the chart draws
    label_column: int = 0  # the column naming each row (th scope="row")
    percent: bool = False  # the charted columns are rates (%)
    note: str = ""

    @property
    def wide(self) -> bool:
        """Many columns: the panel takes the whole row and the table scrolls inside its frame."""
        return len(self.headings) > 5

    @property
    def chart_id(self) -> str:
        return f"chart-data-{self.key}"

    def chart_data(self) -> dict[str, Any]:
        """What static/dashboards/dashboards.js needs to draw the chart: categories and series."""
        rows = self.rows if self.chart in ("funnel", "pie") else self.rows[:CHART_ROWS]
        return {
            "kind": self.chart,
            "title": self.title,
            "percent": self.percent,
            "categories": [str(row[self.label_column]) for row in rows],
            "series": [
                {"name": self.headings[col], "data": [_number(row[col]) for row in rows]}
                for col in self.series
            ],
        }


@dataclass
class Dashboard:
    title: str
    period: str
    tables: list[Table] = field(default_factory=list)


def _number(value: Any) -> float | int | None:
    if value is None or isinstance(value, int | float):
        return value
    return float(value)


STAGE_LABELS = {
    "received": gettext_lazy("收到"),
    "filed": gettext_lazy("立案"),
    "assigned": gettext_lazy("交办"),
    "replied": gettext_lazy("答复"),
    "closed": gettext_lazy("办结"),
}
PROPOSAL_TOTAL_LABELS = {
    "received": gettext_lazy("收到提案（件）"),
    "filed": gettext_lazy("立案（件）"),
    "filed_after_merge": gettext_lazy("并案后立案（件）"),
    "merged_members": gettext_lazy("被并案（件）"),
    "not_filed": gettext_lazy("不予立案（件）"),
    "withdrawn": gettext_lazy("撤案（件）"),
    "converted": gettext_lazy("转办（件）"),
    "assigned": gettext_lazy("交办（件）"),
    "replied": gettext_lazy("答复（件）"),
    "closed": gettext_lazy("办结（件）"),
    "overdue": gettext_lazy("逾期未答复（件次）"),
    "key_proposals": gettext_lazy("重点提案（件）"),
    "ratings": gettext_lazy("委员评价（份）"),
    "reply_rate": gettext_lazy("答复率（%）"),
    "on_time_rate": gettext_lazy("按时答复率（%）"),
    "attitude_satisfaction_rate": gettext_lazy("办理态度满意率（%）"),
    "result_satisfaction_rate": gettext_lazy("办理结果满意率（%）"),
}
OPINION_TOTAL_LABELS = {
    "received": gettext_lazy("收到信息"),
    "urgent": gettext_lazy("其中急事急报"),
    "from_lower": gettext_lazy("其中下级政协转报"),
    "returned": gettext_lazy("退回修改"),
    "edited": gettext_lazy("编发（本会刊物采用）"),
    "issues": gettext_lazy("编发期数"),
    "issues_sent": gettext_lazy("已报送期数"),
    "adopted_upstream": gettext_lazy("上级及党政机关采用（篇）"),
    "instructed": gettext_lazy("获领导批示（篇）"),
    "instructions": gettext_lazy("领导批示（件次）"),
    "feedback": gettext_lazy("部门反馈"),
    "not_adopted": gettext_lazy("未采用"),
}
INDICATOR_LABELS = {
    "proposals_received": gettext_lazy("收到提案（件）"),
    "proposals_filed": gettext_lazy("立案（件）"),
    "proposals_replied": gettext_lazy("答复（件）"),
    "proposals_closed": gettext_lazy("办结（件）"),
    "opinions_received": gettext_lazy("收到社情民意信息（篇）"),
    "opinions_edited": gettext_lazy("编发社情民意信息（篇）"),
    "opinions_adopted_upstream": gettext_lazy("上级及党政机关采用（篇）"),
    "opinions_instructed": gettext_lazy("获领导批示（篇）"),
    "meetings_held": gettext_lazy("召开会议活动（次）"),
    "members_scored": gettext_lazy("参加履职考核委员（人）"),
    "reply_rate": gettext_lazy("提案答复率（%）"),
    "on_time_rate": gettext_lazy("按时答复率（%）"),
    "attitude_satisfaction_rate": gettext_lazy("办理态度满意率（%）"),
    "result_satisfaction_rate": gettext_lazy("办理结果满意率（%）"),
    "attendance_rate": gettext_lazy("会议出席率（%）"),
    "average_score": gettext_lazy("委员履职平均得分"),
}
# Rates and averages are compared in their own table: one chart, one unit.
RATE_INDICATORS = frozenset(
    {
        "reply_rate",
        "on_time_rate",
        "attitude_satisfaction_rate",
        "result_satisfaction_rate",
        "attendance_rate",
        "average_score",
    }
)


def proposals_tables(data: dict[str, Any]) -> list[Table]:
    t = data["totals"]
    unit_headings = [
        _("承办单位"),
        _("交办（件次）"),
        _("答复"),
        _("逾期"),
        _("答复率（%）"),
        _("按时答复率（%）"),
        _("A类"),
        _("B类"),
        _("C类"),
        _("D类"),
        _("评价（份）"),
        _("态度满意率（%）"),
        _("结果满意率（%）"),
    ]
    key = data["key"]
    return [
        Table(
            "funnel",
            _("提案办理进度"),
            [_("环节"), _("件数")],
            [[str(STAGE_LABELS[row["stage"]]), row["count"]] for row in data["funnel"]],
            chart="funnel",
            series=(1,),
        ),
        Table(
            "totals",
            _("主要指标"),
            [_("指标"), _("数值")],
            [[str(label), t[k]] for k, label in PROPOSAL_TOTAL_LABELS.items()],
        ),
        Table(
            "classes",
            _("办理结果分类"),
            [_("分类"), _("件数")],
            [[_("%(c)s类") % {"c": row["result_class"]}, row["count"]] for row in data["classes"]],
            chart="pie",
            series=(1,),
        ),
        Table(
            "categories",
            _("按提案类别"),
            [_("类别"), _("收到"), _("立案"), _("答复"), _("答复率（%）")],
            [
                [r["name"], r["received"], r["filed"], r["replied"], r["reply_rate"]]
                for r in data["by_category"]
            ],
            chart="bar",
            series=(1, 2, 3),
        ),
        Table(
            "units",
            _("按承办单位"),
            unit_headings,
            [
                [
                    r["name"],
                    r["assigned"],
                    r["replied"],
                    r["overdue"],
                    r["reply_rate"],
                    r["on_time_rate"],
                    *(r["classes"][c] for c in ("A", "B", "C", "D")),
                    r["ratings"],
                    r["attitude_satisfaction_rate"],
                    r["result_satisfaction_rate"],
                ]
                for r in data["by_unit"]
            ],
            chart="hbar",
            series=(5, 11, 12),
            percent=True,
            note=_("图中为交办件次最多的 %(n)d 家单位；表中列出全部单位。") % {"n": CHART_ROWS},
        ),
        Table(
            "key",
            _("重点提案办理进度"),
            [_("环节"), _("件数")],
            [[str(STAGE_LABELS[stage]), key[stage]] for stage in FUNNEL],
            chart="bar",
            series=(1,),
        ),
    ]


def _ranking_table(key: str, ranking: dict[str, Any]) -> Table:
    return Table(
        f"ranking-{key}",
        _("%(l)s排名") % {"l": ranking["label"]},
        [_("名次"), _("名称"), _("报送"), _("编发"), _("上级采用"), _("领导批示")],
        [
            [r["rank"], r["name"], r["received"], r["edited"], r["adopted"], r["instructed"]]
            for r in ranking["rows"]
        ],
        chart="hbar",
        series=(2, 3, 4, 5),
        label_column=1,
    )


def opinions_tables(data: dict[str, Any]) -> list[Table]:
    t = data["totals"]
    return [
        Table(
            "totals",
            _("主要指标"),
            [_("指标"), _("篇（期、件）数")],
            [[str(label), t[k]] for k, label in OPINION_TOTAL_LABELS.items()],
            chart="bar",
            series=(1,),
        ),
        Table(
            "levels",
            _("按采用层级"),
            [_("采用层级"), _("篇数")],
            [[r["label"], r["count"]] for r in data["adopted_by_level"]],
            chart="bar",
            series=(1,),
        ),
        Table(
            "modes",
            _("按采用方式"),
            [_("采用方式"), _("篇数")],
            [[r["label"], r["count"]] for r in data["adopted_by_mode"]],
            chart="pie",
            series=(1,),
        ),
        Table(
            "instructions",
            _("领导批示"),
            [_("批示领导"), _("篇数")],
            [[r["label"], r["count"]] for r in data["instructed_by_level"]],
            chart="bar",
            series=(1,),
        ),
        *(_ranking_table(k, ranking) for k, ranking in data["rankings"].items()),
    ]


def members_tables(data: dict[str, Any]) -> list[Table]:
    scores = data["scores"]
    attendance = data["attendance"]
    a = attendance["totals"]
    attendance_headings = [
        _("会议类别"),
        _("次数"),
        _("应出席（人次）"),
        _("出席"),
        _("请假"),
        _("缺席"),
        _("迟到"),
        _("出席率（%）"),
    ]

    def attendance_row(name: str, r: dict[str, Any]) -> list[Any]:
        return [
            name,
            r["meetings"],
            r["invited"],
            r["present"],
            r["excused"],
            r["absent"],
            r["late"],
            r["attendance_rate"],
        ]

    tables = [
        Table(
            "score-summary",
            _("履职考核得分概况"),
            [_("指标"), _("数值")],
            [
                [_("参加考核委员（人）"), scores["members"]],
                [_("平均分"), scores["average"]],
                [_("最低分"), scores["lowest"]],
                [_("最高分"), scores["highest"]],
            ],
        ),
        Table(
            "score-bands",
            _("履职得分分布"),
            [_("分数段"), _("人数")],
            [[f"{b['low']}–{b['high'] - 1}", b["members"]] for b in scores["bands"]],
            chart="bar",
            series=(1,),
        ),
    ]
    if scores["grades"]:
        tables.append(
            Table(
                "grades",
                _("考核等次"),
                [_("等次"), _("人数")],
                [[g["grade"], g["members"]] for g in scores["grades"]],
                chart="pie",
                series=(1,),
            )
        )
    tables += [
        Table(
            "checklist",
            _("年度履职清单完成情况"),
            [_("项目"), _("要求（次）"), _("完成人数"), _("应完成人数"), _("完成率（%）")],
            [
                [r["label"], r["threshold"], r["members_met"], r["members_total"], r["rate"]]
                for r in data["checklist"]
            ],
            chart="hbar",
            series=(4,),
            percent=True,
        ),
        Table(
            "attendance",
            _("会议活动出席情况"),
            attendance_headings,
            [attendance_row(r["kind_name"], r) for r in attendance["by_kind"]]
            + ([attendance_row(_("合计"), a)] if attendance["by_kind"] else []),
            chart="bar",
            series=(7,),
            percent=True,
        ),
    ]
    labels = {"sector": _("按界别人均得分"), "participating_unit": _("按参加单位人均得分")}
    for dimension, rows in data["averages"].items():
        tables.append(
            Table(
                f"averages-{dimension}",
                labels[dimension],
                [_("名称"), _("人数"), _("人均得分")],
                [[r["name"], r["members"], r["average"]] for r in rows],
                chart="hbar",
                series=(2,),
            )
        )
    return tables


def compare_tables(data: dict[str, Any]) -> list[Table]:
    headings = [
        _("指标"),
        _("%(y)d 年") % {"y": data["previous_year"]},
        _("%(y)d 年") % {"y": data["year"]},
        _("增减"),
    ]

    def rows(rates: bool) -> list[list[Any]]:
        return [
            [str(INDICATOR_LABELS[r["indicator"]]), r["previous"], r["current"], r["change"]]
            for r in data["rows"]
            if (r["indicator"] in RATE_INDICATORS) == rates
        ]

    return [
        Table("volumes", _("工作量"), headings, rows(False), chart="bar", series=(1, 2)),
        Table("rates", _("比率与平均分"), headings, rows(True), chart="bar", series=(1, 2)),
    ]


TITLES = {
    "proposals": gettext_lazy("提案工作看板"),
    "opinions": gettext_lazy("社情民意信息看板"),
    "members": gettext_lazy("委员履职看板"),
    "compare": gettext_lazy("年度对比看板"),
}


def dashboard_for(name: str, committee_id: int, period: Any) -> tuple[Dashboard, dict[str, Any]]:
    """The named dashboard for a period (forms.Period): its tables and the numbers behind them."""
    from .caching import dashboard_data

    data = dashboard_data(name, committee_id, period)
    arrange = {
        "proposals": proposals_tables,
        "opinions": opinions_tables,
        "members": members_tables,
        "compare": compare_tables,
    }[name]
    return Dashboard(str(TITLES[name]), period.label, arrange(data)), data
