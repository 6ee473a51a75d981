"""How long from an event (an entry saved, an entry returned) to its push reaching the push service.

Runs the real path on a temporary SQLite database: the outbox row written with the event, the
``push-worker`` loop (as ``make run`` starts it) picking it up, encryption, VAPID, the POST to a push
service on 127.0.0.1. The baseline, measured in the same run, is one direct ``webpush()`` call with
the same payload (encryption and POST only). Each event comes at a random moment (a seeded uniform
wait of 0 to one worker interval before it), never at a fixed phase of the worker's polling loop, so
the spread is the loop's and not the harness's. The bench waits for each push before drawing the next
wait, so the worker's next pass comes one interval after the last push and an event after a wait ``u``
should arrive about ``interval - u`` later: the result states that prediction from the very draws (its
median is the draws' median, about half an interval only for many events) and the residual, measured
minus predicted, which is the worker's own delay (its pass, encryption, the POST). Usage: ``make bench`` or ``.venv/bin/python -m bench.run push``;
results go to ``bench/results/push.json``.
"""
from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import threading
import time
import uuid as uuidlib
from pathlib import Path

RUNS = 20
SEED = 20261202
BASELINE_RUNS = 30


def main() -> dict:
    """Measure, write ``bench/results/push.json`` and return what was written."""
    root = Path(tempfile.mkdtemp(prefix="binhdang-bench-"))
    os.environ["INSTANCE_PATH"] = str(root / "instance")
    import sqlalchemy as sa
    from pywebpush import webpush

    from tests.push.local_push_service import BrowserKeys, LocalPushService
    from webapp import create_app
    from webapp.auth.models import User
    from webapp.demo.seed import seed_structure
    from webapp.entries import services
    from webapp.extensions import db
    from webapp.kinds import get_kind
    from webapp.push.cli import run_worker
    from webapp.push.models import Notification, PushSubscription
    from webapp.push.vapid import vapid_keys

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'bench.sqlite'}",
                      "PUSH_ALLOW_LOCAL_ENDPOINTS": True, "PUSH_ALLOWED_HOSTS": [], "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    service, keys = LocalPushService(), BrowserKeys()
    with app.app_context():
        db.create_all()
        seed_structure()
        author = db.session.scalar(sa.select(User).where(User.username == "canbo1"))
        reviewer = db.session.scalar(sa.select(User).where(User.username == "duyet"))
        info = keys.subscription(service.endpoint("duyet"))
        db.session.add(PushSubscription(user=reviewer, endpoint=info["endpoint"], endpoint_digest="bench",
                                        p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"]))
        db.session.commit()
        payload = json.dumps({"title": "1 hoạt động chờ duyệt", "body": "Mở danh sách chờ duyệt.",
                              "url": "/review/", "tag": "review_waiting"}, ensure_ascii=False)
        baseline = []
        for _ in range(BASELINE_RUNS):
            started = time.monotonic()
            webpush(info, payload, vapid_private_key=vapid_keys().signer, vapid_claims=vapid_keys().claims(),
                    ttl=86400, timeout=10)
            baseline.append(time.monotonic() - started)
        kind = get_kind("outreach")
        ctx = services.validation_context(author, strict_types=True)
        unit_id = ctx.choices["units"][0][0]
        village_id = ctx.choices["villages"][0][0]
        data = {"unit_id": int(unit_id), "village_id": int(village_id), "date": "2023-06-12",
                "participants_male": 10, "participants_female": 20, "cost_vnd": 0, "notes": "", "format": "direct_talk"}
        clean, errors = kind.validate(data, ctx)
        assert not errors, errors

    results = {}
    for interval in (float(app.config["PUSH_WORKER_INTERVAL_SECONDS"]), 1.0):
        stop = threading.Event()

        def work(interval=interval, stop=stop) -> None:
            """The worker loop in its own app context."""
            with app.app_context():
                run_worker(interval=interval, stop=stop)

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        times, predicted = [], []
        moments = random.Random(SEED)
        for _ in range(RUNS):
            wait = moments.uniform(0, interval)
            predicted.append(interval - wait)  # the next pass is one interval after the last push
            time.sleep(wait)  # a random point of the worker's polling interval
            seen = len(service.arrivals)
            with app.app_context():
                db.session.execute(sa.update(Notification).values(dispatched_at=None, state="merged")
                                   .where(Notification.state == "sent"))  # no hourly limit between runs
                db.session.commit()
                started = time.monotonic()
                services.create_entry(db.session.get(User, author.id), str(uuidlib.uuid4()), kind, clean)
                db.session.commit()
            while len(service.arrivals) == seen:
                time.sleep(0.01)
            times.append(service.arrivals[-1].at - started)
        stop.set()
        thread.join(15)
        results[interval] = (times, predicted)
    service.stop()

    base = statistics.median(baseline)
    report = {
        "what": "seconds from an entry saved (outbox row written) to its push arriving at a local push "
                "service, with the push-worker loop running; SQLite, one subscriber",
        "baseline_direct_webpush_median_s": round(base, 4),
        "baseline_runs": BASELINE_RUNS,
        "runs": {},
    }
    for interval, (times, predicted) in results.items():
        median = statistics.median(times)
        residuals = [measured - expected for measured, expected in zip(times, predicted)]
        report["runs"][f"worker_interval_{interval:g}s"] = {
            "median_s": round(median, 3), "min_s": round(min(times), 3), "max_s": round(max(times), 3),
            "events": len(times), "median_over_baseline": round(median / base, 1),
            "expected_median_at_random_moments_s": round(interval / 2 + base, 3),
            "predicted_median_from_these_draws_s": round(statistics.median(predicted), 3),
            "worker_delay_median_s": round(statistics.median(residuals), 3),
            "worker_delay_max_s": round(max(residuals), 3)}
    report["note"] = ("the wait is the worker's polling interval (PUSH_WORKER_INTERVAL_SECONDS, default 5 s): "
                      "the first push of a sort reaches the push service within one interval of the event; events come "
                      f"at random moments (seeded uniform 0..interval waits, seed {SEED})")
    out = Path(__file__).resolve().parent / "results" / "push.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, ensure_ascii=False))
