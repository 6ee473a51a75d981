"""``flask worker`` (and its old name ``flask push-worker``)."""
from __future__ import annotations

import signal
import threading

import click
from flask.cli import with_appcontext


def serve(once: bool, interval: float | None) -> None:
    """Run the worker; SIGTERM or Ctrl-C finish the pass under way, then it exits."""
    from webapp.ops.worker import run_worker

    stop = threading.Event()

    def finish(signum, frame) -> None:
        """Stop after the current pass."""
        stop.set()

    if not once:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, finish)
        click.echo("worker: sending notifications and building exports (stop with Ctrl-C)")
    stats = run_worker(once=once, interval=interval, stop=stop)
    if once:
        click.echo(" ".join(f"{key}={value}" for key, value in sorted(stats.items())) or "nothing to do")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass and exit (tests, cron).")
@click.option("--interval", type=float, default=None, help="Seconds between passes (default 5).")
@with_appcontext
def worker_command(once: bool, interval: float | None) -> None:
    """Send due push notifications and build queued exports until stopped."""
    serve(once, interval)
