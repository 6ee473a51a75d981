"""Narrative paragraphs drafted from the figures, for the officer to edit before signing."""
from __future__ import annotations

from flask_babel import gettext as _

from webapp.i18n import format_number, format_vnd
from webapp.reports.exports.amount_words import amount_words
from webapp.reports.totals.progress import TargetResult
from webapp.reports.totals.tables import Table, share
from webapp.units.models import Unit


def pct(part: int, whole: int) -> str:
    """``68,2%`` (or ``0%``)."""
    value = share(part, whole)
    return (f"{value:.1f}".replace(".", ",") if value is not None else "0") + "%"


def lower_first(text: str) -> str:
    """``Xã Thanh Xá`` → ``xã Thanh Xá``."""
    return text[:1].lower() + text[1:] if text else text


def direction(plan, scope_label: str, units_active: int, units_total: int) -> list[str]:
    """Section I: the plan that directed the work, and how many units took part."""
    paragraphs = []
    basis = [line.strip() for line in (plan.basis if plan else "").splitlines() if line.strip()]
    if basis:
        paragraphs.append(_("Pursuant to %(basis)s.", basis="; ".join(basis)))
    if plan is not None and (plan.document or plan.title):
        paragraphs.append(_("The People's Committee issued %(document)s and directed the departments, "
                            "unions and units to carry it out according to their functions.",
                            document=plan.document or plan.title))
    else:
        paragraphs.append(_("The People's Committee directed the departments, unions and units to carry out "
                            "the year's plan for gender equality and the advancement of women."))
    paragraphs.append(_("In the period, %(active)s of %(total)s units logged activities of the plan (%(scope)s).",
                        active=units_active, total=units_total, scope=scope_label))
    return paragraphs


def results_intro(summary: Table) -> str:
    """Section II's opening sentence: everything in one line."""
    total = summary.total
    return _("In the period, %(entries)s activities were held with %(people)s participants, of whom %(women)s "
             "women (%(share)s); the cost was %(cost)s.",
             entries=format_number(total["entries"]), people=format_number(total["participants_total"]),
             women=format_number(total["participants_female"]),
             share=pct(total["participants_female"], total["participants_total"]), cost=format_vnd(total["cost_vnd"]))


def kind_sentence(table: Table, kind_label: str) -> str:
    """One sentence for a kind's table."""
    total = table.total
    if not total["entries"]:
        return _("No %(kind)s was logged in the period.", kind=lower_first(kind_label))
    if not any(column.key == "participants_total" for column in table.columns):  # no counted audience
        return _("%(kind)s: %(entries)s activities.", kind=kind_label, entries=format_number(total["entries"]))
    return _("%(kind)s: %(entries)s activities, %(people)s participants, of whom %(women)s women (%(share)s).",
             kind=kind_label, entries=format_number(total["entries"]),
             people=format_number(total["participants_total"]), women=format_number(total["participants_female"]),
             share=pct(total["participants_female"], total["participants_total"]))


def assessment(results: list[TargetResult], summary: Table, idle_units: list[Unit]) -> list[str]:
    """Section III: what went well and what fell short."""
    met = [r for r in results if r.status == "met"]
    unmet = [r for r in results if r.status in ("near", "far")]
    total = summary.total
    paragraphs = [_("1. Strengths")]
    strengths = _("Activities reached %(people)s participants, %(share)s of them women.",
                  people=format_number(total["participants_total"]),
                  share=pct(total["participants_female"], total["participants_total"]))
    if results:
        strengths += " " + _("%(met)s of %(all)s targets of the plan were met.", met=len(met), all=len(results))
    paragraphs.append(strengths)
    paragraphs.append(_("2. Shortcomings and causes"))
    shortfalls = []
    if unmet:
        shortfalls.append(_("Targets not yet met: %(targets)s.", targets="; ".join(r.label for r in unmet)))
    if idle_units:
        shortfalls.append(_("Units that logged no activity in the period: %(units)s.",
                            units=", ".join(u.name for u in idle_units)))
    if not shortfalls:
        shortfalls.append(_("No significant shortcoming was recorded in the period."))
    paragraphs.extend(shortfalls)
    return paragraphs


def next_period(results: list[TargetResult], action_months: list[str]) -> list[str]:
    """Section IV: the tasks of the next period."""
    paragraphs = [_("Keep up outreach on the Gender Equality Law and the Law on Prevention and Control of "
                    "Domestic Violence in every village, in forms suited to each group of residents.")]
    unmet = [r.label for r in results if r.status in ("near", "far")]
    if unmet:
        paragraphs.append(_("Give priority to the targets not yet met: %(targets)s.", targets="; ".join(unmet)))
    if action_months:
        paragraphs.append(_("Plan and carry out the action months: %(months)s.", months="; ".join(action_months)))
    paragraphs.append(_("Log every activity in the app as it happens, with participants by sex, so that reports "
                        "are complete and on time."))
    return paragraphs


def recommendations() -> list[str]:
    """Section V: the usual requests to the level above."""
    return [_("Continue to support funding, outreach materials and training for the staff working on gender "
              "equality at the grassroots.")]


def funding_in_words(funding: Table) -> str:
    """The funding total in figures and in words, as the state's format writes an amount."""
    total = funding.total["cost_vnd"] if funding.total else 0
    return _("Total funding: %(amount)s VND (in words: %(words)s).", amount=format_number(total),
             words=amount_words(total))
