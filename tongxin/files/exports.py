"""List exports that are streamed while small and made in the background when large (issue 6: "Large
documents and exports run as background tasks with progress shown to the user and a download link
when done").

An app describes one list export as a `ListExport` and registers `its_export.generator` in
`settings.FILE_GENERATORS`; its export view then answers with one line:

    return export_response(request, exports.PROPOSAL_LIST, request.GET)

`export_response` cleans the filters with the export's `clean` (the page's own access function and
form, so a refused user gets the same 403 as on the page), counts the rows, and either streams the
.xlsx now (at most `settings.EXPORT_INLINE_MAX_ROWS` rows, default 5,000) or asks the files app for a
file with the cleaned filters as params and redirects to the file's status page. The worker runs the
same `clean` again as the requester (access is re-checked when the file is made, not only when it was
asked for), then the same audited `write` as the inline export, reporting "rows written / total".

A list export shows what its requester may see, so the file is personal: the cleaned params carry the
requester's id and `check` refuses anyone else (a colleague cannot open it through the files app's
"same committee and the check passes" rule, nor ask for a file in someone else's name).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.core.sheets import RowProgress, SheetFile

from .generators import XLSX, Generator, Produced, Progress

# The key of the cleaned params that names the one person the file is for.
OWNER = "for_user"

Clean = Callable[[Any, Mapping[str, Any]], dict[str, Any]]
Count = Callable[[Any, dict[str, Any]], int]
# write(actor, cleaned params, request or None, progress or None) → the audited sheet
Write = Callable[[Any, dict[str, Any], HttpRequest | None, RowProgress | None], SheetFile]


def inline_max_rows() -> int:
    """Exports of more rows than this are made in the background (settings.EXPORT_INLINE_MAX_ROWS)."""
    return int(getattr(settings, "EXPORT_INLINE_MAX_ROWS", 5000))


@dataclass(frozen=True)
class ListExport:
    """One list export: its file kind and label, and three functions of the exporting app.

    - `clean(actor, params)`: the access check of the page and its filter form; returns the filters
      as plain JSON-able values that `clean` accepts again (raises Forbidden / Invalid / NotFound).
    - `count(actor, cleaned)`: how many rows the export will have (one COUNT query).
    - `write(actor, cleaned, request, progress)`: the sheet, audited by the app (`export_record`).
    """

    kind: str
    label: str | Promise
    clean: Clean
    count: Count
    write: Write
    # The URL name of the list page, where a refused filter (Invalid) is shown; else the referring page.
    page: str = ""

    @property
    def generator(self) -> Generator:
        """The files generator of this export (list its dotted path in settings.FILE_GENERATORS)."""
        return Generator(kind=self.kind, label=self.label, check=self._check, run=self._run)

    def _check(self, actor: Any, params: dict[str, Any]) -> dict[str, Any]:
        owner = params.get(OWNER)
        if owner not in (None, "", actor.pk, str(actor.pk)):
            raise Forbidden(_("导出文件只给导出它的人。"))
        filters = {k: v for k, v in params.items() if k != OWNER}
        return {**self.clean(actor, filters), OWNER: actor.pk}

    def _run(self, actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
        cleaned = self._check(actor, params)  # as the requester, now: a revoked role stops here
        del cleaned[OWNER]
        total = max(self.count(actor, cleaned), 1)

        def rows_written(done: int) -> None:
            progress(
                done * 100 // total, _("已写入 %(done)d / %(total)d 行") % {"done": done, "total": total}
            )

        progress(0, _("共 %(total)d 行，正在写入……") % {"total": total})
        sheet = self.write(actor, cleaned, None, rows_written)
        try:
            return Produced(content=sheet.read(), filename=sheet.filename, content_type=XLSX)
        finally:
            sheet.file.close()


def export_response(request: HttpRequest, export: ListExport, params: Mapping[str, Any]) -> HttpResponseBase:
    """The export as a download now, or, above EXPORT_INLINE_MAX_ROWS rows, a background file (the
    browser goes to its status page, which shows the progress and then the download link)."""
    from . import services  # the services import the task queue; the view needs them only here

    actor = request.user
    try:
        cleaned = export.clean(actor, params)
    except Invalid as exc:  # a filter no page would send: say so on the list, never a 500
        messages.error(request, exc.message)
        return redirect(export.page or _referrer(request))
    total = export.count(actor, cleaned)
    if total <= inline_max_rows():
        return export.write(actor, cleaned, request, None).response()
    try:
        file = services.file_generation_start(actor=actor, kind=export.kind, params=cleaned, request=request)
    except Conflict as exc:  # too many files already being made for this person
        messages.error(request, exc.message)
        return redirect("files:list")
    messages.info(
        request,
        _("共 %(total)d 行，超过 %(limit)d 行的导出在后台生成，完成后可在此下载。")
        % {"total": total, "limit": inline_max_rows()},
    )
    return redirect("files:detail", file.pk)


def _referrer(request: HttpRequest) -> str:
    back = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return str(back)
    return "/"
