"""``flask communes create``, ``flask villages add``, ``flask units list``, ``flask setup``,
``flask backup`` and ``flask restore``: the same services the admin screens use."""
from __future__ import annotations

import sys
from functools import wraps
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext as _with_appcontext

from webapp.extensions import db


def with_appcontext(command):
    """Run a command in the app and a request context, so messages are translated as on the screens."""

    @wraps(command)
    def wrapped(*args, **kwargs):
        with current_app.test_request_context():
            return command(*args, **kwargs)

    return _with_appcontext(wrapped)


def _fail(message: str) -> None:
    """Print ``message`` on stderr and exit non-zero."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


communes_group = click.Group("communes", help="Communes from the official list of administrative units.")
villages_group = click.Group("villages", help="Villages (thôn, xóm, tổ dân phố) of a commune.")
units_group = click.Group("units", help="Units of a commune.")


@communes_group.command("create")
@click.argument("code")
@click.option("--village", "villages", multiple=True, help="A village to add with its branch (repeatable).")
@with_appcontext
def create_commune_command(code: str, villages: tuple[str, ...]) -> None:
    """Create the commune whose official code is CODE (``00640`` or ``640``) with the default units."""
    from webapp.communes import services
    from webapp.communes.template import village_names

    try:
        plan = services.plan_official(code, village_names("\n".join(villages)))
        created = services.create_commune(plan)
    except services.CommuneError as error:
        db.session.rollback()
        _fail(str(error))
    db.session.commit()
    for unit in created:
        click.echo(f"{unit.code}\t{unit.name}")


@communes_group.command("list")
@with_appcontext
def list_communes_command() -> None:
    """Print every commune: official code, unit code, name."""
    from webapp.units.models import Unit

    for unit in db.session.scalars(sa.select(Unit).where(Unit.type == "commune").order_by(Unit.name)):
        click.echo(f"{unit.official_code or '-'}\t{unit.code}\t{unit.name}")


@villages_group.command("add")
@click.argument("commune_code")
@click.argument("name")
@with_appcontext
def add_village_command(commune_code: str, name: str) -> None:
    """Add a village NAME to the commune COMMUNE_CODE and its women's-union branch; print the branch's code."""
    from webapp.communes import services, structure

    commune = services.find_commune(commune_code)
    if commune is None:
        _fail(f"no commune has the code {commune_code!r}")
    try:
        _village, branch = structure.add_village(commune, name, None)
    except services.CommuneError as error:
        db.session.rollback()
        _fail(str(error))
    db.session.commit()
    click.echo(branch.code)


@units_group.command("list")
@click.argument("commune_code")
@with_appcontext
def list_units_command(commune_code: str) -> None:
    """Print the units of a commune as a tree: code, name (indented), and "(inactive)" when so."""
    from webapp.communes import services, structure

    commune = services.find_commune(commune_code)
    if commune is None:
        _fail(f"no commune has the code {commune_code!r}")
    for unit, depth in structure.tree(commune):
        click.echo(f"{unit.code}\t{'  ' * depth}{unit.name}{'' if unit.active else ' (inactive)'}")


@click.command("setup")
@click.option("--username", prompt=True, help="The first administrator's username.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default="", help="The administrator's name.")
@click.option("--commune", "commune_code", prompt="Official code of the first commune (e.g. 00640)")
@click.option("--village", "villages", multiple=True, help="A village of the commune (repeatable).")
@with_appcontext
def setup_command(username: str, password: str, full_name: str, commune_code: str, villages) -> None:
    """First run on an empty database: the first administrator and the first commune (not the demo)."""
    from webapp.communes import first_run

    try:
        commune = first_run.set_up(username, password, full_name, commune_code, list(villages))
    except first_run.SetupError as error:
        db.session.rollback()
        _fail("; ".join(str(v) for v in error.errors.values()))
    db.session.commit()
    click.echo(f"Administrator {username} and {commune.name} ({commune.code}) created.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write one archive of everything needed to restore: the database, photos, keys, checksums."""
    from webapp.communes import backup

    try:
        size = backup.write_backup(file)
    except backup.BackupError as error:
        _fail(str(error))
    click.echo(f"Backup written to {file} ({size} bytes).")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Restore an archive into an empty database and instance; refuses anything else."""
    from webapp.communes import backup

    try:
        counts = backup.restore_backup(file)
    except backup.BackupError as error:
        _fail(str(error))
    click.echo(f"Restored {sum(counts.values())} rows in {len(counts)} tables from {file}.")


@click.command("backup-verify")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@with_appcontext
def backup_verify_command(file: Path) -> None:
    """Check an archive without restoring it: every checksum, and what it holds."""
    from webapp.communes import backup

    try:
        manifest, members = backup.read_archive(file)
    except backup.BackupError as error:
        _fail(str(error))
    click.echo(f"OK: {manifest['engine']} database of {manifest['created_at']}, "
               f"{sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables, "
               f"{len(members)} files, every SHA-256 checksum matches.")


COMMANDS = (communes_group, villages_group, units_group, setup_command, backup_command, restore_command,
            backup_verify_command)
