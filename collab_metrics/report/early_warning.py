"""The early-warning box at the top of the summary: what got worse since the last report.

The analysis (`analysis/warnings.py`) finds the entries as codes and numbers; this module
puts each into a sentence that names the comparison it rests on (the two values, the two
periods, the previous report's date) with the words of `text/messages/warnings.yaml`. The
box is rendered inside the summary part (`parts/summary.html.j2`); status.json gets the
codes (`early_warning_json`).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import pandas as pd

from collab_metrics.analysis import warnings
from collab_metrics.analysis.answers import imported, merge
from collab_metrics.model.framework import ActorGoal, Framework
from collab_metrics.report.context import ReportContext
from collab_metrics.report.markup import STATUS_ICONS
from collab_metrics.report.wording import quote
from collab_metrics.store import Store
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import ACTION_STATUS, CHANCE, SEX, STATUS, Language

# Entries the box lists (the Blekinge demo has 16); the rest are counted by kind. A national
# collaboration's first report has hundreds (a missed target per municipality, and so on).
SHOWN: Final = 20


@dataclass(frozen=True)
class WarningBox:
    """The box's view model: heading, the sentence saying what it compares, the entries
    (all of them, the shared goals' first; the box lists `shown` and says `more`)."""

    heading: str
    lead: str
    entries: tuple[str, ...]
    note: str
    codes: tuple[str, ...]  # one per entry, for a style sheet and for tests
    more: str = ""  # the entries not listed, counted by kind, or ""

    @property
    def shown(self) -> tuple[str, ...]:
        """The entries the box lists."""
        return self.entries[:SHOWN]


def of_context(ctx: ReportContext) -> warnings.EarlyWarning:
    """The early warning of a report context (its previous report's status.json)."""
    return warnings.early_warning(
        ctx.fw,
        ctx.result,
        ctx.previous,
        ctx.observations,
        period=ctx.period,
        reference=ctx.reference_date,
    )


def warning_box(ctx: ReportContext) -> WarningBox:
    """The box: "Tidig varning", what it compares with, one sentence per entry."""
    found = of_context(ctx)
    return box(ctx.fw, found, ctx.language, ctx.previous_date)


def box(
    fw: Framework, found: warnings.EarlyWarning, language: Language, made: date | None
) -> WarningBox:
    """The view model of an early warning, in `language` (the portfolio uses it too)."""
    period = found.previous_period or ""
    order = {code: i for i, code in enumerate(warnings.CODES)}
    # Within a kind, the shared goals' entries before the actors' own (a stable sort).
    ranked = sorted(
        found.entries,
        key=lambda w: (order[w.code], not w.goal or isinstance(fw.goal(w.goal), ActorGoal)),
    )
    entries = tuple(sentence(fw, w, found.reference_date, language) for w in ranked)
    if found.previous_period is None and made is None:
        lead = message("warnings.no_previous", language)
        if entries:
            lead += " " + message("warnings.no_previous_entries", language)
        else:
            lead += " " + message("warnings.no_previous_nothing", language)
    elif made is not None:
        key = "compared_with_report" if entries else "nothing_worse_report"
        lead = message(f"warnings.{key}", language, date=fmt.date(made, language), period=period)
    else:
        key = "compared_with_previous" if entries else "nothing_worse_previous"
        lead = message(f"warnings.{key}", language, period=period)
    return WarningBox(
        message("warnings.title", language),
        lead,
        entries,
        message("warnings.noise_rule", language),
        tuple(w.code for w in ranked),
        _more(ranked[SHOWN:], language),
    )


def _more(rest: list[warnings.WarningEntry], language: Language) -> str:
    """The entries the box does not list: how many of each kind, and where they all are."""
    if not rest:
        return ""
    counts = Counter(w.code for w in rest)
    kinds = ", ".join(
        message(f"warnings.kind_{code}", language, n=counts[code])
        for code in warnings.CODES
        if counts[code]
    )
    return message("warnings.more", language, n=len(rest), kinds=kinds)


def sentence(fw: Framework, w: warnings.WarningEntry, reference: date, language: Language) -> str:
    """One entry in words, naming the two values and periods it compares."""
    if w.code == "action_overdue":
        action = next(a for a in fw.actions if a.id == w.action)
        return message(
            "warnings.action_overdue",
            language,
            action=quote(action.description, language),
            actor=fw.actor(w.actor).name,
            due=fmt.date(w.due, language) if w.due else "–",
            now=ACTION_STATUS[language][w.now or "not_started"].lower(),
            reference=fmt.date(reference, language),
        )
    if w.code == "actor_silent":
        return message(
            "warnings.actor_silent",
            language,
            actor=fw.actor(w.actor).name,
            before_period=w.before_period,
            now_period=w.now_period,
        )
    goal = fw.goal(w.goal)
    unit = fw.indicator(goal.indicator).unit
    title = quote(goal.title, language)
    who = [fw.actor(goal.actor).name] if isinstance(goal, ActorGoal) else []
    if w.sex != "total":
        who.append(SEX[language][w.sex].lower())
    if who:
        title = message("warnings.who", language, title=title, who=", ".join(who))
    values = {
        "goal": title,
        "before_period": w.before_period or "–",
        "now_period": w.now_period or "–",
        "before_value": fmt.value_with_unit(w.before_value, unit, language),
        "now_value": fmt.value_with_unit(w.now_value, unit, language),
    }
    if w.code == "target_missed":
        before = _status_words(w.before, language) if w.before else None
        key = "target_missed" if before else "target_missed_alone"
        extra = {"before": before} if before else {}
        return message(f"warnings.{key}", language, target_year=w.target_year, **values, **extra)
    words = _status_words if w.code == "status_downgrade" else _chance_words
    return message(
        f"warnings.{w.code}",
        language,
        before=words(w.before, language),
        now=words(w.now, language),
        noise=_noise(w, unit, language),
        **values,
    )


def _status_words(code: str | None, language: Language) -> str:
    """A status as icon and words in running text (never colour alone)."""
    if not code or code not in STATUS_ICONS:
        return code or "–"
    return f"{STATUS_ICONS[code]} {STATUS[language][code].lower()}"


def _chance_words(code: str | None, language: Language) -> str:
    return CHANCE[language][code].lower() if code else "–"


def _noise(w: warnings.WarningEntry, unit: str, language: Language) -> str:
    """The change and whether it exceeds random variation (or that there is no estimate)."""
    change = w.change or 0.0
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    shown = (
        fmt.points(abs(change), language)
        if unit.strip() == "%"
        else fmt.value_with_unit(abs(change), unit, language)
    )
    if w.noise is None:
        return message("warnings.noise_unknown", language, change=sign + shown)
    margin = (
        fmt.points(abs(w.noise), language)
        if unit.strip() == "%"
        else fmt.value_with_unit(w.noise, unit, language)
    )
    return message("warnings.beyond_noise", language, change=sign + shown, noise=margin)


def early_warning_json(
    fw: Framework,
    rows: pd.DataFrame,
    store: Path,
    previous: Path | None,
    period: str | None,
    reference: date,
) -> dict[str, Any]:
    """What status.json records under `early_warning`: codes and the numbers compared."""
    document = None
    if previous is not None and previous.is_file():
        document = json.loads(previous.read_text(encoding="utf-8"))
    fw = merge(fw, *imported(store, fw))  # the actors' answers from their workbooks too
    series = sorted({fw.series_id(i.id) for i in fw.indicators})
    with Store.open(store, read_only=True) as opened:
        observations = opened.current(indicators=series)
    found = warnings.early_warning(
        fw, rows, document, observations, period=period, reference=reference
    )
    return found.as_dict()
