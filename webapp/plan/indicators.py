"""The national strategy's figures a commune measures once a year (Resolution 28/NQ-CP, 2021–2030).

Inputs are counts the commune officer types in (``StrategyFigure`` rows); indicators are computed
from them. Violence figures are counts for the whole commune and year only, and are marked
``sensitive``: a value below the privacy threshold is shown as "<5" everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from webapp.extensions import db
from webapp.page_memo import memoized
from webapp.plan.models import StrategyFigure


@dataclass(frozen=True)
class FigureInput:
    """A yearly number the officer enters."""

    code: str
    label: Any
    sensitive: bool = False


@dataclass(frozen=True)
class Indicator:
    """A strategy indicator computed from inputs; ``unit`` is ``count``, ``percent`` or ``ratio``."""

    code: str
    label: Any
    unit: str
    inputs: tuple[str, ...]
    compute: Callable[[dict[str, float]], float | None]
    comparison: str = ">="
    national_target: Any = ""

    def sensitive(self) -> bool:
        """Whether it is computed from a violence count."""
        return any(INPUTS[code].sensitive for code in self.inputs)


def _share(part: str, whole: str, scale: float = 100.0) -> Callable[[dict[str, float]], float | None]:
    """``part / whole × scale``, or None when either is missing or the whole is zero."""
    def compute(values: dict[str, float]) -> float | None:
        """The share, or None."""
        if values.get(part) is None or not values.get(whole):
            return None
        return values[part] * scale / values[whole]
    return compute


INPUTS: dict[str, FigureInput] = {f.code: f for f in (
    FigureInput("key_leaders_total", _l("Key leaders of the commune (persons)")),
    FigureInput("key_leaders_women", _l("Of whom women")),
    FigureInput("births_male", _l("Births in the year: boys")),
    FigureInput("births_female", _l("Births in the year: girls")),
    FigureInput("residents_total", _l("Residents to be reached (persons)")),
    FigureInput("residents_reached", _l("Residents reached with basic gender-equality knowledge")),
    FigureInput("village_rules_total", _l("Village rules and conventions")),
    FigureInput("village_rules_reviewed", _l("Village rules reviewed for gender equality")),
    FigureInput("village_rules_compliant", _l("Village rules free of gender discrimination")),
    FigureInput("violence_cases", _l("Cases of domestic or gender-based violence detected"), sensitive=True),
    FigureInput("violence_victims", _l("Victims of domestic or gender-based violence"), sensitive=True),
    FigureInput("victims_supported", _l("Victims reached with at least one basic support service"),
                sensitive=True),
)}

INDICATORS: dict[str, Indicator] = {i.code: i for i in (
    Indicator("women_key_leaders", _l("Women among the commune's key leaders"), "count",
              ("key_leaders_women",), lambda v: v.get("key_leaders_women"), ">=", _l("at least 1")),
    Indicator("sex_ratio_at_birth", _l("Sex ratio at birth (boys per 100 girls)"), "ratio",
              ("births_male", "births_female"), _share("births_male", "births_female"), "<=",
              _l("≤ 111 by 2025, ≤ 109 by 2030")),
    Indicator("residents_reached_pct", _l("Residents reached with basic gender-equality knowledge (%)"),
              "percent", ("residents_reached", "residents_total"), _share("residents_reached", "residents_total"),
              ">=", _l("60% by 2025, 80% by 2030")),
    Indicator("village_rules_compliant_pct", _l("Village rules free of gender discrimination (%)"), "percent",
              ("village_rules_compliant", "village_rules_total"),
              _share("village_rules_compliant", "village_rules_total"), ">=", _l("95%")),
    Indicator("victims_supported_pct", _l("Victims reached with at least one support service (%)"), "percent",
              ("victims_supported", "violence_victims"), _share("victims_supported", "violence_victims"), ">=",
              _l("80% by 2025, 90% by 2030")),
    Indicator("violence_cases", _l("Cases of domestic or gender-based violence detected"), "count",
              ("violence_cases",), lambda v: v.get("violence_cases"), "<=", ""),
)}


@memoized
def figures(unit_id: int, year: int) -> dict[str, float]:
    """The entered inputs of a commune for a year, by code."""
    rows = db.session.execute(sa.select(StrategyFigure.code, StrategyFigure.value).where(
        StrategyFigure.unit_id == unit_id, StrategyFigure.year == year))
    return {code: value for code, value in rows}


def figures_summed(unit_ids: list[int], year: int) -> dict[str, float]:
    """Inputs summed over several communes (a province's view); indicators are then recomputed."""
    rows = db.session.execute(sa.select(StrategyFigure.code, sa.func.sum(StrategyFigure.value)).where(
        StrategyFigure.unit_id.in_(unit_ids), StrategyFigure.year == year).group_by(StrategyFigure.code))
    return {code: float(value) for code, value in rows}


def save_figures(unit_id: int, year: int, values: dict[str, float | None]) -> None:
    """Store the inputs of a year (None deletes a figure); the caller commits."""
    existing = {row.code: row for row in db.session.scalars(sa.select(StrategyFigure).where(
        StrategyFigure.unit_id == unit_id, StrategyFigure.year == year))}
    for code, value in values.items():
        if code not in INPUTS:
            continue
        row = existing.get(code)
        if value is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(StrategyFigure(unit_id=unit_id, year=year, code=code, value=value))
        else:
            row.value = value


def compute(indicator: Indicator, values: dict[str, float]) -> float | None:
    """The indicator's value from the inputs, or None when an input is missing."""
    if any(values.get(code) is None for code in indicator.inputs):
        return None
    return indicator.compute(values)
