"""``flask push-worker`` (the loop that sends notifications) and ``flask push-reminders``."""
from __future__ import annotations

import logging
import signal
import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.extensions import db

log = logging.getLogger(__name__)
REMINDER_EVERY_SECONDS = 600


def run_worker(once: bool = False, interval: float | None = None, stop: threading.Event | None = None) -> dict:
    """Run passes until ``stop`` is set (or one pass with ``once``); a failing pass is logged, never fatal."""
    from webapp.push.sender import run_pass

    stop = stop or threading.Event()
    interval = float(interval if interval is not None else current_app.config["PUSH_WORKER_INTERVAL_SECONDS"])
    last_reminders = 0.0
    stats: dict = {}
    while True:
        reminders = once or time.monotonic() - last_reminders >= REMINDER_EVERY_SECONDS
        try:
            stats = run_pass(reminders=reminders)
            if reminders:
                last_reminders = time.monotonic()
        except Exception:
            log.exception("push worker pass failed; retrying next pass")
            db.session.rollback()
        finally:
            db.session.remove()
        if once or stop.wait(interval):
            return stats


@click.command("push-worker")
@click.option("--once", is_flag=True, help="Run one pass and exit (tests, cron).")
@click.option("--interval", type=float, default=None, help="Seconds between passes (default 5).")
@with_appcontext
def push_worker_command(once: bool, interval: float | None) -> None:
    """Send due push notifications until stopped (SIGTERM or Ctrl-C finish the current pass)."""
    stop = threading.Event()

    def finish(signum, frame) -> None:
        """Stop after the current pass."""
        stop.set()

    if not once:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, finish)
        click.echo("push-worker: sending notifications (stop with Ctrl-C)")
    stats = run_worker(once=once, interval=interval, stop=stop)
    if once:
        click.echo(" ".join(f"{key}={value}" for key, value in sorted(stats.items())) or "nothing to do")


@click.command("push-reminders")
@with_appcontext
def push_reminders_command() -> None:
    """Enqueue the reminders due today (campaign starts, report deadlines); safe to run again."""
    from webapp.push.reminders import enqueue_reminders

    added = enqueue_reminders()
    db.session.commit()
    click.echo(f"{added} reminders enqueued.")
