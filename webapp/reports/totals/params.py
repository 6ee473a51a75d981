"""Reading report parameters (``from``, ``to``, ``group_by``, ``status``, filters) with specific errors."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from webapp.inputs import EARLIEST_FILTER_DAY, LATEST_FILTER_DAY, int_id, iso_date
from webapp.kinds import get_kind, sensitive_kind_codes
from webapp.reports.totals import privacy
from webapp.reports.totals.queries import PUBLIC_GROUP_KEYS, STATUSES, TotalsQuery

TOTALS_PARAMS = ("from", "to", "group_by", "status", "kind", "unit", "village", "campaign", "commune",
                 "columns")
MAX_DAYS = 366 * 20


class ParamError(ValueError):
    """A parameter that cannot be used; ``message`` says which and why (shown to the person)."""

    def __init__(self, param: str, message: str):
        """Remember the parameter's name and the message."""
        super().__init__(message)
        self.param = param
        self.message = message


def single(args, name: str) -> str | None:
    """The one value of ``name`` (None when absent); a parameter given twice is an error."""
    values = args.getlist(name)
    if len(values) > 1:
        raise ParamError(name, _("The parameter “%(name)s” is given more than once.", name=name))
    return values[0] if values else None


def parse_date(args, name: str, required: bool = True) -> dt.date | None:
    """A ``YYYY-MM-DD`` parameter."""
    raw = single(args, name)
    if raw is None or raw.strip() == "":
        if required:
            raise ParamError(name, _("The parameter “%(name)s” is missing: give a date written YYYY-MM-DD.",
                                     name=name))
        return None
    day = iso_date(raw)
    if day is None:
        raise ParamError(name, _("The parameter “%(name)s” must be a date written YYYY-MM-DD, not “%(value)s”.",
                                 name=name, value=raw[:40]))
    if not EARLIEST_FILTER_DAY <= day <= LATEST_FILTER_DAY:
        raise ParamError(name, _("The parameter “%(name)s” must be a date from %(low)s to %(high)s.", name=name,
                                 low=EARLIEST_FILTER_DAY.isoformat(), high=LATEST_FILTER_DAY.isoformat()))
    return day


def parse_window(args, required: bool = True) -> tuple[dt.date, dt.date] | None:
    """``from`` and ``to`` (both included); ``from`` may not be after ``to``."""
    start = parse_date(args, "from", required)
    end = parse_date(args, "to", required)
    if start is None and end is None:
        return None
    if start is None or end is None:
        missing = "from" if start is None else "to"
        raise ParamError(missing, _("The parameter “%(name)s” is missing: give a date written YYYY-MM-DD.",
                                    name=missing))
    if start > end:
        raise ParamError("from", _("“from” (%(start)s) is after “to” (%(end)s).",
                                   start=start.isoformat(), end=end.isoformat()))
    if (end - start).days > MAX_DAYS:
        raise ParamError("to", _("The period is too long: at most %(years)s years.", years=MAX_DAYS // 366))
    return start, end


def parse_group_by(args) -> tuple[str, ...]:
    """A comma list of group keys, each known and listed once."""
    raw = single(args, "group_by")
    if raw is None or raw.strip() == "":
        return ()
    keys = [part.strip() for part in raw.split(",")]
    for key in keys:
        if key not in PUBLIC_GROUP_KEYS:
            raise ParamError("group_by", _("Unknown grouping “%(value)s”; use any of: %(allowed)s.",
                                           value=key[:40], allowed=", ".join(PUBLIC_GROUP_KEYS)))
        if keys.count(key) > 1:
            raise ParamError("group_by", _("The grouping “%(value)s” is listed twice.", value=key))
    return tuple(keys)


def parse_statuses(args) -> tuple[str, ...]:
    """``approved`` (the default), ``submitted``, ``returned``, a comma list of them, or ``all``."""
    raw = single(args, "status")
    if raw is None or raw.strip() == "":
        return ("approved",)
    if raw.strip() == "all":
        return STATUSES
    values = [part.strip() for part in raw.split(",")]
    for value in values:
        if value not in STATUSES:
            raise ParamError("status", _("Unknown status “%(value)s”; use approved, submitted, returned or all.",
                                         value=value[:40]))
    return tuple(dict.fromkeys(values))


def parse_int(args, name: str) -> int | None:
    """An optional id."""
    raw = single(args, name)
    if raw is None or raw.strip() == "":
        return None
    value = int_id(raw)
    if value is None:
        raise ParamError(name, _("The parameter “%(name)s” must be an id (a whole number), not “%(value)s”.",
                                 name=name, value=raw[:40]))
    return value


def parse_kind(args) -> str | None:
    """An optional kind code that exists."""
    raw = single(args, "kind")
    if raw is None or raw.strip() == "":
        return None
    if get_kind(raw.strip()) is None:
        raise ParamError("kind", _("Unknown kind of activity: %(kind)s", kind=raw[:40]))
    return raw.strip()


def parse_columns(args) -> tuple[str, ...]:
    """Kind report columns to add to each row, written ``kind.field`` (e.g. ``training.days``)."""
    raw = single(args, "columns")
    if raw is None or raw.strip() == "":
        return ()
    columns = []
    for column in (part.strip() for part in raw.split(",")):
        kind_code, _dot, name = column.partition(".")
        kind = get_kind(kind_code)
        if kind is None or name not in {f.name for f in kind.report_columns}:
            raise ParamError("columns", _("Unknown report column “%(value)s”; write kind.field, e.g. training.days.",
                                          value=column[:60]))
        if column not in columns:
            columns.append(column)
    return tuple(columns)


def parse_totals(args) -> TotalsQuery:
    """Every parameter of ``GET /api/v1/reports/totals``; anything unknown is an error."""
    for name in args:
        if name not in TOTALS_PARAMS:
            raise ParamError(name, _("Unknown parameter “%(name)s”; accepted: %(allowed)s.",
                                     name=name[:40], allowed=", ".join(TOTALS_PARAMS)))
    start, end = parse_window(args)
    campaign = single(args, "campaign")
    query = TotalsQuery(start=start, end=end, group_by=parse_group_by(args), statuses=parse_statuses(args),
                       kind=parse_kind(args), unit_id=parse_int(args, "unit"), village_id=parse_int(args, "village"),
                       campaign=campaign.strip() if campaign and campaign.strip() else None,
                       commune_id=parse_int(args, "commune"), columns=parse_columns(args))
    refuse_sensitive(query)
    return query


def sensitive_requested(query: TotalsQuery) -> list[str]:
    """The requested columns that count victims (suppressed in the answer)."""
    sensitive = privacy.sensitive_columns()
    return [column for column in query.columns if column in sensitive]


def refuse_sensitive(query: TotalsQuery) -> None:
    """A sensitive kind is never totalled by arbitrary filters: its figures come in ``sensitive``."""
    codes = sensitive_kind_codes()
    asked = [query.kind] if query.kind in codes else []
    asked += [column for column in query.columns if column.partition(".")[0] in codes]
    if asked:
        raise ParamError("kind" if query.kind in codes else "columns", _(
            "Figures of “%(name)s” count victims of violence: they are not totalled by arbitrary dates, "
            "units, villages or months. Ask for the whole reporting year of a commune: they are in the "
            "“sensitive” part of the answer.", name=asked[0]))
