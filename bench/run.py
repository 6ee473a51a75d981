"""``make bench``: run every ``bench/*_bench.py`` (or those named on the command line) and print results.

A bench module defines ``main() -> dict``: it measures, writes ``bench/results/<name>.json`` itself and
returns what it wrote.
"""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def available() -> list[str]:
    """The names of the bench modules, without the ``_bench`` suffix."""
    return sorted(path.stem[: -len("_bench")] for path in BENCH_DIR.glob("*_bench.py"))


def run(names: list[str]) -> dict[str, dict]:
    """Run the named benches in order; their results by name."""
    results = {}
    for name in names:
        module = importlib.import_module(f"bench.{name}_bench")
        print(f"=== {name} ===", flush=True)
        results[name] = module.main()
        print(json.dumps(results[name], indent=2, ensure_ascii=False), flush=True)
    return results


def main(argv: list[str]) -> int:
    """Run the benches named in ``argv``, or all of them."""
    names = argv or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"unknown bench: {', '.join(unknown)} (have: {', '.join(available())})", file=sys.stderr)
        return 2
    run(names)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
