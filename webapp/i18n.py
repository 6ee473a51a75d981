"""Vietnamese first: locale choice, catalogs and the dd/mm/yyyy and ``1.234.567 đ`` formats."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request, session

PACKAGE = Path(__file__).resolve().parent


def translation_directories() -> list[str]:
    """Every catalog folder: one per feature package that has one, then ``webapp/translations``.

    The main catalog comes last because Flask-Babel keeps the plural rule of the last catalog it
    merges (Vietnamese has one plural form).
    """
    found = sorted(PACKAGE.glob("*/translations")) + [PACKAGE / "translations"]
    return [str(path) for path in found if path.is_dir()]


def select_locale() -> str:
    """The UI language: the person's choice, else Vietnamese; API clients may ask for English."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a flask command: the default language (Vietnamese)
        return getattr(g, "locale_override", None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = getattr(g, "locale_override", None) or session.get("locale")
    if chosen in languages:
        return chosen
    if request and request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages, default="vi") or "vi"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def format_date(value: dt.date | dt.datetime | None) -> str:
    """``14/12/2023``: the date format of every Vietnamese form."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime | None) -> str:
    """``14/12/2023 08:05`` in the commune's time zone (stored times are UTC)."""
    if value is None:
        return ""
    from flask_babel import to_user_timezone

    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return to_user_timezone(value).strftime("%d/%m/%Y %H:%M")


def format_number(value: int | None) -> str:
    """``1.234.567``: dots group thousands."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")


def format_vnd(value: int | None) -> str:
    """``1.234.567 đ``."""
    if value is None:
        return ""
    return f"{format_number(value)} đ"


def init_app(app: Flask, babel) -> None:
    """Bind Flask-Babel with every catalog folder and register the template filters."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_filter(format_date, "date_vn")
    app.add_template_filter(format_datetime, "datetime_vn")
    app.add_template_filter(format_number, "number_vn")
    app.add_template_filter(format_vnd, "vnd")

    @app.context_processor
    def inject_locale() -> dict:
        """Expose the current locale to templates (the language switch, ``<html lang>``)."""
        from flask_babel import get_locale

        return {"current_locale": str(get_locale() or "vi")}
