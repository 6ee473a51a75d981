"""Migrations build the schema from empty on the run's database engine, with no drift from the models."""
import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent


def _flask(args, database_url, tmp_path):
    """Run a ``flask`` command of the app against ``database_url``."""
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "webapp",
           "INSTANCE_PATH": str(tmp_path / "instance")}
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_upgrade_from_empty_then_check_shows_no_drift(empty_database, tmp_path):
    """`flask db upgrade` builds everything; `flask db check` finds nothing the models add."""
    upgrade = _flask(["db", "upgrade"], empty_database, tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    check = _flask(["db", "check"], empty_database, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    seed = _flask(["seed-demo"], empty_database, tmp_path)
    assert seed.returncode == 0, seed.stderr
    assert "200" in seed.stdout


def test_downgrade_to_base_and_up_again(empty_database, tmp_path):
    """Every migration can be undone and redone."""
    assert _flask(["db", "upgrade"], empty_database, tmp_path).returncode == 0
    down = _flask(["db", "downgrade", "base"], empty_database, tmp_path)
    assert down.returncode == 0, down.stderr
    assert _flask(["db", "upgrade"], empty_database, tmp_path).returncode == 0
