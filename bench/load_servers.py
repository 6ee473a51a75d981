"""Databases and gunicorn servers for the load bench (``bench/load_bench.py``), started and stopped by it."""
from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def sqlalchemy_url(url: str) -> str:
    """The URL with the psycopg 3 driver named."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def new_database(name: str, workdir: Path) -> tuple[str, callable]:
    """A fresh empty database for one bench run, and the function that removes it."""
    if name == "sqlite":
        return f"sqlite:///{workdir / 'load.sqlite'}", lambda: None
    server = subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh")], capture_output=True, text=True,
                            check=True).stdout.strip()
    admin = sa.create_engine(sqlalchemy_url(server), isolation_level="AUTOCOMMIT")
    database = f"binhdang_load_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{database}"'))

    def drop() -> None:
        """Drop the bench database, ending what still uses it."""
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                       "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": database})
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}"'))
        admin.dispose()

    return re.sub(r"/[^/]*$", f"/{database}", sqlalchemy_url(server)), drop


def app_env(database_url: str, workdir: Path) -> dict:
    """The environment ``make run`` would give the app, on this database, with sign-in limits raised."""
    return {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(workdir / "instance"),
            "SECRET_KEY": "load-bench", "FLASK_APP": "webapp",
            "PYTHONPATH": str(ROOT)}


def prepare(env: dict) -> None:
    """``flask db upgrade`` and ``flask seed-if-empty``, as ``make run`` does."""
    for command in (["db", "upgrade"], ["seed-if-empty"]):
        subprocess.run([str(BIN / "flask"), *command], env=env, cwd=ROOT, check=True, capture_output=True)


PHONES_SCRIPT = """
import sqlalchemy as sa
from webapp import create_app
from webapp.auth.models import RoleAssignment, User
from webapp.extensions import db
app = create_app()
with app.app_context():
    staff = db.session.scalars(sa.select(User).join(RoleAssignment).where(RoleAssignment.role == "field_staff")
                               .order_by(User.username)).unique().all()
    for user in staff:
        user.set_password("thanhxa-demo")
    db.session.commit()
    print(" ".join(user.username for user in staff))
"""


def field_staff(env: dict) -> list[str]:
    """Every field staff account of the demo commune (one per branch), given the demo password."""
    done = subprocess.run([str(BIN / "python"), "-c", PHONES_SCRIPT], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True)
    return done.stdout.split()


def rollup_rebuild(env: dict) -> bool:
    """Rebuild the report rollup when the app has one (after filling the table behind its back)."""
    done = subprocess.run([str(BIN / "flask"), "rollup-rebuild"], env=env, cwd=ROOT, capture_output=True)
    return done.returncode == 0


def count_entries(database_url: str) -> int:
    """How many entries the table holds."""
    engine = sa.create_engine(sqlalchemy_url(database_url))
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM entry")).scalar()
    engine.dispose()
    return count


def last_change(database_url: str) -> int:
    """The last change number handed out: phones read back from about there (what changed since they last
    looked), not the whole table each time."""
    engine = sa.create_engine(sqlalchemy_url(database_url))
    with engine.connect() as connection:
        value = connection.execute(sa.text("SELECT coalesce(max(change_seq), 0) FROM entry")).scalar()
    engine.dispose()
    return value


def gunicorn_settings() -> str:
    """The workers and threads ``gunicorn.conf.py`` gives under this environment (``WEB_CONCURRENCY``,
    ``GUNICORN_THREADS``), for the record."""
    return f"{os.environ.get('WEB_CONCURRENCY', '2')} workers x {os.environ.get('GUNICORN_THREADS', '12')} threads"


def binhdang_command(port: int) -> list[str]:
    """gunicorn exactly as ``make run`` starts it (``gunicorn.conf.py``), on the bench's port."""
    return [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
            "webapp:create_app()"]


def bare_command(port: int) -> list[str]:
    """The bare app under the same gunicorn settings."""
    return [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
            "bench.load_bare_app:create_app()"]


def errors_in(log: Path) -> list[str]:
    """The last lines of a server log that tell of an error (none in a good run)."""
    lines = [line for line in log.read_text(errors="replace").splitlines()
             if "Traceback" in line or "ERROR" in line or '" 500 ' in line]
    return lines[-10:]


class Served:
    """A gunicorn process group (and optionally the push worker) for the length of a ``with`` block."""

    def __init__(self, command: list[str], env: dict, log: Path, with_worker: bool = False):
        """Remember how to start it; the port is the ``--bind`` of ``command``."""
        self.command, self.env, self.log, self.with_worker = command, env, log, with_worker
        self.url = "http://" + command[command.index("--bind") + 1]
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> "Served":
        """Start and wait until it answers."""
        with self.log.open("ab") as log:
            self.processes.append(subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                                   start_new_session=True))
            if self.with_worker:
                self.processes.append(subprocess.Popen([str(BIN / "flask"), "worker"], cwd=ROOT, env=self.env,
                                                       stdout=log, stderr=log, start_new_session=True))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/", timeout=2)
                return self
            except requests.RequestException:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"{self.command} did not start; see {self.log}")

    def worker_rss_mb(self) -> float:
        """The largest resident memory of the gunicorn workers (MB)."""
        master = self.processes[0].pid
        children = Path(f"/proc/{master}/task/{master}/children")
        pids = children.read_text().split() if children.exists() else []
        sizes = []
        for pid in pids:
            status = Path(f"/proc/{pid}/status")
            if status.exists():
                match = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
                if match:
                    sizes.append(int(match.group(1)) / 1024)
        return round(max(sizes), 1) if sizes else 0.0

    def __exit__(self, *exc) -> None:
        """Stop gracefully (SIGTERM), then for good."""
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
