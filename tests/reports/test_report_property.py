"""Property: for any set of entries, every figure of the dashboard, the totals API, the XLSX and the
DOCX equals the sum computed here directly over the approved entries of the period."""
from __future__ import annotations

import contextlib
import datetime as dt
import uuid as uuidlib
from collections import defaultdict

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.reports.helpers import (YEAR_2023, clear_entries, docx_tables, html_table, num, row_of,
                                   xlsx_sheets)
from webapp.demo import data
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.kinds import all_kinds, get_kind
from webapp.reports import rollup
from webapp.reports.rollup.models import PEOPLE_COLUMNS
from webapp.reports.totals.builders import group_field
from webapp.reports.totals.labels import funding_label

START, END = dt.date(2022, 12, 15), dt.date(2023, 12, 14)
EDGES = [dt.date(2022, 12, 14), START, END, dt.date(2023, 12, 15), dt.date(2023, 6, 14), dt.date(2023, 6, 15)]
KINDS = [kind.code for kind in all_kinds()]
UNITS = ["chi-hoi-pn-thon-thanh-xa", "chi-hoi-pn-thon-le-xa", "hlhpn-thanh-xa", "doan-tn-thanh-xa",
         "tram-y-te-thanh-xa"]
VILLAGES = [code for code, _name in data.VILLAGES[:4]]
FUNDING = [None, "commune_budget", "national_programme"]
MEASURES = ("entries", "participants_male", "participants_female", "participants_total", "cost_vnd")

ENTRY = st.fixed_dictionaries({
    "kind": st.sampled_from(KINDS), "unit": st.sampled_from(UNITS), "village": st.sampled_from(VILLAGES),
    "date": st.one_of(st.dates(dt.date(2022, 12, 1), dt.date(2024, 1, 10)), st.sampled_from(EDGES)),
    "status": st.sampled_from(["approved", "approved", "submitted", "returned"]),
    "male": st.integers(0, 60), "female": st.integers(0, 60), "cost": st.integers(0, 30).map(lambda n: n * 100_000),
    "funding": st.sampled_from(FUNDING), "value": st.integers(0, 30), "young": st.integers(0, 8),
})


def details_for(kind_code: str, value: int) -> dict:
    """A kind's own fields: its option picked by ``value``, every report column set to ``value``."""
    kind = get_kind(kind_code)
    details = dict(factories.KIND_DEFAULTS[kind_code])
    option = group_field(kind)
    if option is not None:
        details[option.name] = option.choices[value % len(option.choices)][0]
    for column in kind.report_columns:
        if not column.legacy:  # an older client's single count is computed from its parts
            details[column.name] = value
    return details


def counts() -> dict:
    """Zero counts."""
    return defaultdict(int)


def expected(entries: list[dict]) -> dict:
    """The sums computed directly: overall, by kind, unit, village, month, funding, kind option, column."""
    sums = {name: defaultdict(counts) for name in ("all", "kind", "unit", "village", "month", "funding", "option",
                                                   "combo")}
    for item in entries:
        if item["status"] != "approved" or not START <= item["date"] <= END:
            continue
        kind = get_kind(item["kind"])
        if kind.sensitive:  # left out of every general figure (tests/security covers their own table)
            continue
        option = group_field(kind)
        keys = {"all": "all", "kind": item["kind"], "unit": item["unit"], "village": item["village"],
                "month": item["date"].strftime("%Y-%m"), "funding": item["funding"],
                "option": (item["kind"], details_for(item["kind"], item["value"])[option.name] if option else item["unit"]),
                "combo": (item["kind"], item["unit"], item["village"], item["date"].strftime("%Y-%m"))}
        for name, key in keys.items():
            bucket = sums[name][key]
            bucket["entries"] += 1
            if kind.counts_participants:  # a broadcast's (older client's) headcount never reaches the headline
                bucket["participants_male"] += item["male"]
                bucket["participants_female"] += item["female"]
                bucket["participants_total"] += item["male"] + item["female"]
            bucket["cost_vnd"] += item["cost"]
            for column in kind.report_columns:
                if not column.legacy:
                    bucket[f"{item['kind']}.{column.name}"] += item["value"]
    return sums


def store(entries: list[dict]) -> None:
    """Replace every entry by these."""
    clear_entries()
    author = factories.user("canbo1").id
    units = {code: factories.unit(code).id for code in UNITS}
    villages = {code: factories.village(code).id for code in VILLAGES}
    for number, item in enumerate(entries):
        entry = Entry(
            uuid=f"00000000-0000-4000-8000-{number:012d}", kind=item["kind"], status=item["status"],
            unit_id=units[item["unit"]], village_id=villages[item["village"]], date=item["date"], topics=[],
            participants_male=item["male"], participants_female=item["female"], cost_vnd=item["cost"],
            funding_source=item["funding"], notes="", details=details_for(item["kind"], item["value"]),
            author_id=author)
        db.session.add(entry)
        rollup.record([(None, rollup.snapshot(entry))])
    db.session.commit()


def check_row(cells: list, header: list, want: dict, names: dict[str, str]) -> None:
    """Every named column of a table row equals the expected count ("<5" allowed for victims counts)."""
    for key, title in names.items():
        value = cells[[str(h) for h in header].index(title)]
        got = num(value) if isinstance(value, str) else value
        if got == "<5":
            assert key.startswith("support.recipients"), (key, want)
            continue
        if got in ("—", None):  # a kind without a counted audience has no participants (an empty XLSX cell)
            assert key.startswith("participants") and not want.get(key, 0), (key, want)
            continue
        assert got == want.get(key, 0), (title, got, want.get(key, 0))


@pytest.fixture
def officer(app, commune, client, auth):
    """The officer signed in; names of units, villages and kind options in Vietnamese."""
    auth.login("tonghop")
    with app.test_request_context(), force_locale("vi"):
        names = {"unit": {code: factories.unit(code).name for code in UNITS},
                 "village": {code: factories.village(code).name for code in VILLAGES},
                 "funding": {code: funding_label(code) for code in FUNDING},
                 "kind": {code: str(get_kind(code).label) for code in KINDS if not get_kind(code).sensitive},
                 "option": {(kind.code, value): str(label) for kind in all_kinds() if group_field(kind)
                            for value, label in group_field(kind).choices},
                 "columns": {f"{kind.code}.{f.name}": str(f.label) for kind in all_kinds() for f in kind.report_columns}}
    return names


COUNT_HEADERS = {"entries": "Số hoạt động", "participants_male": "Nam", "participants_female": "Nữ",
                 "participants_total": "Tổng số lượt người tham dự", "cost_vnd": "Kinh phí (đồng)"}


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(entries=st.lists(ENTRY, max_size=25))
def test_every_figure_equals_the_direct_sum(app, client, officer, entries):
    """Dashboard, totals API, XLSX and DOCX against sums computed here."""
    with app.app_context():
        store(entries)
        ids = {"unit": {factories.unit(c).id: c for c in UNITS}, "village": {factories.village(c).id: c for c in VILLAGES}}
    want = expected(entries)
    total = want["all"]["all"]

    body = client.get("/api/v1/reports/totals", query_string={**YEAR_2023, "group_by": "kind,unit,village,month"}).get_json()
    assert {name: body["totals"][name] for name in MEASURES} == {name: total[name] for name in MEASURES}
    got = {(row["kind"], ids["unit"][row["unit"]], ids["village"][row["village"]], row["month"]):
           {name: row[name] for name in MEASURES} for row in body["rows"]}
    assert got == {key: {name: value[name] for name in MEASURES} for key, value in want["combo"].items()}

    page = client.get("/reports/", query_string=YEAR_2023).get_data(as_text=True)
    for name in MEASURES:
        start = page.index(f'data-kpi="{name}">') + len(f'data-kpi="{name}">')
        assert num(page[start:page.index("<", start)].replace(" đ", "")) == total[name]
    for code, key in (("summary", "kind"), ("by-unit", "unit"), ("by-village", "village")):
        table = html_table(page, code)
        for value, label in officer[key].items():
            check_row(row_of(table, label), table[0], want[key].get(value, {}), COUNT_HEADERS)
    months = html_table(page, "by-month")
    for month, sums in want["month"].items():
        check_row(row_of(months, f"{month[5:]}/{month[:4]}"), months[0], sums, COUNT_HEADERS)

    sheets = xlsx_sheets(client.get("/reports/export.xlsx", query_string=YEAR_2023).data)
    docx = docx_tables(client.get("/reports/export.docx", query_string=YEAR_2023).data)
    for tables in (sheets, docx):
        summary = tables["Hoạt động theo loại"]
        check_row(row_of(summary, "Tổng số"), summary[0], total, COUNT_HEADERS)
        for code, label in officer["kind"].items():
            check_row(row_of(summary, label), summary[0], want["kind"].get(code, {}), COUNT_HEADERS)
            sheet = tables[label]
            headers = {"entries": "Số hoạt động", "participants_total": "Tổng số lượt người tham dự",
                       "participants_female": "Trong đó nữ", "cost_vnd": "Kinh phí (đồng)",
                       **{c: t for c, t in officer["columns"].items() if c.startswith(code + ".")}}
            if not get_kind(code).counts_participants:  # its table has no participants columns at all
                headers = {k: t for k, t in headers.items() if not k.startswith("participants")}
            check_row(row_of(sheet, "Tổng số"), sheet[0], want["kind"].get(code, {}), headers)
            for (kind_code, option), sums in want["option"].items():
                if kind_code == code:
                    name = officer["option"].get((kind_code, option)) or officer["unit"][option]
                    check_row(row_of(sheet, name), sheet[0], sums, headers)
        funding = tables["Kinh phí thực hiện"]
        for code, sums in want["funding"].items():
            check_row(row_of(funding, officer["funding"][code]), funding[0], sums,
                      {"entries": "Số hoạt động", "cost_vnd": "Kinh phí (đồng)"})
    for key, sheet in (("unit", "Theo đơn vị"), ("village", "Theo thôn")):
        for value, label in officer[key].items():
            check_row(row_of(sheets[sheet], label), sheets[sheet][0], want[key].get(value, {}), COUNT_HEADERS)


OPERATION = st.one_of(
    st.tuples(st.just("create"), ENTRY),
    st.tuples(st.just("sync"), st.lists(ENTRY, min_size=1, max_size=4)),
    st.tuples(st.just("edit"), st.integers(0, 30), ENTRY),
    st.tuples(st.just("review"), st.integers(0, 30), st.sampled_from(["approve", "return"])),
    st.tuples(st.just("merge"), st.sampled_from(VILLAGES), st.sampled_from(VILLAGES)),
)
ROLLUP_GROUPINGS = [(), ("kind",), ("unit",), ("village",), ("month",), ("campaign",), ("funding_source",),
                    ("commune",), ("kind", "village", "month")]


def _of_whom(item: dict) -> dict:
    """"Of whom" counts: by sex from a new client (even ``young``), a single total from an older one (odd)."""
    young = item.get("young", 0)
    if young % 2:
        return {"under_16": min(young, item["male"] + item["female"]), "ethnic_minority": min(1, item["female"])}
    return {"under_16_male": min(young, item["male"]), "under_16_female": min(young, item["female"]),
            "ethnic_minority_female": min(young // 2, item["female"])}


def _write(item: dict) -> dict:
    """``data`` for the entry service from a generated entry (canbo1's unit)."""
    return factories.entry_data(item["kind"], village_code=item["village"], date=item["date"].isoformat(), **_of_whom(item),
                                participants_male=item["male"], participants_female=item["female"],
                                cost_vnd=item["cost"],
                                funding_source=item["funding"] or ("commune_budget" if item["cost"] else None),
                                **details_for(item["kind"], item["value"]))


def _apply(operation: tuple, made: list[str]) -> None:
    """One write through the services: create, a batch of new entries through the sync API's set-based
    path, edit (a returned entry goes back to review), review, or a village merge (entries moved by one
    UPDATE, then the commune's rollup rebuilt)."""
    from webapp.api.sync import sync_entries
    from webapp.entries import services
    from webapp.review import services as review
    from webapp.units.models import Unit

    author = factories.user("canbo1")
    if operation[0] == "create":
        kind = get_kind(operation[1]["kind"])
        clean, errors = kind.validate(_write(operation[1]), services.validation_context(author, strict_types=True))
        if not errors:
            made.append(services.create_entry(author, str(uuidlib.uuid4()), kind, clean).uuid)
    elif operation[0] == "sync":
        batch = [{"uuid": str(uuidlib.uuid4()), "kind": item["kind"], "base_revision": None,
                  "data": _write(item)} for item in operation[1]]
        results = sync_entries(author, batch, "test-phone")
        made += [outcome["uuid"] for outcome in results if outcome["status"] == "created"]
    elif operation[0] in ("edit", "review") and made:
        entry = db.session.scalar(sa.select(Entry).where(Entry.uuid == made[operation[1] % len(made)]))
        if operation[0] == "edit" and entry.status != "approved":
            kind = get_kind(entry.kind)
            item = {**operation[2], "kind": entry.kind}
            clean, errors = kind.validate(_write(item), services.validation_context(author, strict_types=True))
            if not errors:
                services.update_entry(author, entry, clean)
        elif operation[0] == "review" and entry.status == "submitted":
            review.review(factories.user("tonghop"), entry, operation[2], "Bổ sung số liệu", entry.revision)
    elif operation[0] == "merge" and operation[1] != operation[2]:
        db.session.execute(sa.update(Entry).where(Entry.village_id == factories.village(operation[1]).id)
                           .values(village_id=factories.village(operation[2]).id))
        rollup.rebuild(db.session.scalar(sa.select(Unit.commune_id).where(Unit.code == UNITS[0])))
    db.session.commit()


def _rollup_rows() -> dict:
    """The rollup tables as ``{key: sums}`` (rows that sum to nothing left out)."""
    core = {tuple(row[:8]): tuple(row[8:]) for row in db.session.execute(sa.select(
        *[rollup.ReportRollup.__table__.c[name] for name in rollup.models.KEY_COLUMNS + rollup.models.MEASURE_COLUMNS]))
        if row.entries}
    columns = {tuple(row[:9]): row[9] for row in db.session.execute(sa.select(
        *[rollup.ReportRollupColumn.__table__.c[name] for name in rollup.models.KEY_COLUMNS + ("name", "value")]))
        if row.value}
    return {"core": core, "columns": columns}


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=st.lists(OPERATION, max_size=30))
def test_rollup_equals_direct_sums_after_writes_reviews_and_merges(app, commune, operations):
    """After random creates, edits, reviews, resubmissions and village merges, every total read from the
    rollup equals the GROUP BY over the entry table, and rebuilding the rollup changes nothing."""
    from webapp.reports.totals.queries import STATUSES, TotalsQuery, run, run_direct

    with app.test_request_context():
        clear_entries()
        made: list[str] = []
        for operation in operations:
            _apply(operation, made)
        for statuses in (("approved",), ("submitted",), ("returned",), STATUSES):
            for group_by in ROLLUP_GROUPINGS:
                query = TotalsQuery(START, END, group_by=group_by, statuses=statuses)
                assert run(None, query) == run_direct(None, query), (group_by, statuses)
            for kind in all_kinds():
                option = group_field(kind)
                query = TotalsQuery(START, END, group_by=(f"detail:{option.name}",) if option else ("unit",),
                                    statuses=statuses, kind=kind.code,
                                    columns=tuple(f"{kind.code}.{f.name}" for f in kind.report_columns))
                assert run(None, query) == run_direct(None, query), (kind.code, statuses)
            people = TotalsQuery(START, END, group_by=("kind",), statuses=statuses,
                                 columns=tuple(f"*.{name}" for name in PEOPLE_COLUMNS))
            assert run(None, people) == run_direct(None, people), ("people", statuses)
        _check_page_frame(STATUSES)
        incremental = _rollup_rows()
        rollup.rebuild()
        assert _rollup_rows() == incremental
        db.session.rollback()


def _check_page_frame(statuses_all: tuple) -> None:
    """Totals summed in memory from the page's one rollup read (``rollup.frame``, first read over part
    of the window, the rest read when asked) equal the GROUP BY over the entry table, filters and
    sensitive kinds included, group order included."""
    from webapp.reports.rollup import frame
    from webapp.reports.totals.queries import TotalsQuery, distinct_values, run, run_direct
    from webapp.units.models import Unit

    units = sorted(db.session.scalars(sa.select(Unit.id)))
    commune_id = factories.unit(UNITS[0]).commune_id
    filters = [{}, {"sensitive": True}, {"kind": "support", "sensitive": True}, {"kind": KINDS[0]},
               {"unit_id": factories.unit("hlhpn-thanh-xa").id}, {"commune_id": commune_id},
               {"village_id": factories.village(VILLAGES[1]).id}, {"campaign": "thang-hd-pcbldg"}]
    with frame.preloaded(units, dt.date(2023, 3, 1), dt.date(2023, 9, 30)) as page:
        for statuses in (("approved",), ("submitted", "returned"), statuses_all):
            for group_by in ROLLUP_GROUPINGS:
                for options in filters:
                    query = TotalsQuery(START, END, group_by=group_by, statuses=statuses, **options)
                    assert run(units, query) == run_direct(units, query), (group_by, statuses, options)
                    if len(group_by) == 1:
                        assert distinct_values(units, query, group_by[0]) == {
                            row[group_by[0]] for row in run_direct(units, query).rows}, (group_by, options)
            for kind in all_kinds():
                query = TotalsQuery(START, END, group_by=("unit",), statuses=statuses, kind=kind.code, sensitive=True,
                                    columns=tuple(f"{kind.code}.{f.name}" for f in kind.report_columns))
                assert run(units, query) == run_direct(units, query), (kind.code, statuses)
        names = sum(len(kind.report_columns) for kind in all_kinds())
        assert page.queries <= 4 + names  # the rows and the two missing ends, the units, each column once
    rows = db.session.scalar(sa.select(sa.func.count()).select_from(rollup.ReportRollup).where(
        rollup.ReportRollup.day >= START, rollup.ReportRollup.day <= END))
    with _frame_limit(0), frame.preloaded(units, START, END) as page:  # more rows than it may hold: SQL answers
        for group_by in ROLLUP_GROUPINGS:
            query = TotalsQuery(START, END, group_by=group_by, statuses=statuses_all, sensitive=True)
            assert run(units, query) == run_direct(units, query), group_by
        assert page.too_big == (rows > 0) and not page.rows


@contextlib.contextmanager
def _frame_limit(rows: int):
    """``REPORT_FRAME_MAX_ROWS`` set to ``rows`` while the block runs."""
    from flask import current_app

    before = current_app.config.get("REPORT_FRAME_MAX_ROWS")
    current_app.config["REPORT_FRAME_MAX_ROWS"] = rows
    try:
        yield
    finally:
        if before is None:
            current_app.config.pop("REPORT_FRAME_MAX_ROWS")
        else:
            current_app.config["REPORT_FRAME_MAX_ROWS"] = before
