"""The year's figures for the standing committee's 工作报告, as a short document staff copy from."""

from __future__ import annotations

import datetime as dt

from tongxin.gongwen.spec import Block, Heading, OfficialDocument, Paragraph


def work_report_figures_document(
    *, committee_name: str, year: int, sections: list[tuple[str, list[str]]], date: dt.date
) -> OfficialDocument:
    """One heading per area (提案、社情民意、履职), the sentences under it as the report writes them."""
    body: list[Block] = []
    for heading, sentences in sections:
        if not sentences:
            continue
        body.append(Heading(1, heading))
        body += [Paragraph(s) for s in sentences]
    title = f"{committee_name}常务委员会{year}年工作报告有关数据"
    return OfficialDocument(title=title, body=body, subject=title, author=committee_name)
