"""gunicorn settings of ``make run`` and of deployments (``gunicorn -c gunicorn.conf.py 'webapp:create_app()'``).

- Graceful deploys: SIGTERM stops accepting connections and lets requests under way (a 500-entry
  sync) finish for up to ``graceful_timeout`` seconds before the workers are stopped.
- Metrics: every worker process writes its counters under ``PROMETHEUS_MULTIPROC_DIR`` (a fresh
  temporary folder unless set), so ``/metrics`` sums all of them; a dead worker's live gauges go.
- Logs: the app writes one JSON line per request, so gunicorn's own access log is off.
- Address: ``HOST`` (default 127.0.0.1; ``0.0.0.0`` for the local network) and ``PORT`` (default 5000).
"""
import os
import shutil
import tempfile



def bind_address(host: str | None, port: str | None) -> str:
    """``HOST:PORT`` to listen on: 127.0.0.1 unless ``HOST`` says otherwise (``0.0.0.0``: the local
    network, so a phone on the same Wi-Fi can open the app); an IPv6 host gets its brackets."""
    host = (host or "").strip() or "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{(port or '').strip() or '5000'}"


bind = bind_address(os.environ.get("HOST"), os.environ.get("PORT"))
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# More threads than pooled connections (DB_POOL_SIZE 5 + DB_MAX_OVERFLOW 5): when the database is slow the
# excess requests get a 503 + Retry-After after DB_POOL_TIMEOUT instead of queueing until the phone gives up.
threads = int(os.environ.get("GUNICORN_THREADS", "12"))
worker_class = "gthread"
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = None
# No control socket: it lives at one path per user, which several servers on one machine would share.
control_socket_disable = True
# gunicorn's own lines (start, worker exits, timeouts) as JSON too, like the app's.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter",
                            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
                            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}}},
    "handlers": {"error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": []},
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
                "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False}},
}

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="binhdang-metrics-")


def on_starting(server):
    """Start with an empty metrics folder (counters of a previous run would be added in)."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    """Drop the live gauges of a worker that exited."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
