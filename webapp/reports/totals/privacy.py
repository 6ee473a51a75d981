"""Small-cell suppression of violence figures: "<5" in every table, never revealed by subtraction.

A cell that counts violence cases or victims and is below the threshold is hidden (primary
suppression). A published sum (a total row, a group's cell over its entries) would then give the
hidden value away by subtraction if it were the only hidden cell of that sum, so a second cell of
the same sum is hidden too (secondary suppression), repeated until no sum has exactly one hidden
cell. Which columns count violence is configuration (``REPORT_SENSITIVE_COLUMNS``), not code.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

from flask import current_app

DEFAULT_SENSITIVE_COLUMNS = ("support.recipients_male", "support.recipients_female",
                             "support.recipients_boys", "support.recipients_girls",
                             "support.recipients_children")
DEFAULT_THRESHOLD = 5


@dataclass(frozen=True)
class Hidden:
    """A suppressed cell; prints as ``<5`` (or ``—`` for a ratio computed from hidden counts)."""

    text: str

    def __str__(self) -> str:
        """What a reader sees in the cell."""
        return self.text


def threshold() -> int:
    """Counts below this are hidden."""
    return int(current_app.config.get("REPORT_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def marker() -> Hidden:
    """The mark of a hidden count: ``<5``."""
    return Hidden(f"<{threshold()}")


def derived_marker() -> Hidden:
    """The mark of a ratio that would reveal a hidden count."""
    return Hidden("—")


def sensitive_columns() -> frozenset[str]:
    """Report columns (``kind.field``) that count victims of violence: the fields a kind declares
    sensitive, plus any the configuration adds (``REPORT_SENSITIVE_COLUMNS``)."""
    from webapp.kinds import all_kinds

    declared = {f"{kind.code}.{f.name}" for kind in all_kinds() for f in kind.fields if f.sensitive}
    return frozenset(declared | set(current_app.config.get("REPORT_SENSITIVE_COLUMNS", DEFAULT_SENSITIVE_COLUMNS)))


def suppress(values: dict[Hashable, int], primary: Iterable[Hashable],
             sums: Sequence[Sequence[Hashable]], limit: int | None = None) -> set[Hashable]:
    """The cells to hide.

    ``values`` maps every cell to its count; ``primary`` lists the sensitive cells (hidden when
    below the threshold); each of ``sums`` lists the cells of one published additive relation
    (parts and their total together). Secondary cells are taken smallest first, so as little as
    possible is hidden.
    """
    limit = threshold() if limit is None else limit
    order = {key: index for index, key in enumerate(values)}
    hidden = {key for key in primary if values[key] < limit}
    changed = bool(hidden)
    while changed:
        changed = False
        for cells in sums:
            inside = [key for key in cells if key in hidden]
            if len(inside) != 1:
                continue
            candidates = [key for key in cells if key not in hidden]
            if not candidates:
                continue
            hidden.add(min(candidates, key=lambda key: (values[key], order[key])))
            changed = True
    return hidden


def suppress_column(group_values: dict[Hashable, int], total: int,
                    entries: Sequence[tuple[Hashable, Hashable, bool, int]] = ()) -> tuple[set, bool, set]:
    """Suppress one sensitive column of a grouped table and the entries it sums.

    ``group_values``: the table's cells by group; ``total``: the total row's cell; ``entries``:
    ``(entry id, group, counted, value)`` of the entries published one by one (``counted`` when the
    entry is inside the table's sums, i.e. approved). Returns the hidden groups, whether the total
    is hidden, and the hidden entry ids.
    """
    values: dict[Hashable, int] = {("g", group): value for group, value in group_values.items()}
    values[("t",)] = total
    for entry_id, _group, _counted, value in entries:
        values[("e", entry_id)] = value
    sums: list[list[Hashable]] = [[("g", group) for group in group_values] + [("t",)]]
    members: dict[Hashable, list[Hashable]] = {}
    for entry_id, group, counted, _value in entries:
        if counted and group in group_values:
            members.setdefault(group, []).append(("e", entry_id))
    sums += [cells + [("g", group)] for group, cells in members.items()]
    hidden = suppress(values, list(values), sums)
    return ({key[1] for key in hidden if key[0] == "g"}, ("t",) in hidden,
            {key[1] for key in hidden if key[0] == "e"})


def suppress_rows(rows: list[dict], totals: dict, columns: Iterable[str]) -> None:
    """Replace hidden cells of ``columns`` in API-style rows and totals by the ``<5`` mark, in place."""
    for column in columns:
        values = {index: int(row[column]) for index, row in enumerate(rows)}
        hidden_rows, total_hidden, _ = suppress_column(values, int(totals[column]))
        for index in hidden_rows:
            rows[index][column] = str(marker())
        if total_hidden:
            totals[column] = str(marker())
