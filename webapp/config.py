"""Configuration: safe defaults, the environment, and secrets kept under ``instance/``."""
from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path


def _instance_secret(instance_path: str, name: str, make) -> str:
    """Return a secret stored in ``instance/<name>``, creating it once with ``make()``."""
    path = Path(instance_path) / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    # Written with owner-only permissions: it signs every session.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def engine_options() -> dict:
    """Pool settings: stale connections replaced (recovery without restart), a short wait for a free
    connection (backpressure answers 503 quickly), and no SQL parameters (entry text) in error messages."""
    return {
        "pool_pre_ping": True,
        "pool_size": int(os.environ.get("DB_POOL_SIZE", "5")),
        "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "5")),
        "pool_timeout": float(os.environ.get("DB_POOL_TIMEOUT", "3")),
        "hide_parameters": True,
    }


def ops_settings() -> dict:
    """Settings of health checks, metrics, logs and the worker (see docs/deployment.md)."""
    env = os.environ.get
    return {
        "RETRY_AFTER_SECONDS": int(env("RETRY_AFTER_SECONDS", "10")),
        "METRICS_TOKEN": env("METRICS_TOKEN", ""),
        "LOG_FORMAT": env("LOG_FORMAT", "json"),
        "LOG_LEVEL": env("LOG_LEVEL", "INFO"),
        "WORKER_HEARTBEAT_MAX_AGE_SECONDS": float(env("WORKER_HEARTBEAT_MAX_AGE_SECONDS", "90")),
        "READYZ_REQUIRE_WORKER": env("READYZ_REQUIRE_WORKER", "1") == "1",
        "EXPORT_LEASE_SECONDS": float(env("EXPORT_LEASE_SECONDS", "120")),
        "EXPORT_MAX_ATTEMPTS": int(env("EXPORT_MAX_ATTEMPTS", "2")),
    }


def throttle_settings() -> dict:
    """Sign-in throttling (``webapp.auth.throttle``) and the shared store of the rate limits."""
    env = os.environ.get
    redis_url = env("REDIS_URL", "")
    return {
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "SIGN_IN_THROTTLE_ENABLED": env("SIGN_IN_THROTTLE", "1") == "1",
        "SIGN_IN_WINDOW_SECONDS": int(env("SIGN_IN_WINDOW_SECONDS", "900")),
        "SIGN_IN_ACCOUNT_FAILURES": int(env("SIGN_IN_ACCOUNT_FAILURES", "5")),
        "SIGN_IN_ADDRESS_FAILURES": int(env("SIGN_IN_ADDRESS_FAILURES", "100")),
        "SIGN_IN_DEVICE_FAILURES": int(env("SIGN_IN_DEVICE_FAILURES", "10")),
        "SIGN_IN_FIRST_LOCK_SECONDS": int(env("SIGN_IN_FIRST_LOCK_SECONDS", "60")),
        "SIGN_IN_MAX_LOCK_SECONDS": int(env("SIGN_IN_MAX_LOCK_SECONDS", "300")),
        "SIGN_IN_REDIS_PREFIX": env("SIGN_IN_REDIS_PREFIX", "binhdang:signin:"),
    }


def load_config(app) -> None:
    """Fill ``app.config`` from defaults and the environment (contract: DATABASE_URL, SECRET_KEY, PORT)."""
    instance = app.instance_path
    Path(instance).mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance) / 'binhdang.sqlite'}"
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    if database_url.startswith("postgresql") and "connect_timeout=" not in database_url:
        # A stopped or unreachable server is answered with a 503 in seconds, not after the OS's minutes.
        database_url += ("&" if "?" in database_url else "?") + "connect_timeout=" + os.environ.get(
            "DB_CONNECT_TIMEOUT", "3")
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY")
        or _instance_secret(instance, "secret_key", lambda: secrets.token_hex(32)),
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(),
        PERMANENT_SESSION_LIFETIME=timedelta(days=int(os.environ.get("SESSION_DAYS", "30"))),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
        PROXY_COUNT=int(os.environ.get("PROXY_COUNT", "0")),
        HSTS_SECONDS=int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600))),
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh",
        LANGUAGES=["vi", "en"],
        RATELIMIT_HEADERS_ENABLED=True,
        MAX_CONTENT_LENGTH=int(os.environ.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024))),
        EARLIEST_ENTRY_DATE="2000-01-01",
        PASSWORD_HASH_METHOD="scrypt",
        **ops_settings(),
        **throttle_settings(),
    )
    extra = os.environ.get("BINHDANG_SETTINGS_JSON")
    if extra:
        app.config.update(json.loads(extra))
