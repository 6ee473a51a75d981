"""Several communes on one server: a province unit whose subtree holds communes, for province officers.

``flask reports create-province CODE NAME --commune xa-a --commune xa-b`` makes (or extends) it;
``flask create-user NAME --role province_officer --unit CODE`` then adds its officer.
"""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from webapp.extensions import db
from webapp.units.models import Unit


def attach_commune(province: Unit, commune: Unit) -> None:
    """Move a commune (and every unit below it) under ``province``; it stays its own commune."""
    if commune.type != "commune":
        raise ValueError(f"{commune.code} is not a commune")
    old_prefix = commune.path
    new_prefix = f"{province.path}{commune.id}/"
    if old_prefix == new_prefix:
        return
    for unit in db.session.scalars(sa.select(Unit).where(Unit.path.startswith(old_prefix))):
        unit.path = new_prefix + unit.path[len(old_prefix):]
    commune.parent = province
    commune.commune_id = commune.id


def create_province(code: str, name: str, communes: list[Unit]) -> Unit:
    """The province unit with this code (created when missing), holding ``communes``."""
    province = db.session.scalar(sa.select(Unit).where(Unit.code == code))
    if province is None:
        province = Unit.create(code, name, "province")
    elif province.type != "province":
        raise ValueError(f"{code} is a {province.type}, not a province")
    for commune in communes:
        attach_commune(province, commune)
    db.session.flush()
    return province


@click.command("create-province")
@with_appcontext
@click.argument("code")
@click.argument("name")
@click.option("--commune", "communes", multiple=True, help="Code of a commune to put under the province.")
def create_province_command(code: str, name: str, communes: tuple[str, ...]) -> None:
    """Create a province unit (or add communes to it) so a province officer can total its communes."""
    found = []
    for commune_code in communes:
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == commune_code))
        if unit is None or unit.type != "commune":
            raise click.BadParameter(f"no commune has the code {commune_code!r}", param_hint="--commune")
        found.append(unit)
    try:
        province = create_province(code, name, found)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="CODE") from None
    db.session.commit()
    click.echo(f"{province.name}: {len(found)} communes attached.")
