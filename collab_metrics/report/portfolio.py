"""One overview across collaborations (`collab portfolio`): how each has gone, from its report.

Each collaboration is read from its latest report (`outputs/<collaboration>/latest`:
status.json and manifest.json), or assessed afresh from the store (`fresh`). A
collaboration without a report is listed as such, with the command that makes one. The
same actor is recognised across framework files by its `org_id` (organisationsnummer) or,
for municipalities and regions, by its area code; two files that describe one actor
differently are bad input naming both files. The view model built here is rendered by
`templates/portfolio.html.j2` and written as HTML, PDF and Excel by `portfolio_out`.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from collab_metrics.analysis import resources, warnings
from collab_metrics.analysis.answers import imported, merge
from collab_metrics.analysis.codes import STATUSES
from collab_metrics.analysis.resources import resource_table
from collab_metrics.errors import InputError
from collab_metrics.model.framework import Actor, Framework
from collab_metrics.model.resources import Contribution
from collab_metrics.report import early_warning, history, status_table
from collab_metrics.report.markup import STATUS_ICONS
from collab_metrics.report.wording import quote
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import ACTION_STATUS, CHANCE, STATUS, Language


class IdentityConflict(InputError):
    """Two framework files describe one actor differently (org_id against area code)."""


@dataclass(frozen=True)
class Source:
    """One collaboration as the overview reads it: framework and report (if any)."""

    params: Path
    fw: Framework
    status: dict[str, Any] | None  # the report's status.json (or a fresh assessment's)
    made: date | None  # when the report was made (today when fresh)
    previous_made: date | None  # when the report it compared with was made
    fresh: bool = False
    contributions: tuple[Contribution, ...] = ()  # brought by the actors' workbooks


@dataclass(frozen=True)
class GoalLine:
    """An actor's goal in the actor view: numbers for Excel, words for HTML."""

    collaboration: str
    title: str
    status: str  # code
    status_words: str
    latest_value: float | None
    latest_year: int | None
    target_value: float | None
    target_year: int | None
    unit: str
    shown_latest: str
    shown_target: str


@dataclass(frozen=True)
class CollaborationView:
    """One collaboration of the overview."""

    id: str
    name: str
    owner: str
    period: str
    last_report: str
    no_report: str | None  # the hint, when there is no report
    counts: dict[str, int]  # shared goals (total) per status code
    count_words: tuple[tuple[str, str, str], ...]  # (code, icon, "Status: 2 mål")
    missed: tuple[str, ...]
    at_risk: tuple[str, ...]
    overdue: tuple[str, ...]
    silent: tuple[str, ...]
    silent_heading: str
    freshness: tuple[str, ...]
    warning: early_warning.WarningBox | None


@dataclass(frozen=True)
class ActorPart:
    """The actor's view of one collaboration: its own goals, actions and cost share."""

    collaboration: str
    heading: str
    goals: tuple[GoalLine, ...]
    actions: tuple[str, ...]
    costs: str  # its share of the costs, or that the framework has none


@dataclass(frozen=True)
class PortfolioView:
    """The whole overview, in one language."""

    language: Language
    title: str
    lead: str
    collaborations: tuple[CollaborationView, ...]
    actor_heading: str | None
    actor_parts: tuple[ActorPart, ...]


def read_sources(
    params: list[Path],
    frameworks: list[Framework],
    out_dir: Path,
    *,
    fresh: bool = False,
    store: Path | None = None,
    today: date | None = None,
) -> list[Source]:
    """Each framework with its latest report, or assessed afresh from `store`."""
    today = today or date.today()
    found = []
    for path, fw in zip(params, frameworks, strict=True):
        if store is not None:  # the actors' answers imported from their workbooks
            fw = merge(fw, *imported(store, fw))
        home = out_dir / fw.collaboration.id
        entry = history.latest(home)
        previous_made = _made(entry.manifest) if entry is not None else None
        if fresh and store is not None:
            report = status_table.load_status(fw, store, None)
            previous = entry.directory / "status.json" if entry is not None else None
            document = json.loads(status_table.to_json(report))
            document["early_warning"] = early_warning.early_warning_json(
                fw, report.rows, store, previous, report.period, today
            )
            found.append(Source(path, fw, document, today, previous_made, fresh=True))
        elif entry is None or not (entry.directory / "status.json").is_file():
            found.append(Source(path, fw, None, None, None))
        else:
            document = json.loads((entry.directory / "status.json").read_text(encoding="utf-8"))
            earlier = entry.manifest.get("previous_report") or {}
            before = earlier.get("created_at")
            made_before = datetime.fromisoformat(before).date() if before else None
            found.append(Source(path, fw, document, _made(entry.manifest), made_before))
        if store is not None:
            brought = tuple(resources.imported(store, fw)[0])
            found[-1] = dataclasses.replace(found[-1], contributions=brought)
    return found


def _made(manifest: dict[str, Any]) -> date | None:
    created = manifest.get("created_at")
    return datetime.fromisoformat(created).date() if created else None


def identities(actor: Actor) -> set[tuple[str, str]]:
    """What recognises an actor across files: its org_id, and a municipality's or region's
    area code."""
    keys = set()
    if actor.org_id:
        keys.add(("org_id", actor.org_id))
    if actor.kind in ("municipality", "region") and actor.area:
        keys.add(("area", actor.area))
    return keys


def check_identities(params: list[Path], frameworks: list[Framework]) -> None:
    """Refuse two files that give one org_id two areas, or one area two org_ids."""
    by_org: dict[str, tuple[Path, Actor]] = {}
    by_area: dict[str, tuple[Path, Actor]] = {}
    for path, fw in zip(params, frameworks, strict=True):
        for actor in fw.actors:
            if actor.org_id:
                seen = by_org.setdefault(actor.org_id, (path, actor))
                if seen[1].area and actor.area and seen[1].area != actor.area:
                    _conflict(seen, (path, actor), f"org_id {actor.org_id} with area codes "
                              f"{seen[1].area} and {actor.area}")  # fmt: skip
            if actor.kind in ("municipality", "region") and actor.area:
                seen = by_area.setdefault(actor.area, (path, actor))
                if seen[1].org_id and actor.org_id and seen[1].org_id != actor.org_id:
                    _conflict(seen, (path, actor), f"area code {actor.area} with org_id "
                              f"{seen[1].org_id} and {actor.org_id}")  # fmt: skip


def _conflict(first: tuple[Path, Actor], second: tuple[Path, Actor], what: str) -> None:
    raise IdentityConflict(
        f"{first[0]} (actor {first[1].id}) and {second[0]} (actor {second[1].id}) describe "
        f"the same actor differently: {what}; correct one of the files"
    )


def find_actor(sources: list[Source], wanted: str) -> list[tuple[Source, Actor]]:
    """Every collaboration's actor that is `wanted` (an actor id, org_id or area code),
    recognised across files by org_id or area code."""
    keys: set[tuple[str, str]] = set()
    for source in sources:
        for actor in source.fw.actors:
            area = actor.area if actor.kind in ("municipality", "region") else None
            if wanted in (actor.id, actor.org_id, area):
                keys |= identities(actor) or {("id", f"{source.params}:{actor.id}")}
    found = []
    for source in sources:
        for actor in source.fw.actors:
            own = identities(actor) | {("id", f"{source.params}:{actor.id}")}
            if own & keys:
                found.append((source, actor))
                break
    return found


def portfolio_view(
    sources: list[Source],
    language: Language,
    *,
    actor: str | None = None,
    today: date | None = None,
) -> PortfolioView:
    """The overview's words and numbers; with `actor`, that actor's view across them."""
    today = today or date.today()
    shown = tuple(_collaboration(s, language) for s in sources)
    fresh = any(s.fresh for s in sources)
    lead = message(
        "portfolio.lead_fresh" if fresh else "portfolio.lead",
        language,
        count=len(sources),
        date=fmt.date(today, language),
    )
    if actor is None:
        return PortfolioView(language, message("portfolio.title", language), lead, shown, None, ())
    matches = find_actor(sources, actor)
    if not matches:
        raise InputError(f"no actor {actor!r} (id, org_id or area code) in any of the files")
    name = matches[0][1].name
    parts = tuple(_actor_part(s, a, language) for s, a in matches)
    wanted_ids = {s.fw.collaboration.id for s, _ in matches}
    return PortfolioView(
        language,
        message("portfolio.title_actor", language, actor=name),
        lead,
        tuple(c for c in shown if c.id in wanted_ids),
        message("portfolio.actor_heading", language, actor=name, count=len(matches)),
        parts,
    )


def console_lines(view: PortfolioView) -> list[str]:
    """One line per collaboration for the terminal: period, counts per status, warnings."""
    lines = []
    for c in view.collaborations:
        counts = ", ".join(f"{code} {n}" for code, n in c.counts.items()) or "–"
        warned = len(c.warning.entries) if c.warning else 0
        state = f"period {c.period}, {counts}; early warning {warned}"
        lines.append(f"{c.id}: " + ("no report yet" if c.no_report else state))
    return lines


def _rows(source: Source) -> list[dict[str, Any]]:
    return [] if source.status is None else list(source.status.get("rows", []))


def _collaboration(source: Source, language: Language) -> CollaborationView:
    fw = source.fw
    info = fw.collaboration
    if source.status is None:
        hint = message("portfolio.no_report", language, params=str(source.params))
        return CollaborationView(
            info.id, info.name, info.owner, "–", "–", hint, {}, (), (), (), (), (), "", (), None
        )
    rows = _rows(source)
    shared = {g.id for g in fw.shared_goals}
    totals = [r for r in rows if r["sex"] == "total"]
    counts = Counter(r["status"] or "cannot_assess" for r in totals if r["goal"] in shared)
    count_words = tuple(
        (
            code,
            STATUS_ICONS[code],
            f"{STATUS[language][code]}: "
            + message("portfolio.goal_count", language, count=counts[code]),
        )
        for code in STATUSES
        if counts.get(code)
    )
    threshold = fw.early_warning.chance_below
    missed = tuple(
        _goal_title(fw, r["goal"], language) for r in totals if r["status"] == "not_achieved"
    )
    at_risk = tuple(
        f"{_goal_title(fw, r['goal'], language)}: {CHANCE[language][r['chance']].lower()}"
        for r in totals
        if warnings.below(r.get("chance") or "", threshold)
    )
    found = source.status.get("early_warning") or {}
    reference = date.fromisoformat(found.get("reference_date") or date.today().isoformat())
    overdue = tuple(
        message(
            "portfolio.overdue_line",
            language,
            action=quote(a.description, language),
            actor=fw.actor(a.actor).name,
            due=fmt.date(a.due, language),
        )
        for a in fw.actions
        if a.due is not None and a.due < reference and a.status not in ("done", "removed")
    )
    period = str(source.status.get("period") or "")
    answered = {
        a.actor for a in fw.assessments if a.period == period and a.judgement != "not_assessed"
    }
    silent = tuple(
        fw.actor(actor_id).name
        for actor_id in dict.fromkeys(g.actor for g in fw.actor_goals)
        if actor_id not in answered
    )
    made = source.made
    last = fmt.date(made, language) if made else "–"
    if source.fresh and made:
        last = message("portfolio.fresh_assessment", language, date=last)
    return CollaborationView(
        info.id,
        info.name,
        info.owner,
        period or "–",
        last,
        None,
        dict(counts),
        count_words,
        missed,
        at_risk,
        overdue,
        silent,
        message("portfolio.silent", language, period=period or "–"),
        _freshness(fw, source.status, language),
        _warning_box(source, found, language),
    )


def _goal_title(fw: Framework, goal_id: str, language: Language) -> str:
    goal = fw.goal(goal_id)
    owner = getattr(goal, "actor", None)
    title = quote(goal.title, language)
    return f"{title} ({fw.actor(owner).name})" if owner else title


def _freshness(fw: Framework, status: dict[str, Any], language: Language) -> tuple[str, ...]:
    """Per source: live or snapshot, when retrieved, and the newest period in the goals."""
    kinds = {i.id: i.source for i in fw.indicators}
    newest: dict[str, int] = {}
    for r in status.get("rows", []):
        if r.get("latest_year") is not None:
            kind = kinds.get(r["indicator"], "")
            newest[kind] = max(newest.get(kind, 0), int(r["latest_year"]))
    lines = []
    for source, info in (status.get("data") or {}).get("sources", {}).items():
        if not info.get("observations"):
            continue
        kind = "kolada" if source == "ddf" else source
        lines.append(
            message(
                "portfolio.freshness_line",
                language,
                source=status_table.source_words(source, language),
                retrieved=fmt.date(date.fromisoformat(info["last_fetch_at"][:10]), language),
                newest=newest.get(kind, "–"),
            )
        )
    return tuple(lines)


def _warning_box(
    source: Source, found: dict[str, Any], language: Language
) -> early_warning.WarningBox | None:
    """The report's early warning (status.json's codes) in words."""
    if not found:
        return None
    entries = [
        warnings.WarningEntry(
            **(e | {"due": date.fromisoformat(e["due"]) if e.get("due") else None})
        )
        for e in found.get("entries", [])
    ]
    result = warnings.EarlyWarning(
        found.get("previous_period"),
        date.fromisoformat(found["reference_date"]),
        found.get("chance_below", "unclear"),
        entries,
    )
    return early_warning.box(source.fw, result, language, source.previous_made)


def _actor_part(source: Source, actor: Actor, language: Language) -> ActorPart:
    """The actor's own goals (status from the report), actions and share of the costs."""
    fw = source.fw
    rows = {(r["goal"], r["sex"]): r for r in _rows(source)}
    goals = []
    for goal in fw.actor_goals:
        if goal.actor != actor.id:
            continue
        unit = fw.indicator(goal.indicator).unit
        r = rows.get((goal.id, "total"), {})
        code = r.get("status") or "cannot_assess"
        goals.append(
            GoalLine(
                fw.collaboration.name,
                goal.title,
                code,
                f"{STATUS_ICONS[code]} {STATUS[language][code]}",
                r.get("latest_value"),
                r.get("latest_year"),
                r.get("target_value"),
                r.get("target_year"),
                unit,
                fmt.value_with_unit(r.get("latest_value"), unit, language),
                fmt.value_with_unit(r.get("target_value"), unit, language),
            )
        )
    actions = tuple(
        f"{a.description} ({ACTION_STATUS[language][a.status].lower()}"
        + (f", {fmt.date(a.due, language)})" if a.due else ")")
        for a in fw.actions
        if a.actor == actor.id
    )
    heading = message(
        "portfolio.actor_as", language, name=actor.name, collaboration=fw.collaboration.name
    )
    return ActorPart(
        fw.collaboration.name,
        heading,
        tuple(goals),
        actions,
        cost_share(fw, actor, source.contributions, language),
    )


def cost_share(
    fw: Framework, actor: Actor, contributions: Sequence[Contribution], language: Language
) -> str:
    """The actor's part of the costs in the latest year the framework has a split or a
    contribution for: the agreed share and amount beside what it put in (workbook answers
    replace the file's), as `resource_table` computes them."""
    table = resource_table(fw, contributions)
    own = table[table["actor"] == actor.id]
    if own.empty:
        return message("portfolio.actor_no_costs", language)
    row = own.iloc[-1]
    missing = message("portfolio.actor_costs_missing", language)

    def amount(value: float) -> str:
        return missing if fmt.missing(value) else fmt.value_with_unit(value, "kr", language)

    staff = (
        missing
        if fmt.missing(row["staff_fte"])
        else message(
            "portfolio.actor_costs_staff", language, fte=fmt.number(row["staff_fte"], language)
        )
    )
    return message(
        "portfolio.actor_costs",
        language,
        year=int(row["year"]),
        share=missing
        if fmt.missing(row["agreed_share"])
        else fmt.percent(row["agreed_share"], language),
        agreed=amount(row["agreed_amount"]),
        money=amount(row["money"]),
        staff=staff,
    )
