"""``flask`` commands of the contract: seed-demo, create-user."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext

from webapp.auth.models import ROLES
from webapp.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create Thanh Xá commune, its 2023 plan, the demo users and entries (idempotent)."""
    from webapp.demo.seed import seed_demo

    result = seed_demo()
    click.echo(f"{result['commune']}: {result['entries_added']} entries added.")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(list(ROLES)))
@click.option("--unit", "unit_code", required=True, help="Code of the unit the role is held in.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default="", help="The person's name, shown to reviewers.")
def create_user_command(username: str, role: str, unit_code: str, password: str, full_name: str) -> None:
    """Add a user with one role in one unit."""
    from webapp.auth.models import User
    from webapp.units.models import Unit

    unit = db.session.scalar(sa.select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise click.BadParameter(f"no unit has the code {unit_code!r}", param_hint="--unit")
    if db.session.scalar(sa.select(User).where(User.username == username)) is not None:
        raise click.BadParameter(f"the username {username!r} is taken", param_hint="USERNAME")
    from webapp.users import services

    profile = services.clean_profile(username, full_name or username, "")
    try:
        services.create_account(None, profile, role, unit, password, device="cli")
    except services.UserError as error:
        raise click.BadParameter(str(error), param_hint="--password" if "password" in error.errors else None)
    db.session.commit()
    click.echo(f"User {username} added as {role} of {unit.name}.")


@click.command("seed-if-empty")
@with_appcontext
def seed_if_empty_command() -> None:
    """Seed the demo commune only when the database has no unit yet (``make run``)."""
    from webapp.demo.seed import seed_demo
    from webapp.units.models import Unit

    if db.session.scalar(sa.select(sa.func.count()).select_from(Unit)):
        click.echo("Database already has data; demo not seeded.")
        return
    result = seed_demo()
    click.echo(f"Demo seeded: {result['commune']}, {result['entries_added']} entries.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_if_empty_command)
    from webapp.users.cli import users_cli

    app.cli.add_command(users_cli)
    from webapp.communes.cli import COMMANDS

    for command in COMMANDS:
        app.cli.add_command(command)
