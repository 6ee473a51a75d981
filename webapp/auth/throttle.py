"""Sign-in throttling per account, per address and per known device, shared by every app process.

Failed sign-ins are counted in windows (``SIGN_IN_WINDOW_SECONDS``) under digest keys, in the database
(table ``sign_in_failures``, one atomic upsert per key) or in Redis when ``REDIS_URL`` is set (one Lua
script per key). A key that reaches its threshold is locked for ``SIGN_IN_FIRST_LOCK_SECONDS``, doubled
with each further failure and capped at ``SIGN_IN_MAX_LOCK_SECONDS``. While locked, an attempt is
refused before the password is checked. The address is ``request.remote_addr`` after the one ProxyFix
(``webapp.security.proxy``). A browser that has signed in to an account before (``known_device``)
is not held by that account's or its address's lock, only by its own. See docs/architecture.md.
"""
from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import ngettext
from sqlalchemy.dialects import postgresql, sqlite

from webapp.auth import known_device
from webapp.auth.models import SignInFailures
from webapp.extensions import db

log = logging.getLogger(__name__)
TABLE = SignInFailures.__table__

DEFAULTS = {
    "SIGN_IN_THROTTLE_ENABLED": True,
    "SIGN_IN_WINDOW_SECONDS": 900,
    "SIGN_IN_ACCOUNT_FAILURES": 5,
    "SIGN_IN_ADDRESS_FAILURES": 100,
    "SIGN_IN_DEVICE_FAILURES": 10,
    "SIGN_IN_FIRST_LOCK_SECONDS": 60,
    "SIGN_IN_MAX_LOCK_SECONDS": 300,
    "REDIS_URL": "",
    "SIGN_IN_REDIS_PREFIX": "binhdang:signin:",
}


def now() -> float:
    """The clock of the throttle, in seconds (tests move it)."""
    return time.time()


def setting(name: str):
    """A throttle setting of the current app, or its default."""
    return current_app.config.get(name, DEFAULTS[name])


@dataclass(frozen=True)
class Counter:
    """One thing counted: its digest key and the failures that lock it."""

    key: str
    threshold: int

    def lock_ms(self, failures: int) -> int:
        """How long ``failures`` in the window lock the key (0 below the threshold), in milliseconds."""
        if failures < self.threshold:
            return 0
        first, cap = setting("SIGN_IN_FIRST_LOCK_SECONDS"), setting("SIGN_IN_MAX_LOCK_SECONDS")
        return int(min(first * 2 ** min(failures - self.threshold, 32), cap) * 1000)


def digest(kind: str, value: str) -> str:
    """The stored key of ``value``: a digest, so no username or address is kept."""
    return f"{kind}:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def address_of_request() -> str:
    """The client's address as ProxyFix resolved it; an IPv6 client counts as its /64."""
    raw = request.remote_addr or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _give_back_connection() -> None:
    """End the request's transaction (at sign-in it holds only reads) so its connection goes back to the
    pool before the throttle takes one: with a pool of one connection, the throttle would wait for it."""
    if db.session().in_transaction():
        db.session.commit()


class DatabaseStore:
    """Counters in ``sign_in_failures``, written in their own short transaction (not the request's)."""

    def locked_until_ms(self, keys: list[str]) -> int:
        """The latest end of a lock among ``keys`` (0: none)."""
        _give_back_connection()
        with db.engine.connect() as connection:
            ends = connection.execute(sa.select(TABLE.c.locked_until_ms).where(TABLE.c.key.in_(keys))).scalars()
            return max(ends, default=0)

    def fail(self, counters: list[Counter], now_ms: int) -> None:
        """Count one failure for each counter: one upsert each, atomic under concurrency on both databases."""
        window_ms = setting("SIGN_IN_WINDOW_SECONDS") * 1000
        insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(TABLE)
        expired = TABLE.c.window_start_ms <= now_ms - window_ms
        _give_back_connection()
        with db.engine.begin() as connection:
            for counter in counters:
                upsert = insert.values(key=counter.key, failures=1, window_start_ms=now_ms, locked_until_ms=0)
                upsert = upsert.on_conflict_do_update(index_elements=[TABLE.c.key], set_={
                    "failures": sa.case((expired, 1), else_=TABLE.c.failures + 1),
                    "window_start_ms": sa.case((expired, now_ms), else_=TABLE.c.window_start_ms),
                }).returning(TABLE.c.failures)
                lock = counter.lock_ms(connection.execute(upsert).scalar_one())
                if lock:
                    connection.execute(TABLE.update().where(
                        TABLE.c.key == counter.key, TABLE.c.locked_until_ms < now_ms + lock)
                        .values(locked_until_ms=now_ms + lock))
            # Forget counters whose window and lock are over (keeps the table as small as the attack).
            connection.execute(TABLE.delete().where(TABLE.c.window_start_ms <= now_ms - window_ms,
                                                    TABLE.c.locked_until_ms <= now_ms))

    def clear(self, keys: list[str]) -> None:
        """Forget the failures of ``keys``."""
        _give_back_connection()
        with db.engine.begin() as connection:
            connection.execute(TABLE.delete().where(TABLE.c.key.in_(keys)))


# KEYS[1]: the counter; ARGV: now, window, threshold, first lock, cap (ms, except the threshold).
FAIL_SCRIPT = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local threshold, first, cap = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local start = tonumber(redis.call('HGET', KEYS[1], 'start') or '0')
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
local locked = tonumber(redis.call('HGET', KEYS[1], 'locked') or '0')
if start <= now - window then start = now; failures = 0 end
failures = failures + 1
if failures >= threshold then
  locked = math.max(locked, now + math.min(first * 2 ^ math.min(failures - threshold, 32), cap))
end
redis.call('HSET', KEYS[1], 'start', string.format('%d', start), 'failures', failures,
           'locked', string.format('%d', locked))
redis.call('PEXPIRE', KEYS[1], window + cap)
return failures
"""


class RedisStore:
    """Counters in Redis hashes under ``SIGN_IN_REDIS_PREFIX``; they expire by themselves."""

    def __init__(self, url: str, prefix: str):
        """Connect lazily to ``url``."""
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self.script = self.client.register_script(FAIL_SCRIPT)

    def locked_until_ms(self, keys: list[str]) -> int:
        """The latest end of a lock among ``keys`` (0: none)."""
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.hget(self.prefix + key, "locked")
        return max((int(value) for value in pipe.execute() if value), default=0)

    def fail(self, counters: list[Counter], now_ms: int) -> None:
        """Count one failure for each counter (the script runs atomically in Redis)."""
        window_ms = setting("SIGN_IN_WINDOW_SECONDS") * 1000
        first, cap = setting("SIGN_IN_FIRST_LOCK_SECONDS") * 1000, setting("SIGN_IN_MAX_LOCK_SECONDS") * 1000
        for counter in counters:
            self.script(keys=[self.prefix + counter.key],
                        args=[now_ms, window_ms, counter.threshold, int(first), int(cap)])

    def clear(self, keys: list[str]) -> None:
        """Forget the failures of ``keys``."""
        self.client.delete(*(self.prefix + key for key in keys))


def store() -> DatabaseStore | RedisStore:
    """The app's store: Redis when ``REDIS_URL`` is set, else the database."""
    stores = current_app.extensions.setdefault("sign_in_throttle", {})
    url = setting("REDIS_URL")
    key = (url, setting("SIGN_IN_REDIS_PREFIX"))
    if key not in stores:
        stores[key] = RedisStore(*key) if url else DatabaseStore()
    return stores[key]


class SignInAttempt:
    """One sign-in attempt (login form or ``POST /api/v1/tokens``) as the throttle sees it."""

    def __init__(self, username: str):
        """The counters this attempt is checked against and counted in."""
        name = username.strip().casefold()
        self.username = name
        self.device = known_device.nonce_for(name)
        self.account = Counter(digest("acct", name), setting("SIGN_IN_ACCOUNT_FAILURES"))
        self.address = Counter(digest("addr", address_of_request()), setting("SIGN_IN_ADDRESS_FAILURES"))
        self.device_counter = (Counter(digest("dev", f"{self.device}:{name}"), setting("SIGN_IN_DEVICE_FAILURES"))
                               if self.device else None)

    @property
    def enabled(self) -> bool:
        """Whether throttling is on (``SIGN_IN_THROTTLE_ENABLED``)."""
        return bool(setting("SIGN_IN_THROTTLE_ENABLED"))

    def checked_counters(self) -> list[Counter]:
        """A known device answers for itself only; anyone else meets the account's and the address's locks."""
        return [self.device_counter] if self.device_counter else [self.account, self.address]

    def wait_seconds(self) -> int:
        """Seconds until this attempt may be tried (0: now). A store that cannot be reached lets it through."""
        if not self.enabled:
            return 0
        try:
            until = store().locked_until_ms([c.key for c in self.checked_counters()])
        except Exception as error:  # noqa: BLE001 - Redis down must not stop every sign-in
            if not _is_redis_error(error):
                raise
            log.error("sign-in throttle store unreachable: %s", error)
            return 0
        remaining = until / 1000 - now()
        return max(0, int(remaining + 0.999))

    def failed(self) -> None:
        """Count a failure for the account, the address and the known device."""
        if not self.enabled:
            return
        counters = [self.account, self.address] + ([self.device_counter] if self.device_counter else [])
        self._quietly(lambda: store().fail(counters, int(now() * 1000)))

    def succeeded(self) -> None:
        """A success clears the account's (and this device's) failures, never the address's; remember the device."""
        known_device.remember(self.username)
        if not self.enabled:
            return
        keys = [self.account.key] + ([self.device_counter.key] if self.device_counter else [])
        self._quietly(lambda: store().clear(keys))

    @staticmethod
    def _quietly(action) -> None:
        """Run ``action``; a Redis outage is logged, not shown to the person signing in."""
        try:
            action()
        except Exception as error:  # noqa: BLE001
            if not _is_redis_error(error):
                raise
            log.error("sign-in throttle store unreachable: %s", error)


def wait_message(seconds: int) -> str:
    """What a throttled person reads: how long to wait, in whole minutes (at least one)."""
    minutes = max(1, (seconds + 59) // 60)
    return ngettext("Too many failed sign-ins. Wait %(num)s minute and try again.",
                    "Too many failed sign-ins. Wait %(num)s minutes and try again.", minutes)


def _is_redis_error(error: Exception) -> bool:
    """Whether ``error`` comes from the Redis client."""
    try:
        import redis
    except ImportError:
        return False
    return isinstance(error, redis.RedisError)
