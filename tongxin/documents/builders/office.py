"""The office's own 文件: its 发文机关标志, 主送 and 抄送 for the document family, its 署名, and a
版记 printed by the office on the day of the document (GB/T 9704 7.2–7.4). The 交办通知 and every
通报 are issued this way."""

from __future__ import annotations

import datetime as dt

from tongxin.gongwen.spec import Attachment, Block, OfficialDocument, Signature

from ..services import Resolved


def office_file(
    texts: Resolved,
    family: str,
    *,
    title: str,
    body: list[Block],
    doc_number: str,
    date: dt.date,
    attachments: list[Attachment],
) -> OfficialDocument:
    return OfficialDocument(
        title=title,
        body=body,
        issuer_mark=texts.issuers["office_mark"],
        doc_number=doc_number,
        recipients=texts.recipients[family],
        attachments=attachments,
        signature=Signature(issuer=texts.issuers["office_signature"], date=date),
        cc=list(texts.cc[family]),
        printer=texts.issuers["printer"],
        print_date=date,
        subject=title,
        author=texts.issuers["office_signature"],
    )
