"""``flask users …``: import, deactivate, reactivate, add a role, reset a password, list — the same
services as the administration pages, run as the server's operator (no limit of scope)."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from webapp.auth.models import ROLES, User
from webapp.extensions import db
from webapp.units.models import Unit
from webapp.users import importer, listing, services

users_cli = AppGroup("users", help="Manage user accounts (import, deactivate, roles, list).")
DEVICE = "cli"


def _user(username: str) -> User:
    """The user with this username, or a usage error."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user has the username {username!r}")
    return user


def _unit(code: str) -> Unit:
    """The unit with this code, or a usage error."""
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
    if unit is None:
        raise click.ClickException(f"no unit has the code {code!r}")
    return unit


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Add the users of a CSV (or XLSX) file; all or nothing; prints generated temporary passwords."""
    try:
        rows = importer.check_rows(None, importer.read_rows(file.name, file.read_bytes()))
    except importer.ImportFileError as error:
        raise click.ClickException(str(error)) from error
    bad = [row for row in rows if row.status == "error"]
    if bad:
        for row in bad:
            click.echo(f"row {row.number}: {'; '.join(row.errors)}", err=True)
        db.session.rollback()
        raise click.ClickException(f"{len(bad)} bad rows; nothing imported")
    created = importer.apply_rows(None, rows, DEVICE)
    db.session.commit()
    unchanged = sum(1 for row in rows if row.status == "unchanged")
    click.echo(f"{len(created)} users added, {unchanged} unchanged.")
    for user, temporary in created:
        if temporary:
            click.echo(f"{user.username}\t{temporary}")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate_command(username: str) -> None:
    """End every session and token of USERNAME at once and refuse their sign-in until reactivated."""
    services.deactivate(None, _user(username), DEVICE)
    db.session.commit()
    click.echo(f"{username} deactivated; every session and token ended.")


@users_cli.command("reactivate")
@click.argument("username")
def reactivate_command(username: str) -> None:
    """Let USERNAME sign in again."""
    services.reactivate(None, _user(username), DEVICE)
    db.session.commit()
    click.echo(f"{username} reactivated.")


@users_cli.command("add-role")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(list(ROLES)))
@click.option("--unit", "unit_code", required=True, help="Code of the unit the role is held in.")
def add_role_command(username: str, role: str, unit_code: str) -> None:
    """Give USERNAME one more role in a unit."""
    try:
        services.add_role(None, _user(username), role, _unit(unit_code), DEVICE)
    except services.UserError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{username} is now also {role} of {unit_code}.")


@users_cli.command("reset-password")
@click.argument("username")
def reset_password_command(username: str) -> None:
    """Give USERNAME a temporary password (printed), to be changed at the next sign-in."""
    temporary = services.reset_password(None, _user(username), DEVICE)
    db.session.commit()
    click.echo(temporary)


@users_cli.command("list")
@click.option("--search", "q", default="", help="Part of the username or name, accents optional.")
@click.option("--role", default="", help="Only people holding this role.")
@click.option("--inactive", is_flag=True, help="Only deactivated accounts.")
def list_command(q: str, role: str, inactive: bool) -> None:
    """One line per user: username, state, name, roles (role@unit code)."""
    filters = listing.UserFilters(q=q, role=role if role in ROLES else "", active="0" if inactive else "")
    for user in db.session.scalars(filters.apply(sa.select(User))):
        roles = ",".join(f"{a.role}@{a.unit.code}" for a in user.roles)
        state = "active" if user.active else "inactive"
        click.echo(f"{user.username}\t{state}\t{user.full_name}\t{roles}")
