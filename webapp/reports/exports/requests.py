"""Export requests: who asks, for which window, and the file (DOCX, XLSX) or stream (CSV) it gets."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Callable
from urllib.parse import quote

from flask_babel import force_locale
from flask_babel import gettext as _

from webapp.plan import periods
from webapp.reports.exports.docx_export import build_docx
from webapp.reports.totals.params import ParamError, parse_date, parse_int, parse_statuses, parse_window, single
from webapp.reports.exports.report import build_report
from webapp.reports.totals.scope import ReportScope, report_scope
from webapp.reports.totals.tables import ReportContext
from webapp.reports.exports.xlsx_export import build_xlsx

MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
EXPORT_PARAMS = ("from", "to", "commune", "report_date", "period", "status", "codes")
STEMS = {"docx": "bao-cao-binh-dang-gioi", "xlsx": "bao-cao-binh-dang-gioi", "csv": "danh-sach-hoat-dong"}


def read_params(args) -> dict:
    """The export parameters of a request, checked: ``from``, ``to`` (or ``period``), ``commune``,
    ``report_date``, ``status`` (the entries listed: ``approved`` by default, or ``all``…) and ``codes``
    (``1``: the CSV for machines); returned as JSON-able values for a background job."""
    period = single(args, "period")
    bounds = parse_window(args, required=not period)
    report_date = parse_date(args, "report_date", required=False)
    codes = (single(args, "codes") or "").strip().lower()
    if codes not in ("", "0", "1", "true", "false"):
        raise ParamError("codes", _("The parameter “codes” must be 1 or 0."))
    return {"from": bounds[0].isoformat() if bounds else None, "to": bounds[1].isoformat() if bounds else None,
            "period": period or None, "commune": parse_int(args, "commune"),
            "report_date": report_date.isoformat() if report_date else None,
            "status": list(parse_statuses(args)), "codes": codes in ("1", "true")}


def statuses_of(params: dict) -> tuple[str, ...]:
    """The statuses of the entries an export lists (approved only for parameters stored before)."""
    return tuple(params.get("status") or ("approved",))


def resolve(user, params: dict) -> tuple[ReportScope, periods.PeriodWindow]:
    """The scope and window that checked parameters name."""
    scope = report_scope(user, params.get("commune"))
    if params.get("from"):
        return scope, periods.match_window(scope.period_owner_id, dt.date.fromisoformat(params["from"]),
                                           dt.date.fromisoformat(params["to"]))
    window = periods.resolve(scope.period_owner_id, params.get("period") or "") if scope.period_owner_id else None
    if window is None:
        raise ParamError("period", _("Unknown period “%(key)s”.", key=(params.get("period") or "")[:40]))
    return scope, window


def slug(text: str) -> str:
    """ASCII words joined by hyphens: ``Xã Thanh Xá`` → ``xa-thanh-xa``."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def period_slug(window: periods.PeriodWindow) -> str:
    """``nam-2023`` for the annual report, the period's name otherwise, or its dates."""
    if window.is_annual:
        return f"nam-{window.year}"
    if window.type == "custom" or not window.key:
        return f"tu-{window.start:%d-%m-%Y}-den-{window.end:%d-%m-%Y}"
    return slug(window.label) or window.key


def filename(window: periods.PeriodWindow, fmt: str, scope: ReportScope | None = None) -> str:
    """``bao-cao-binh-dang-gioi-xa-thanh-xa-nam-2023.docx``: what, whose, which period (ASCII)."""
    owner = scope.owner if scope is not None else None
    whose = slug(owner.name if owner is not None else (scope.label if scope is not None else ""))
    parts = [STEMS[fmt], whose[:60].strip("-"), period_slug(window)[:60].strip("-")]
    return "-".join(part for part in parts if part) + f".{fmt}"


def disposition(name: str, display: str | None = None) -> str:
    """A Content-Disposition with the ASCII ``filename`` and the UTF-8 ``filename*`` (RFC 6266)."""
    return f'attachment; filename="{name}"; filename*=UTF-8\'\'{quote(display or name)}'


def build_file(user, fmt: str, params: dict, progress: Callable[[int], None] | None = None) -> tuple[bytes, str]:
    """Build a DOCX or XLSX for ``user`` (always in Vietnamese: it is a state document)."""
    with force_locale("vi"):
        scope, window = resolve(user, params)
        report_date = dt.date.fromisoformat(params["report_date"]) if params.get("report_date") else None
        report = build_report(scope, window, report_date, progress=progress)
        data = build_docx(report) if fmt == "docx" else build_xlsx(report, progress=progress,
                                                                   statuses=statuses_of(params))
    return data, filename(window, fmt, scope)


def csv_context(user, params: dict) -> tuple[ReportContext, str]:
    """The context whose entries a CSV lists, and the file name."""
    scope, window = resolve(user, params)
    return ReportContext(scope=scope, window=window), filename(window, "csv", scope)
