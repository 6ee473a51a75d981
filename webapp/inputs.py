"""Strict, crash-proof reading of values people and clients type: ids, dates, months, storable text.

Every filter and form reads through these, so a 25-digit id, a non-ASCII digit ("²", "١٢"), a date
at year 1 or 9999 or a lone surrogate gives "not a value" (or a clear message), never a 500.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
MAX_ID_DIGITS = 18  # below 2**63: every integer column and both databases can compare it
# Dates a filter may name: wide enough for any real record, narrow enough that a day before or after
# (or the commune's midnight in UTC) is still a valid date.
EARLIEST_FILTER_DAY = dt.date(1900, 1, 1)
LATEST_FILTER_DAY = dt.date(9000, 12, 31)


def int_id(value: Any) -> int | None:
    """A positive whole number written with ASCII digits (at most 18 of them), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 10**MAX_ID_DIGITS else None
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > MAX_ID_DIGITS:
        return None
    return int(text) or None


def iso_date(value: Any) -> dt.date | None:
    """A date written exactly ``YYYY-MM-DD`` (not ``20260301``, not ``2026-W09-7``), else None."""
    text = str(value if value is not None else "").strip()
    if not ISO_DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def filter_day(value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD`` filter date, moved inside the years a filter can compute with (1900–9000)."""
    day = iso_date(value)
    if day is None:
        return None
    return min(max(day, EARLIEST_FILTER_DAY), LATEST_FILTER_DAY)


def month_range(value: Any) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a month written ``YYYY-MM``, else None."""
    text = str(value if value is not None else "").strip()
    if not ISO_MONTH.fullmatch(text):
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (1 <= year and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def storable(value: Any) -> bool:
    """Whether a text (or every text in a list or dict, keys too) can be stored: no NUL, no lone surrogate."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, list):
        return all(storable(item) for item in value)
    if isinstance(value, dict):
        return all(storable(key) and storable(item) for key, item in value.items())
    return True
