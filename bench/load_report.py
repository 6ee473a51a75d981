"""The load bench's section of ``bench/results.md`` (between its markers; other sections are left alone)."""
from __future__ import annotations

from pathlib import Path

RESULTS_MD = Path(__file__).resolve().parent / "results.md"
START, END = "<!-- load:start -->", "<!-- load:end -->"


def table(result: dict) -> list[str]:
    """One row per run: binhdang beside the bare app at the same database, clients and table size."""
    lines = ["| database | entries in table | clients | binhdang req/s | p50 / p95 ms | errors | bare app req/s "
             "| bare p95 ms | ratio | worker RSS MB |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for database in result["databases"]:
        runs = database["runs"]
        for run in runs:
            if run["app"] != "binhdang":
                continue
            bare = next((r for r in runs if r["app"] == "bare" and r["clients"] == run["clients"]
                         and r["entries_in_table"] == run["entries_in_table"]), None)
            ratio = run["requests_per_second"] / bare["requests_per_second"] if bare else 0
            errors = run["errors"] + run.get("entries_refused", 0)
            lines.append(
                f"| {database['database']} | {run['entries_in_table']:,} | {run['clients']} "
                f"| {run['requests_per_second']:,.0f} | {run['p50_ms']:.0f} / {run['p95_ms']:.0f} | {errors} "
                f"| {bare['requests_per_second']:,.0f} | {bare['p95_ms']:.0f} | {ratio:.2f} "
                f"| {run['worker_rss_mb']:.0f} |" if bare else "")
    return lines


def write_section(result: dict) -> None:
    """Replace (or add) the load section of ``bench/results.md``."""
    section = [START, "## Load: phones syncing over real HTTP (`python -m bench.run load`)", "",
               f"Measured {result['measured_at']} on {result['machine']}, Python {result['python']}; "
               f"{result['seconds_per_run']} s per run. {result['what']}.", "",
               *table(result), "",
               "Goal (issue 10): ≥ 500 req/s and ≥ half the bare app, p95 < 100 ms, 0 errors, flat as the "
               "table grows. Errors count failed or non-2xx requests and refused entries.", END]
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + "\n".join(section) + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(section) + "\n"
    RESULTS_MD.write_text(text)
