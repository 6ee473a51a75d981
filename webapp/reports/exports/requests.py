"""Export requests: who asks, for which window, and the file (DOCX, XLSX) or stream (CSV) it gets."""
from __future__ import annotations

import datetime as dt
from typing import Callable

from flask_babel import force_locale
from flask_babel import gettext as _

from webapp.plan import periods
from webapp.reports.exports.docx_export import build_docx
from webapp.reports.totals.params import ParamError, parse_date, parse_int, parse_window, single
from webapp.reports.exports.report import build_report
from webapp.reports.totals.scope import ReportScope, report_scope
from webapp.reports.totals.tables import ReportContext
from webapp.reports.exports.xlsx_export import build_xlsx

MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
EXPORT_PARAMS = ("from", "to", "commune", "report_date", "period")


def read_params(args) -> dict:
    """The export parameters of a request, checked: ``from``, ``to`` (or ``period``), ``commune``,
    ``report_date``; returned as JSON-able text for a background job."""
    period = single(args, "period")
    bounds = parse_window(args, required=not period)
    report_date = parse_date(args, "report_date", required=False)
    return {"from": bounds[0].isoformat() if bounds else None, "to": bounds[1].isoformat() if bounds else None,
            "period": period or None, "commune": parse_int(args, "commune"),
            "report_date": report_date.isoformat() if report_date else None}


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


def filename(window: periods.PeriodWindow, fmt: str) -> str:
    """``bao-cao-year-2023.docx`` or ``bao-cao-2023-01-01_2023-06-30.xlsx``."""
    stem = window.key or f"{window.start.isoformat()}_{window.end.isoformat()}"
    return f"bao-cao-{stem}.{fmt}"


def build_file(user, fmt: str, params: dict, progress: Callable[[int], None] | None = None) -> tuple[bytes, str]:
    """Build a DOCX or XLSX for ``user`` (always in Vietnamese: it is a state document)."""
    with force_locale("vi"):
        scope, window = resolve(user, params)
        report_date = dt.date.fromisoformat(params["report_date"]) if params.get("report_date") else None
        report = build_report(scope, window, report_date, progress=progress)
        data = build_docx(report) if fmt == "docx" else build_xlsx(report, progress=progress)
    return data, filename(window, fmt)


def csv_context(user, params: dict) -> tuple[ReportContext, str]:
    """The context whose entries a CSV lists, and the file name."""
    scope, window = resolve(user, params)
    return ReportContext(scope=scope, window=window), filename(window, "csv")
