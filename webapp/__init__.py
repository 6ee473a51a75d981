"""binhdang: a commune's gender-equality plan, carried out and reported from the field."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application (flaskr style)."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from webapp.config import load_config

    load_config(app)
    if test_config:
        app.config.update(test_config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_security(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extension objects of ``webapp.extensions`` to ``app``."""
    from webapp import i18n
    from webapp.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app, babel)
    feature_modules("models")  # every table known to the metadata, for migrations
    from webapp.auth import api_auth
    from webapp.database import init_app as init_database

    api_auth.init_app(app)

    init_database(app)


def feature_modules(name: str) -> list:
    """Import ``webapp.<package>.<name>`` for every feature package that has one, in name order."""
    import importlib
    import pkgutil

    import webapp

    modules = []
    for info in sorted(pkgutil.iter_modules(webapp.__path__), key=lambda i: i.name):
        if info.ispkg and (Path(webapp.__path__[0]) / info.name / f"{name}.py").exists():
            modules.append(importlib.import_module(f"webapp.{info.name}.{name}"))
    return modules


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in routes: ASCII digits up to 18 of them (any integer column can hold it)."""

    def __init__(self, map, *args, **kwargs):
        """The werkzeug converter with a maximum unless the rule gives one."""
        kwargs.setdefault("max", 10**18 - 1)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    """Register one blueprint per feature package: the ``bp`` of each ``webapp/<feature>/views.py``."""
    from webapp import navigation

    app.url_map.converters["int"] = BoundedIntConverter  # an id of 20+ digits is a 404, not an overflow
    navigation.init_app(app)
    for module in feature_modules("views"):
        app.register_blueprint(module.bp)


def register_errorhandlers(app: Flask) -> None:
    """Friendly HTML error pages (the JSON API has its own ``error_response``)."""
    from webapp.errors import init_app as init_errors

    init_errors(app)


def register_security(app: Flask) -> None:
    """Security headers, Secure cookies over HTTPS, the trusted proxies, owner-only files (last, so
    its middleware wraps everything else)."""
    from webapp.security import init_app as init_security

    init_security(app)


def register_commands(app: Flask) -> None:
    """Add the ``flask`` commands of the contract (seed-demo, create-user, ...)."""
    from webapp.cli import init_app as init_cli

    init_cli(app)
