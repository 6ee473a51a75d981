"""``flask rollup-rebuild``: recompute the report rollup from the entry table."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from webapp.extensions import db
from webapp.reports import rollup
from webapp.units.models import Unit


@click.command("rollup-rebuild")
@with_appcontext
@click.option("--commune", "commune_code", default=None, help="Code of one commune (default: every commune).")
def rollup_rebuild_command(commune_code: str | None) -> None:
    """Rebuild the report rollup of one commune or of all of them, in one transaction."""
    commune_id = None
    if commune_code:
        commune = db.session.scalar(sa.select(Unit).where(Unit.code == commune_code, Unit.type == "commune"))
        if commune is None:
            raise click.BadParameter(f"no commune has the code {commune_code!r}", param_hint="--commune")
        commune_id = commune.id
    rollup.rebuild(commune_id)
    db.session.commit()
    rows = db.session.scalar(sa.select(sa.func.count()).select_from(rollup.ReportRollup))
    click.echo(f"Rollup rebuilt: {rows} rows.")
