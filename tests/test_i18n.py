"""Vietnamese first: every UI string has a Vietnamese translation; formats are Vietnamese."""
import datetime as dt
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from webapp.i18n import format_date, format_vnd, translation_directories

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _msgids() -> set[str]:
    """Every string the code and templates mark for translation."""
    found = set()
    method_map = [("webapp/**.py", "python"), ("templates/**.html", "jinja2")]
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _vietnamese() -> dict[str, str]:
    """Every msgid with a non-empty Vietnamese translation, across all catalogs."""
    translated = {}
    for directory in translation_directories():
        po_path = Path(directory) / "vi" / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            continue
        with po_path.open("rb") as handle:
            for message in read_po(handle):
                text = message.string[0] if isinstance(message.string, tuple) else message.string
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                if key and text and not message.fuzzy:
                    translated[key] = text
    return translated


def test_every_ui_string_has_a_vietnamese_translation():
    """No string reaches a Vietnamese user in English."""
    missing = sorted(_msgids() - set(_vietnamese()))
    assert not missing, f"{len(missing)} strings lack a Vietnamese translation: {missing[:20]}"


def test_vietnamese_formats():
    """Dates dd/mm/yyyy and amounts 1.234.567 đ."""
    assert format_date(dt.date(2023, 12, 4)) == "04/12/2023"
    assert format_vnd(1234567) == "1.234.567 đ"
    assert format_vnd(0) == "0 đ"


def test_language_switch(client, auth, commune):
    """The UI is Vietnamese by default and English after the switch."""
    auth.login()
    assert "Hoạt động".encode() in client.get("/entries/").data
    client.post("/language", data={"locale": "en", "next": "/entries/"})
    page = client.get("/entries/")
    assert b'<html lang="en">' in page.data and b"Entries" in page.data


def test_plural_forms_are_vietnamese(client, auth, commune):
    """Vietnamese has one plural form: "13 hoạt động", never the English plural."""
    auth.login()
    page = client.get("/entries/")
    assert "0 hoạt động".encode() in page.data
