"""The attacker's arithmetic: published cells as linear equations over the entries' values, solved
exactly (modulo a large prime, which agrees with the rationals for these small integer systems with
overwhelming probability) to find every set of sensitive values the cells pin down."""
from __future__ import annotations

from itertools import combinations

PRIME = (1 << 61) - 1
BASE_MEASURES = ("entries", "participants_male", "participants_female")
SENSITIVE_FIELDS = ("recipients_male", "recipients_female", "recipients_children")


def coefficients(entries, measure: str) -> dict[tuple, int]:
    """The variables a published measure sums, for ``entries`` (1 each): ``participants_total`` is
    men plus women; a kind column ``support.x`` is the field ``x``."""
    if measure == "participants_total":
        names = ("participants_male", "participants_female")
    else:
        names = (measure.partition(".")[2] or measure,)
    return {(entry["id"], name): 1 for entry in entries for name in names}


def true_value(entries, measure: str) -> int:
    """What the cell must read if the server sums ``entries`` as documented."""
    return sum(entry["values"][name] for entry in entries for (_id, name) in coefficients([entry], measure))


class System:
    """Every published equation, reduced to row echelon form over GF(PRIME), non-sensitive first."""

    def __init__(self, sensitive: set[tuple]):
        """``sensitive``: the variables the attacker must not pin down below the threshold."""
        self.sensitive = sensitive
        self.rows: list[dict] = []
        self.equations = 0

    def _order(self, variable) -> tuple:
        """Pivot order: non-sensitive variables first, so what is left after them is sensitive only."""
        return (variable in self.sensitive, variable)

    def _reduce(self, vector: dict) -> dict:
        """``vector`` minus its projection on the rows (zero when it lies in their span)."""
        vector = {k: v % PRIME for k, v in vector.items() if v % PRIME}
        for pivot, row in self.rows:
            factor = vector.get(pivot)
            if factor:
                for key, value in row.items():
                    updated = (vector.get(key, 0) - factor * value) % PRIME
                    if updated:
                        vector[key] = updated
                    else:
                        vector.pop(key, None)
        return vector

    def add(self, vector: dict) -> None:
        """One published cell's equation (its left side; the value is checked elsewhere)."""
        self.equations += 1
        reduced = self._reduce(vector)
        if not reduced:
            return
        pivot = min(reduced, key=self._order)
        inverse = pow(reduced[pivot], PRIME - 2, PRIME)
        row = {key: value * inverse % PRIME for key, value in reduced.items()}
        for index, (other_pivot, other) in enumerate(self.rows):
            factor = other.get(pivot)
            if factor:
                for key, value in row.items():
                    updated = (other.get(key, 0) - factor * value) % PRIME
                    if updated:
                        other[key] = updated
                    else:
                        other.pop(key, None)
        self.rows.append((pivot, row))
        self.rows.sort(key=lambda item: self._order(item[0]))

    def in_span(self, vector: dict) -> bool:
        """Whether the published cells determine this combination exactly."""
        return not self._reduce(vector)

    def sensitive_rows(self) -> list[dict]:
        """Rows whose pivot is sensitive: they span every derivable combination of sensitive values."""
        return [row for pivot, row in self.rows if pivot in self.sensitive
                and all(key in self.sensitive for key in row)]


def small_sets(system: System, entries: list[dict], threshold: int = 5, max_atoms: int = 14):
    """Sets of sensitive entries whose count, men, women, people or recipients the equations pin down
    exactly while the true value is between 1 and ``threshold - 1``. Entries the rows cannot tell
    apart are grouped first (a derivable 0/1 combination is constant on such groups)."""
    rows = system.sensitive_rows()
    found = []
    measures = ("entries", "participants_male", "participants_female", "participants_total",
                *(f"support.{name}" for name in SENSITIVE_FIELDS))
    for measure in measures:
        signature: dict[tuple, list[dict]] = {}
        for entry in entries:
            variables = coefficients([entry], measure)
            key = tuple(tuple(row.get(variable, 0) for variable in variables) for row in rows)
            signature.setdefault(key, []).append(entry)
        atoms = list(signature.values())
        assert len(atoms) <= max_atoms, f"{len(atoms)} groups of entries: the check would be too slow"
        for size in range(1, len(atoms) + 1):
            for chosen in combinations(atoms, size):
                members = [entry for atom in chosen for entry in atom]
                value = true_value(members, measure)
                if 0 < value < threshold and system.in_span(coefficients(members, measure)):
                    found.append((measure, sorted(entry["id"] for entry in members), value))
    return found
