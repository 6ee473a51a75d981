"""Real processes for the fault tests: a throwaway PostgreSQL cluster, gunicorn app servers and
``flask worker`` processes, on ports of 127.0.0.1 (5700-5799 first, as this project's test range)."""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A free TCP port of 127.0.0.1, from 5700-5799 when one is free there."""
    for port in range(5700 + os.getpid() % 50, 5800):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pg_bindir() -> str:
    """Where initdb and pg_ctl are (installed from Debian's packages when missing, as .ci/postgres.sh does)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        subprocess.run("apt-get update -qq && apt-get install -y -qq postgresql", shell=True, check=True)
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    return found[-1]


class PgCluster:
    """A PostgreSQL cluster of its own in a temporary folder, run as the ``postgres`` user."""

    def __init__(self):
        """Create the cluster (initdb); it is not started yet."""
        self.bindir = _pg_bindir()
        self.dir = Path(tempfile.mkdtemp(prefix="binhdang-faultpg-"))
        shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self._as_postgres(f"{self.bindir}/initdb", "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: str) -> None:
        """Run a PostgreSQL tool as the ``postgres`` user."""
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        self._as_postgres(f"{self.bindir}/pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w",
                          "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                                "-c max_connections=40", "start")

    def stop(self) -> None:
        """Stop at once (``-m fast``: sessions under way are cut, as in a crash of the network or server)."""
        self._as_postgres(f"{self.bindir}/pg_ctl", "-D", str(self.dir / "data"), "-w", "-m", "fast", "stop")

    def destroy(self) -> None:
        """Stop if running and remove the folder."""
        subprocess.run(["runuser", "-u", "postgres", "--", f"{self.bindir}/pg_ctl", "-D", str(self.dir / "data"),
                        "-m", "immediate", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def new_database(self, name: str) -> str:
        """Create an empty database; return its URL."""
        engine = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url.rsplit("/", 1)[0] + f"/{name}"


def prepare(database_url: str) -> dict[str, int]:
    """Tables and the demo commune's structure on ``database_url``; unit and village ids by code."""
    from tests import conftest
    from webapp import create_app
    from webapp.demo.seed import seed_structure
    from webapp.extensions import db

    app = create_app(conftest.test_settings(database_url))
    with app.app_context():
        db.create_all()
        seed_structure()
        db.session.commit()
        ids = {code: id_ for code, id_ in db.session.execute(sa.text(
            "SELECT code, id FROM unit UNION ALL SELECT code, id FROM village"))}
        db.session.remove()
        db.engine.dispose()
    return ids


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an app server or worker on ``database_url``."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "fault-test-secret", "PYTHONUNBUFFERED": "1"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(extra)
    return env


class Process:
    """A child process in its own session (so a signal reaches it and its children), logging to a file."""

    def __init__(self, command: list[str], env: dict[str, str], log_path: Path):
        """Remember how to start it."""
        self.command, self.env, self.log_path = command, env, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start it."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                            start_new_session=True)

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the process group."""
        if self.alive:
            os.killpg(self.process.pid, signum)

    def stop(self, timeout: float = 30) -> int | None:
        """SIGTERM, then SIGKILL if it lingers; the exit code."""
        if self.process is None:
            return None
        if self.alive:
            self.signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.process.wait()
        return self.process.returncode

    @property
    def alive(self) -> bool:
        """Whether it still runs."""
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        """What it wrote so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class AppServer(Process):
    """gunicorn with ``gunicorn.conf.py`` (graceful timeout, JSON logs, metrics) on its own port."""

    def __init__(self, env: dict[str, str], log_path: Path, workers: int = 1, threads: int = 4):
        """Pick a port; ``env`` comes from ``environment()``."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**env, "PORT": str(self.port), "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads)}
        super().__init__([str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "webapp:create_app()"],
                         env, log_path)

    def start(self) -> None:
        """Start and wait until ``/healthz`` answers."""
        super().start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        self.stop(timeout=5)
        raise AssertionError("gunicorn did not start:\n" + self.log()[-3000:])


class Worker(Process):
    """``flask worker`` polling every ``interval`` seconds."""

    def __init__(self, env: dict[str, str], log_path: Path, interval: float = 0.2, command: str = "worker"):
        """``command`` may be the old name, ``push-worker``."""
        super().__init__([str(BIN / "flask"), "--app", "webapp", command, "--interval", str(interval)], env, log_path)
