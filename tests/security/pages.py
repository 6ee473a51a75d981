"""Every GET page of the URL map, with its arguments filled from the demo commune, for each role."""
from __future__ import annotations

from html.parser import HTMLParser

import sqlalchemy as sa

from tests import factories
from webapp.entries.models import Entry
from webapp.extensions import db

ROLES = ("canbo1", "duyet", "tonghop", "quantri", "tinh")
# Endpoints that are not pages a person opens (downloads, JSON, a worker script) still get their
# headers checked; these few are left out because they need an object no role here owns.
NEEDS_A_JOB = {"reports.export_job", "reports.download", "reports_api.export_progress", "api.get_photo",
               "photos.get_photo"}


def add_province_officer(commune_id: int) -> None:
    """Put the demo commune under a province and give that province its officer ``tinh``."""
    from webapp.reports.province import create_province
    from webapp.units.models import Unit

    create_province("tinh-demo", "Tỉnh Demo", [db.session.get(Unit, commune_id)])
    db.session.commit()
    factories.make_user("tinh", "province_officer", "tinh-demo", password="thanhxa-demo")


def page_urls(app) -> list[str]:
    """One URL per GET rule whose arguments the demo data can fill (call inside an app context)."""
    entry = db.session.scalar(sa.select(Entry).order_by(Entry.id))
    from webapp.plan.models import PlanTarget as Target

    target = db.session.scalar(sa.select(Target).order_by(Target.id))
    values = {"entry_uuid": entry.uuid if entry else None, "kind_code": "outreach",
              "target_id": target.id if target else None, "fmt": "csv", "filename": "css/app.css"}
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NEEDS_A_JOB:
            continue
        arguments = {name: values.get(name) for name in rule.arguments}
        if any(value is None for value in arguments.values()):
            continue
        with app.test_request_context():
            from flask import url_for

            urls.append(url_for(rule.endpoint, **arguments))
    urls.append("/reports/?year=2023")
    return urls


class InlineCode(HTMLParser):
    """Collects what a strict Content-Security-Policy refuses: inline scripts, handlers, style."""

    def __init__(self):
        """Start with nothing found."""
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        """Note event handlers, hx-on, javascript: links, style attributes and inline scripts."""
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("hx-vals", "hx-vars") and "js:" in (value or ""):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            data_block = attributes.get("type") in ("application/json", "application/ld+json")
            self._in_script = "src" not in attributes and not data_block

    def handle_data(self, data):
        """Text inside an executable script element is inline code."""
        if self._in_script and data.strip():
            self.found.append(f"inline script: {data.strip()[:60]!r}")

    def handle_endtag(self, tag):
        """Leave a script element."""
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> list[str]:
    """What in ``html`` a policy without 'unsafe-inline' would refuse."""
    parser = InlineCode()
    parser.feed(html)
    return parser.found
