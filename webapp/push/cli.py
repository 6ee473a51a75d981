"""``flask push-worker`` (the old name of ``flask worker``) and ``flask push-reminders``."""
from __future__ import annotations

import threading

import click
from flask.cli import with_appcontext

from webapp.extensions import db


def run_worker(once: bool = False, interval: float | None = None, stop: threading.Event | None = None) -> dict:
    """The worker loop of ``flask worker`` (push notifications and exports); kept under its old name."""
    from webapp.ops.worker import run_worker as run

    return run(once=once, interval=interval, stop=stop)


@click.command("push-worker")
@click.option("--once", is_flag=True, help="Run one pass and exit (tests, cron).")
@click.option("--interval", type=float, default=None, help="Seconds between passes (default 5).")
@with_appcontext
def push_worker_command(once: bool, interval: float | None) -> None:
    """The old name of ``flask worker``: sends notifications and builds exports until stopped."""
    from webapp.ops.cli import serve

    serve(once, interval)


@click.command("push-reminders")
@with_appcontext
def push_reminders_command() -> None:
    """Enqueue the reminders due today (campaign starts, report deadlines); safe to run again."""
    from webapp.push.reminders import enqueue_reminders

    added = enqueue_reminders()
    db.session.commit()
    click.echo(f"{added} reminders enqueued.")
