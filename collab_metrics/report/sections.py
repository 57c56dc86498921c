"""The content of the reports, as language-aware HTML fragments.

Each public function returns `Html` for one part of a report: the joint follow-up that the
steering group reads (title page, summary, one section per shared goal, discussion
questions, what changed, action plan, sources, method), one extract per actor and the
baseline analysis (nulägesanalys). A notebook cell only displays what a function returns,
so every word and number a reader sees is made here, where tests reach it.

Safety: markup is built with `_el`, which escapes every plain string (titles, names,
justifications and notes come from users' files) and inserts only `Html` as markup.
Accessibility: a status is always an icon AND words, headings go h1 (document) > h2
(section) > h3 (goal) > h4, tables have a caption and scoped header cells, and whatever a
style sheet may colour carries a semantic class (`status status-on_track`), never a colour.
"""

from __future__ import annotations

import html
import importlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, TypeAlias

import pandas as pd

from collab_metrics import charts
from collab_metrics import workbooks as collect
from collab_metrics.analysis import breaks, contributions
from collab_metrics.analysis.assess import (
    INTERVAL,
    PEAK_YEARS,
    SHORT_TERM,
    STATUSES,
    Z_95,
    assess,
    context_table,
)
from collab_metrics.analysis.contributions import Consistency, consistency
from collab_metrics.model import areas, periods
from collab_metrics.model.framework import (
    Action,
    ActorGoal,
    Assessment,
    Framework,
    KoladaIndicator,
    SharedGoal,
    load_framework,
)
from collab_metrics.sources import ddf
from collab_metrics.sources.pxweb import SCB_URL
from collab_metrics.store import Store
from collab_metrics.text import labels, reasons
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import (
    ACTION_STATUS,
    CONSISTENCY,
    DIRECTION,
    JUDGEMENT,
    SEX,
    STATUS,
    Language,
)

# A women/men difference is "large" when the higher value exceeds the lower by more than
# this share at the latest year; the report states the rule wherever it uses it.
LARGE_GAP: Final = 0.20
# What changed lists at most this many revised values; the rest are counted.
MAX_REVISIONS: Final = 20

# Shapes that stay distinct in black and white; U+FE0E asks for the text glyph, not an
# emoji, so ✔ and ✖ print as plain black marks.
STATUS_ICONS: Final = {
    "achieved": "✔\ufe0e",
    "achieved_late": "◑",
    "not_achieved": "✖\ufe0e",
    "met_within_noise": "≈",
    "on_track": "▲",
    "acceleration_needed": "◆",
    "limited_progress": "▼",
    "moving_away": "✖\ufe0e",
    "cannot_assess": "?",
    "": "○",
}
CONSISTENCY_ICONS: Final = {
    "sufficient": "✔\ufe0e",
    "insufficient": "✖\ufe0e",
    "cannot_assess": "?",
}

SOURCE_NAMES: Final = {
    "sv": {
        "kolada": "Kolada (RKA)",
        "ddf": "Kolada (RKA), offlineutdrag",
        "file": "aktörernas egna filer",
    },
    "en": {
        "kolada": "Kolada (RKA)",
        "ddf": "Kolada (RKA), offline snapshot",
        "file": "the actors' own files",
    },
}


# Where a Kolada description names its source ("Källa: ...", sometimes without the colon).
_SOURCE_MARK: Final = re.compile(r"\s*\bKälla\b:?\s*")

# --- HTML building -------------------------------------------------------------------


class Html:
    """Markup that is safe to insert as is; a notebook's `display()` shows it as HTML."""

    __slots__ = ("markup",)

    def __init__(self, markup: str = "") -> None:
        self.markup = markup

    def __str__(self) -> str:
        return self.markup

    def _repr_html_(self) -> str:
        return self.markup


Content: TypeAlias = "Html | str | Sequence[Content] | None"


def _render(content: Content) -> str:
    """Plain strings escaped, `Html` as is, sequences joined, None as nothing."""
    if content is None:
        return ""
    if isinstance(content, Html):
        return content.markup
    if isinstance(content, str):
        return html.escape(content)
    return "".join(_render(part) for part in content)


_VOID: Final = frozenset({"br", "img", "hr", "wbr"})


def _el(tag: str, *content: Content, cls: str | None = None, **attrs: str | None) -> Html:
    """One element; `aria_hidden="true"` becomes `aria-hidden="true"`, None drops it."""
    pairs = [("class", cls), *((key.replace("_", "-"), value) for key, value in attrs.items())]
    text = "".join(f' {key}="{html.escape(value)}"' for key, value in pairs if value is not None)
    if tag in _VOID:  # no end tag: a parser reads "</br>" as a second <br>
        return Html(f"<{tag}{text}>")
    return Html(f"<{tag}{text}>{_render(content)}</{tag}>")


def _join(*content: Content) -> Html:
    return Html(_render(content))


def _tr(
    header: Content,
    cells: Sequence[Content],
    *,
    cls: str | None = None,
    numeric: Iterable[int] = (),
    scope: str = "row",
) -> Html:
    """A body row: a row header, then cells; `numeric` cell indices get class "num"."""
    right = set(numeric)
    return _el(
        "tr",
        _el("th", header, scope=scope),
        [_el("td", cell, cls="num" if i in right else None) for i, cell in enumerate(cells)],
        cls=cls,
    )


def _table(
    caption: str, headers: Sequence[str], rows: Sequence[Html], cls: str, grouped: bool = False
) -> Html:
    """A table with a caption and column headers; `grouped` rows are whole <tbody> groups."""
    head = _el("thead", _el("tr", [_el("th", h, scope="col") for h in headers]))
    body = rows if grouped else _el("tbody", rows)
    return _el("table", _el("caption", caption), head, body, cls=cls)


def _table_or_note(
    caption: str, headers: Sequence[str], body: Sequence[Html], cls: str, empty: str
) -> Html:
    """The table, or when it has no rows, the sentence saying so."""
    return _table(caption, headers, body, cls=cls) if body else _el("p", empty)


def _labelled(name: str, detail: str) -> Content:
    """A row header of two lines: a name and, smaller, what it is about."""
    return [name, _el("br"), _el("span", detail, cls="detail")]


def _chart(chart: charts.Chart) -> Html:
    """A chart's figure: charts.Chart.html() escapes its alt text and caption itself."""
    return Html(chart.html())


def _iconed(icon: str, words: str, kind: str, code: str) -> Html:
    """Icon and words, never colour alone; the icon is hidden from screen readers."""
    return _el(
        "span",
        _el("span", icon, cls=f"{kind}-icon", aria_hidden="true"),
        " ",
        words,
        cls=f"{kind} {kind}-{code or 'none'}",
    )


def _status(code: str, language: Language) -> Html:
    """A status as icon and words."""
    return _iconed(STATUS_ICONS[code], STATUS[language][code], "status", code)


def _direction(code: str, language: Language) -> Html:
    return _el("span", DIRECTION[language][code], cls=f"direction direction-{code}")


def _verdict(verdict: str, language: Language) -> Html:
    return _iconed(
        CONSISTENCY_ICONS[verdict], CONSISTENCY[language][verdict], "consistency", verdict
    )


def _judgement(code: str, language: Language) -> Html:
    return _el("span", JUDGEMENT[language][code], cls=f"assessment assessment-{code}")


def _action_status(code: str, language: Language) -> Html:
    return _el("span", ACTION_STATUS[language][code], cls=f"action-status action-status-{code}")


# --- words and numbers ---------------------------------------------------------------


def _say(language: Language, sv: str, en: str) -> str:
    return sv if language == "sv" else en


def _missing(value: Any) -> bool:
    if value is None or isinstance(value, str):
        return value is None
    return bool(pd.isna(value))


def _date(value: date, language: Language) -> str:
    """25 november 2026 / 25 November 2026."""
    return f"{value.day} {labels.MONTHS[language][value.month - 1]} {value.year}"


def _period(period: str, language: Language) -> str:
    """ "2017" as is, "2024-09" as "september 2024"."""
    year, _, month = str(period).partition("-")
    return f"{labels.MONTHS[language][int(month) - 1]} {year}" if month else year


def _value(value: Any, unit: str, language: Language) -> str:
    """14,2 % / 26,9 dagar / 1 234 invånare; an en dash when missing."""
    if _missing(value):
        return "–"
    text = labels.number(float(value), language, 0 if abs(value) >= 1000 else 1)
    if unit.strip() == "%":
        return f"{text}\u00a0%" if language == "sv" else f"{text}%"
    return f"{text}\u00a0{unit}"


def _range(low: float, high: float, unit: str, language: Language) -> str:
    """22,3–25,4 dagar: the unit once, after the upper end."""
    decimals = 0 if abs(high) >= 1000 else 1
    return f"{labels.number(float(low), language, decimals)}–{_value(high, unit, language)}"


def _value_cell(value: Any, period: Any, unit: str, language: Language) -> Content:
    """A value with its period on a line of its own, to keep table columns narrow."""
    if _missing(value):
        return "–"
    if _missing(period):
        return _value(value, unit, language)
    shown = f"({_period(str(period), language)})"
    return [_value(value, unit, language), _el("br"), _el("span", shown, cls="period")]


def _value_at(value: Any, period: Any, unit: str, language: Language) -> str:
    """8,4 % (2017)."""
    if _missing(value):
        return "–"
    shown = _value(value, unit, language)
    return f"{shown} ({_period(str(period), language)})" if not _missing(period) else shown


def _rate(fraction: Any, language: Language) -> str:
    """A signed relative change: −12,2 %."""
    return labels.percent(None if _missing(fraction) else float(fraction), language)


def _share(fraction: Any, language: Language) -> str:
    """A share or probability without decimals: 87 %."""
    return labels.percent(None if _missing(fraction) else float(fraction), language, 0)


def _points(value: float, language: Language) -> str:
    """2,8 procentenheter (unsigned: the sentence says which way)."""
    number = labels.number(abs(value), language)
    return _say(language, f"{number} procentenheter", f"{number} percentage points")


def _quote(text: str, language: Language) -> str:
    return f"”{text}”" if language == "sv" else f"“{text}”"


def _area(code: str, language: Language, start: bool = False) -> str:
    """An area's name; riket in lower case inside a Swedish sentence."""
    name = _say(language, "riket", "Sweden") if code == areas.RIKET else areas.get(code).name
    return name[:1].upper() + name[1:] if start else name


def _listing(items: Sequence[str], language: Language) -> str:
    """a, b och c / a, b and c."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_say(language, 'och', 'and')} {items[-1]}"


def _sex_phrase(sex: str, language: Language) -> str:
    return {
        "total": _say(language, "för kvinnor och män tillsammans", "for women and men together"),
        "women": _say(language, "för kvinnor", "for women"),
        "men": _say(language, "för män", "for men"),
    }[sex]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """A title inside a sentence: "Ohälsotal" -> "ohälsotal", but "NEET-andel" as is."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


# --- the context every section reads -------------------------------------------------


@dataclass(eq=False)  # eq=False: DataFrame fields have no truth value
class ReportContext:
    """Everything the sections need: framework, data, assessment and what came before."""

    fw: Framework
    observations: pd.DataFrame  # Store.current() for the framework's series
    result: pd.DataFrame  # assess() rows
    consistency: dict[str, Consistency]  # shared goal id -> the total's consistency
    context: pd.DataFrame  # context_table()
    vintage: dict[str, Any]  # Store.vintage()
    as_of: int | None
    language: Language
    previous: dict[str, Any] | None  # the previous report's status.json, or None
    snapshot_dir: Path  # the offline Kolada snapshot, for KPI metadata
    revisions: pd.DataFrame  # Store.revisions() for the framework's series
    report_date: date = field(default_factory=date.today)
    period: str | None = None  # the follow-up period (collab_metrics.model.periods)
    previous_date: date | None = None  # when the previous report was made

    @property
    def year(self) -> int | None:
        """The follow-up year: the period's, else `as_of`, else the latest year with data."""
        if self.period is not None:
            return periods.year(self.period)
        if self.as_of is not None:
            return self.as_of
        latest = self.result["latest_year"].dropna()
        return int(latest.max()) if len(latest) else None


def load_context(
    params: str | Path,
    store: str | Path,
    as_of: int | None = None,
    language: Language | None = None,
    previous: str | Path | None = None,
    snapshot_dir: str | Path | None = None,
    period: str | None = None,
    known_before: str | None = None,
) -> ReportContext:
    """Read the framework and the store, assess every goal, and read the previous report.

    `previous` is the previous report's status.json (as `collab_metrics.report.status_table.to_json`
    writes it), best as an absolute path: notebooks run in their own folder. It is ignored
    when the file does not exist. `period` is the follow-up period (default: the latest the
    shared goals have data for, up to `as_of`); data beyond it does not enter the
    assessment. `language` defaults to the framework's, `snapshot_dir` to the offline
    Kolada snapshot's usual place. `known_before` (a day, YYYY-MM-DD) reads the data as the
    store held it before that day (`collab report --vintage`).
    The actors' answers imported from their workbooks (collab collect) are merged with the
    framework file's own: an imported assessment overrides the file's for the same goal,
    actor and period, an imported action the file's with the same id.
    """
    fw = load_framework(Path(params))
    fw = collect.merge(fw, *collect.imported(Path(store), fw))
    language = language or fw.collaboration.language
    series = sorted({fw.series_id(i.id) for i in fw.indicators})
    with Store.open(Path(store), read_only=True) as opened:
        observations = (
            opened.current(indicators=series)
            if known_before is None
            else opened.as_of(datetime.fromisoformat(known_before), indicators=series)
        )
        vintage = opened.vintage(series)
        revisions = opened.revisions()
    revisions = revisions[revisions["indicator"].isin(series)].reset_index(drop=True)
    period = period or periods.default(fw, observations, as_of)
    if period is not None:
        as_of = min(periods.year(period), as_of or periods.year(period))
    checks = {}
    for goal in fw.shared_goals:
        try:
            checks[goal.id] = reasons.consistency_in_words(
                consistency(fw, observations, goal.id, as_of=as_of), language
            )
        except ValueError:
            continue  # no population base to weigh with: the goal section says so
    previous_path = Path(previous) if previous else None
    document, previous_date = None, None
    if previous_path is not None and previous_path.is_file():
        document = json.loads(previous_path.read_text(encoding="utf-8"))
        previous_date = _report_date(previous_path.with_name("manifest.json"))
    return ReportContext(
        fw=fw,
        observations=observations,
        result=reasons.in_words(assess(fw, observations, as_of), language),
        consistency=checks,
        context=context_table(fw, observations, as_of),
        vintage=vintage,
        as_of=as_of,
        language=language,
        previous=document,
        snapshot_dir=Path(snapshot_dir) if snapshot_dir else ddf.default_snapshot_dir(),
        revisions=revisions,
        period=period,
        previous_date=previous_date,
    )


def _report_date(manifest: Path) -> date | None:
    """The day a report was made, from its manifest (None without one)."""
    if not manifest.is_file():
        return None
    created = json.loads(manifest.read_text(encoding="utf-8")).get("created_at")
    return datetime.fromisoformat(created).date() if created else None


def _row(ctx: ReportContext, goal_id: str, sex: str = "total") -> Any | None:
    """The assessed row of a goal and sex (a goal has one area), or None."""
    rows = ctx.result[(ctx.result["goal"] == goal_id) & (ctx.result["sex"] == sex)]
    return next(rows.itertuples(index=False), None)


def _sex_rows(ctx: ReportContext, goal_id: str) -> list[tuple[str, Any]]:
    """(sex, row) for the total, women and men that the goal was assessed for."""
    found = [(sex, _row(ctx, goal_id, sex)) for sex in ("total", "women", "men")]
    return [(sex, row) for sex, row in found if row is not None]


def _actor_goals(fw: Framework, shared_id: str) -> list[ActorGoal]:
    return [g for g in fw.actor_goals if g.contributes_to == shared_id]


def _unit(fw: Framework, goal: SharedGoal | ActorGoal) -> str:
    return fw.indicator(goal.indicator).unit


def _decreasing(fw: Framework, indicator_id: str) -> bool:
    return fw.indicator(indicator_id).direction == "decrease"


def _chance(row: Any, language: Language) -> str:
    """The probability of reaching the target, or why there is none."""
    if row.chance:
        return labels.CHANCE[language][row.chance]
    if bool(row.target_passed):
        return _say(language, "målåret har passerat", "target year passed")
    return "–"


def _is_false(flag: Any) -> bool:
    """A noise verdict that is False, not missing (numpy booleans are not `False`)."""
    return not _missing(flag) and not bool(flag)


# --- title page and summary ----------------------------------------------------------


def title_page(ctx: ReportContext) -> Html:
    """Collaboration, kind of report, follow-up year, date, owner, actors and data used."""
    fw, language = ctx.fw, ctx.language
    collaboration = fw.collaboration
    year = ctx.year
    named = _follow_up_period(ctx.period, language) if ctx.period else year
    period = (
        _say(
            language,
            f"Uppföljning {named}, med statistik till och med {year}",
            f"Follow-up {named}, with statistics up to {year}",
        )
        if year
        else _say(language, "Uppföljning, ännu utan statistik", "Follow-up, no statistics yet")
    )
    facts = [
        (_say(language, "Ansvarig för uppföljningen", "Follow-up owner"), collaboration.owner),
        (_say(language, "Område", "Area"), _area(collaboration.area, language, start=True)),
        (
            _say(language, "Aktörer", "Actors"),
            _el("ul", [_el("li", a.name) for a in fw.actors], cls="actors"),
        ),
        (_say(language, "Data", "Data"), _vintage_text(ctx)),
        (_say(language, "Målramverk", "Goal framework"), _framework_text(ctx)),
    ]
    return _el(
        "section",
        _el("p", _say(language, "Gemensam uppföljning", "Joint follow-up"), cls="kicker"),
        _el("h1", collaboration.name),
        _el("p", period, cls="report-period"),
        _el("p", _date(ctx.report_date, language), cls="report-date"),
        _el("p", collaboration.description, cls="description")
        if collaboration.description
        else None,
        _el("dl", [(_el("dt", term), _el("dd", value)) for term, value in facts], cls="facts"),
        cls="title-page",
    )


def _source_name(ctx: ReportContext, source: str) -> str:
    if source == "pxweb":
        return "SCB" if ctx.fw.pxweb_url == SCB_URL else f"PxWeb ({ctx.fw.pxweb_url})"
    return SOURCE_NAMES[ctx.language].get(source, source)


def _vintage_text(ctx: ReportContext) -> str:
    """Which sources the report's data comes from and when each was last retrieved."""
    language = ctx.language
    parts = []
    for source, info in ctx.vintage.get("sources", {}).items():
        if not info.get("observations"):
            continue
        when = _date(datetime.fromisoformat(info["last_fetch_at"]).date(), language)
        name = _source_name(ctx, source)
        parts.append(_say(language, f"{name}, hämtat {when}", f"{name}, retrieved {when}"))
    if not parts:
        return _say(language, "inga data hämtade ännu", "no data retrieved yet")
    return "; ".join(parts)


def _framework_text(ctx: ReportContext) -> str:
    name = ctx.fw.path.name if ctx.fw.path else ctx.fw.collaboration.id
    return f"{name}, version {ctx.fw.sha256[:12]}"


def summary(ctx: ReportContext) -> Html:
    """One page: how many goals per status, and one table of every shared goal."""
    fw, language = ctx.fw, ctx.language
    goals = fw.shared_goals
    counts = Counter(
        row.status if row is not None else "cannot_assess"
        for row in (_row(ctx, g.id) for g in goals)
    )
    count_items = [
        _el("li", _status(code, language), f": {count} " + _goals_word(count, language))
        for code in (*STATUSES, "")
        if (count := counts.get(code, 0))
    ]
    lead = _say(
        language,
        f"Samverkan har {len(goals)} {'gemensamt' if len(goals) == 1 else 'gemensamma'} mål. "
        f"Så här ligger de till {ctx.year}, för kvinnor och män tillsammans:",
        f"The collaboration has {len(goals)} shared {_goals_word(len(goals), 'en')}. "
        f"This is where they stand in {ctx.year}, for women and men together:",
    )
    headers = [
        _say(language, "Mål", "Goal"),
        _say(language, "Status", "Status"),
        _say(language, "Senaste värde", "Latest value"),
        _say(language, "Målvärde", "Target"),
        _say(language, "Riktning", "Direction"),
        _say(language, "Chans", "Chance"),
    ]
    groups = []
    for goal in goals:
        unit = _unit(fw, goal)
        rows = []
        for sex, row in _sex_rows(ctx, goal.id):
            cells = [
                _status(row.status, language),
                _value_cell(row.latest_value, row.latest_period, unit, language),
                _value_cell(row.target_value, row.target_year, unit, language),
                [
                    _direction(row.direction_long, language),
                    _el("br"),
                    _direction(row.direction_short, language),
                ],
                _chance(row, language),
            ]
            if sex == "total":
                # The goal's header names the whole group (total, women, men) for a screen
                # reader; the sparkline sits under the title to spare a column.
                spark = charts.sparkline(fw, ctx.observations, goal.id, ctx.result, language)
                header = [
                    _el("a", goal.title, href=f"#goal-{goal.id}"),
                    _el("div", _chart(spark), cls="sparkline"),
                ]
                rows.append(_tr(header, cells, cls="goal-row", numeric=(1, 2), scope="rowgroup"))
            else:
                rows.append(_tr(SEX[language][sex], cells, cls="sex-row", numeric=(1, 2)))
        groups.append(_el("tbody", rows))
    caption = _say(
        language,
        f"De gemensamma målen {ctx.year}: totalt och för kvinnor och män",
        f"The shared goals in {ctx.year}: total and for women and men",
    )
    note = _say(
        language,
        "Status jämför takten hittills med den takt målet kräver. Riktningen säger om "
        "värdet blir bättre eller sämre: överst på lång sikt, sedan utgångsåret, och under på "
        f"kort sikt, de senaste {SHORT_TERM} åren. Chansen att nå målet enligt "
        "prognosen anges i ord (troligt, oklart, osannolikt); ”–” betyder att det inte finns "
        "någon prognos. Metoderna förklaras i metodbilagan.",
        "Status compares the pace so far with the pace the target needs. Direction says "
        "whether the value gets better or worse: on top long term, since the baseline year, "
        f"and below short term, over the last {SHORT_TERM} years. The chance of "
        "reaching the target by the forecast is given in words (likely, unclear, unlikely); "
        "“–” means there is no forecast. The method appendix explains the methods.",
    )
    verdicts = [_el("p", line, cls="verdict") for line in _verdict_lines(ctx)]
    return _el(
        "section",
        _el("h2", _say(language, "Sammanfattning", "Summary"), id="summary"),
        _el("p", lead),
        _el("ul", count_items, cls="counts"),
        verdicts,
        _table(caption, headers, groups, cls="summary-table", grouped=True),
        _el("p", note, cls="note"),
        cls="summary",
    )


def _verdict_lines(ctx: ReportContext) -> list[str]:
    """For each shared goal whose target year has data: was it reached by then, or later?"""
    language, lines = ctx.language, []
    for goal in ctx.fw.shared_goals:
        row = _row(ctx, goal.id)
        if row is None or not bool(row.target_passed) or row.status == "cannot_assess":
            continue
        title, year = _quote(goal.title, language), int(row.target_year)
        pace = (
            _say(
                language,
                f" (takten fram till dess var {_share(row.ratio, language)} av den som behövdes)",
                f" (the pace until then was {_share(row.ratio, language)} of what was needed)",
            )
            if not _missing(row.ratio) and math.isfinite(row.ratio)
            else ""
        )
        if row.status == "achieved":
            lines.append(
                _say(
                    language,
                    f"{title} nåddes till målåret {year}.",
                    f"{title} was reached by the target year {year}.",
                )
            )
        elif row.status == "achieved_late":
            late = int(row.achieved_year)
            lines.append(
                _say(
                    language,
                    f"{title} nåddes inte till målåret {year}{pace}; målvärdet nåddes först "
                    f"{late}.",
                    f"{title} was not reached by the target year {year}{pace}; the target "
                    f"value was first reached in {late}.",
                )
            )
        elif row.status == "met_within_noise":
            lines.append(
                _say(
                    language,
                    f"{title}: målvärdet nåddes {year}, men marginalen ryms inom "
                    "slumpvariationen, så det går inte att säga att målet nåddes.",
                    f"{title}: the target value was reached in {year}, but by a margin within "
                    "random variation, so one cannot say the target was reached.",
                )
            )
        else:
            lines.append(
                _say(
                    language,
                    f"{title} nåddes inte till målåret {year}{pace} och har inte nåtts senare.",
                    f"{title} was not reached by the target year {year}{pace} and has not been "
                    "reached since.",
                )
            )
    return lines


def _goals_word(count: int, language: Language) -> str:
    return "mål" if language == "sv" else ("goal" if count == 1 else "goals")


# --- one section per shared goal -----------------------------------------------------


def goals_heading(ctx: ReportContext) -> Html:
    """The h2 that opens the goal sections (each goal is an h3 below it)."""
    language = ctx.language
    return _el(
        "section",
        _el("h2", _say(language, "Målen ett och ett", "The goals one by one"), id="goals"),
        _el(
            "p",
            _say(
                language,
                "För varje gemensamt mål: kurvan och status, jämförelsen med riket, kvinnor och "
                "män, prognosen, aktörernas egna mål och om de räcker, aktörernas egna "
                "bedömningar och handlingsplanen.",
                "For each shared goal: the curve and status, the comparison with Sweden, women "
                "and men, the forecast, the actors' own goals and whether they add up, the "
                "actors' own assessments and the action plan.",
            ),
        ),
        cls="goals-intro",
    )


def goal_section(ctx: ReportContext, goal_id: str) -> Html:
    """One shared goal: status, chart, context, women and men, noise, forecast, the actors'
    goals and whether they add up, the actors' own assessments (apart) and actions."""
    fw, language = ctx.fw, ctx.language
    goal = fw.shared_goal(goal_id)
    row = _row(ctx, goal.id)
    chart = charts.goal_chart(fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of)
    heading_id = f"goal-{goal.id}"
    return _el(
        "section",
        _el("h3", goal.title, id=heading_id),
        _el("p", _goal_definition(ctx, goal), cls="goal-definition"),
        _status_paragraphs(ctx, goal, row),
        _possible_breaks_part(ctx, goal),
        _chart(chart),
        _context_part(ctx, goal),
        _sex_part(ctx, goal),
        _noise_part(ctx, goal),
        _forecast_part(ctx, goal, row),
        _actor_goals_part(ctx, goal),
        _consistency_part(ctx, goal),
        _judgements_part(ctx, [goal, *_actor_goals(fw, goal.id)], heading_id),
        _actions_part(ctx, [goal.id, *(g.id for g in _actor_goals(fw, goal.id))]),
        cls="goal",
        aria_labelledby=heading_id,
    )


def _possible_breaks_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    """Series breaks found, not declared: in the goal's own series (with the evidence the
    status gives) and in the source's description of the indicator."""
    language = ctx.language
    indicator = ctx.fw.indicator(goal.indicator)
    declared = {b.year for b in indicator.series_breaks}
    notes = []
    for sex, row in _sex_rows(ctx, goal.id):
        if _missing(row.break_candidate_year) or row.reason_code == "possible_series_break":
            continue  # none, or already the status's reason
        found = int(row.break_candidate_year)
        notes.append(
            _say(
                language,
                f"Möjligt tidsseriebrott {found}{_who([sex], language)} (före utgångsåret eller "
                "efter målåret, så statusen påverkas inte).",
                f"Possible series break in {found}{_who([sex], language)} (before the baseline "
                "or after the target year, so the status is unaffected).",
            )
        )
    metadata = _kpi_metadata(ctx, indicator)
    if metadata is not None:
        for change in breaks.definition_changes(_definition(metadata)):
            if change.year in declared:
                continue
            quoted = _quote(str(change.evidence["text"]), language)
            notes.append(
                _say(
                    language,
                    f"Möjligt tidsseriebrott {change.year}: källans beskrivning säger {quoted} "
                    "Värden före och efter kan vara ojämförbara; ramverket kan ange brottet.",
                    f"Possible series break in {change.year}: the source's description says "
                    f"{quoted} Values before and after may not be comparable; the framework "
                    "can declare the break.",
                )
            )
    if not notes:
        return Html()
    return _join(*[_el("p", n, cls="possible-break") for n in notes])


def _target_text(ctx: ReportContext, goal: SharedGoal | ActorGoal) -> str:
    """What the goal asks, in words: "minska med 50 % från 2013 till 2017"."""
    language = ctx.language
    target, baseline = goal.target, goal.baseline
    if target is None or baseline is None:
        return _say(language, "följs med riktning, utan målvärde", "followed by direction only")
    if target.change_percent is not None:
        size = labels.percent(abs(target.change_percent) / 100, language, 0)
        if target.change_percent < 0:
            return _say(
                language,
                f"minska med {size} från {baseline.year} till {target.year}",
                f"decrease by {size} from {baseline.year} to {target.year}",
            )
        return _say(
            language,
            f"öka med {size} från {baseline.year} till {target.year}",
            f"increase by {size} from {baseline.year} to {target.year}",
        )
    value = _value(target.value, _unit(ctx.fw, goal), language)
    return _say(
        language,
        f"nå {value} till {target.year} (utgångsår {baseline.year})",
        f"reach {value} by {target.year} (baseline year {baseline.year})",
    )


def _goal_definition(ctx: ReportContext, goal: SharedGoal) -> str:
    fw, language = ctx.fw, ctx.language
    indicator = fw.indicator(goal.indicator)
    area = _area(goal.area, language)
    text = _say(
        language,
        f"Målet är att {_target_text(ctx, goal)} för {area}, mätt som "
        f"{_lower_first(indicator.title)} ({indicator.unit}).",
        f"The goal is to {_target_text(ctx, goal)} for {area}, measured as "
        f"{indicator.title} ({indicator.unit}).",
    )
    targets = [(sex, row.target_value) for sex, row in _sex_rows(ctx, goal.id) if sex != "total"]
    targets = [(sex, value) for sex, value in targets if not _missing(value)]
    if targets:
        shown = _listing(
            [
                f"{_value(value, indicator.unit, language)} {_sex_phrase(sex, language)}"
                for sex, value in targets
            ],
            language,
        )
        text += " " + _say(language, f"Målvärdet är {shown}.", f"The target value is {shown}.")
    return text


def _status_paragraphs(ctx: ReportContext, goal: SharedGoal | ActorGoal, row: Any) -> Html:
    """Status in icon and words, how far the value has come, and its direction."""
    language = ctx.language
    if row is None:
        return _el("p", _status("cannot_assess", language), cls="goal-status")
    return _join(
        _el(
            "p",
            _el("strong", "Status: "),
            _status(row.status, language),
            ". ",
            _progress(ctx, goal, row),
            cls="goal-status",
        ),
        _el("p", _direction_text(ctx, row), cls="goal-direction"),
        _baseline_extreme(ctx, goal, row),
    )


def _baseline_extreme(ctx: ReportContext, goal: SharedGoal | ActorGoal, row: Any) -> Content:
    """Point out a baseline at the series' peak or trough, which flatters or hides progress."""
    language, extreme = ctx.language, row.baseline_extreme
    if extreme not in ("peak", "trough"):
        return None
    start = _value_at(row.baseline_value, row.baseline_period, _unit(ctx.fw, goal), language)
    obs = ctx.observations
    own = obs[
        (obs["indicator"] == ctx.fw.series_id(goal.indicator))
        & (obs["area"] == row.area)
        & (obs["sex"] == row.sex)
        & obs["value"].notna()
        & (obs["period"] >= str(int(row.baseline_year) - PEAK_YEARS))
    ]
    first = min(own["period"], default=row.baseline_period)
    span = f"{_period(first, language)}–{_period(row.latest_period, language)}"
    flatters = (extreme == "peak") == _decreasing(ctx.fw, goal.indicator)
    word = (
        _say(language, "högsta", "highest")
        if extreme == "peak"
        else _say(language, "lägsta", "lowest")
    )
    effect = (
        _say(
            language,
            "framstegen räknas från ett ovanligt dåligt läge och ser därför större ut",
            "progress is counted from an unusually bad point and so looks larger",
        )
        if flatters
        else _say(
            language,
            "framstegen räknas från ett ovanligt bra läge och ser därför mindre ut",
            "progress is counted from an unusually good point and so looks smaller",
        )
    )
    return _el(
        "p",
        _say(
            language,
            f"Obs: utgångsvärdet {start} är det {word} i serien {span}: {effect}.",
            f"Note: the baseline {start} is the {word} in the series {span}: {effect}.",
        ),
        cls="baseline-extreme",
    )


def _progress(ctx: ReportContext, goal: SharedGoal | ActorGoal, row: Any) -> str:
    """The way from baseline to latest and the pace against the pace the target needs."""
    language = ctx.language
    unit = _unit(ctx.fw, goal)
    if row.status == "cannot_assess" or _missing(row.cagr_actual):
        reason = (row.reason or labels.reason("no_data", language)).rstrip(".")
        return _say(language, f"Skäl: {reason}.", f"Reason: {reason}.")
    start = _value_at(row.baseline_value, row.baseline_period, unit, language)
    end = _value_at(row.latest_value, row.latest_period, unit, language)
    if bool(row.target_passed):
        return _final_progress(ctx, goal, row, start, end)
    text = _say(
        language,
        f"Värdet har gått från {start} till {end}, i genomsnitt {_rate(row.cagr_actual, language)}"
        " av värdet per år.",
        f"The value went from {start} to {end}, on average {_rate(row.cagr_actual, language)} "
        "of the value a year.",
    )
    if row.status not in ("", "achieved", "met_within_noise") and not _missing(row.ratio):
        required = _rate(row.cagr_required, language)
        if row.ratio < 0:
            text += " " + _say(
                language,
                f"Målet kräver {required} av värdet per år, men värdet rör sig bort från målet.",
                f"The target needs {required} of the value a year, but the value moves away "
                "from it.",
            )
        elif math.isfinite(row.ratio):  # infinite when the target only asks to hold the line
            pace = _share(row.ratio, language)
            text += " " + _say(
                language,
                f"Målet kräver {required} av värdet per år, så takten är {pace} av den som behövs.",
                f"The target needs {required} of the value a year, so the pace is {pace} of "
                "what is needed.",
            )
    if row.reason:
        note = row.reason.rstrip(".")
        text += " " + _say(language, f"Anmärkning: {note}.", f"Note: {note}.")
    return text


def _final_progress(
    ctx: ReportContext, goal: SharedGoal | ActorGoal, row: Any, start: str, end: str
) -> str:
    """The verdict at the target year: the value then, the pace then against the pace
    needed (R at the target year), and the latest value."""
    language = ctx.language
    unit = _unit(ctx.fw, goal)
    year = int(row.target_year)
    at_target = _value_at(row.target_year_value, str(year), unit, language)
    text = _say(
        language,
        f"Värdet gick från {start} till {at_target}, i genomsnitt "
        f"{_rate(row.cagr_actual, language)} av värdet per år.",
        f"The value went from {start} to {at_target}, on average "
        f"{_rate(row.cagr_actual, language)} of the value a year.",
    )
    if not _missing(row.ratio) and math.isfinite(row.ratio):
        required = _rate(row.cagr_required, language)
        pace = _share(row.ratio, language)
        text += " " + _say(
            language,
            f"Målet krävde {required} av värdet per år, så fram till målåret {year} var "
            f"takten {pace} av den som behövdes.",
            f"The target needed {required} of the value a year, so up to the target year "
            f"{year} the pace was {pace} of what was needed.",
        )
    if row.latest_period != str(year):
        text += " " + _say(language, f"Senaste värdet: {end}.", f"Latest value: {end}.")
    if row.reason:
        note = row.reason.rstrip(".")
        text += " " + _say(language, f"Anmärkning: {note}.", f"Note: {note}.")
    return text


def _direction_text(ctx: ReportContext, row: Any) -> Content:
    language = ctx.language
    span = ""
    if not _missing(row.baseline_period) and not _missing(row.latest_period):
        span = f" ({_period(row.baseline_period, language)}–{_period(row.latest_period, language)})"
    return [
        _el("strong", _say(language, "Riktning: ", "Direction: ")),
        _say(language, f"lång sikt{span} ", f"long term{span} "),
        _direction(row.direction_long, language),
        _say(
            language,
            f"; kort sikt (de senaste {SHORT_TERM} åren) ",
            f"; short term (the last {SHORT_TERM} years) ",
        ),
        _direction(row.direction_short, language),
        ".",
    ]


def _context_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    """The goal's change against riket and comparison areas: sentences and a table."""
    language = ctx.language
    table = ctx.context
    if table.empty:
        return Html()
    rows = table[table["goal"] == goal.id]
    if rows.empty:
        return Html()
    unit = _unit(ctx.fw, goal)
    sentences = [
        _context_sentence(ctx, goal, record)
        for record in rows[rows["sex"] == "total"].itertuples(index=False)
    ]
    first = rows.iloc[0]
    span = f"{_period(first['from_period'], language)}–{_period(first['to_period'], language)}"
    own = _area(goal.area, language, start=True)
    headers = [
        _say(language, "Jämförelse", "Comparison"),
        _say(language, "Kön", "Sex"),
        own,
        _say(language, "Jämförelseområdet", "Comparison area"),
        _say(language, "Skillnad", "Difference"),
    ]
    body = [
        _tr(
            _area(r.comparison_area, language, start=True),
            [
                SEX[language][r.sex],
                _rate(r.area_change_relative, language),
                [
                    _rate(r.comparison_change_relative, language),
                    _el("br"),
                    _el(
                        "span",
                        f"({_value(r.comparison_from, unit, language)} → "
                        f"{_value(r.comparison_to, unit, language)})",
                        cls="detail",
                    ),
                ],
                labels.number(
                    None
                    if _missing(r.difference_relative)
                    else 100
                    * _shown_difference(r.area_change_relative, r.comparison_change_relative),
                    language,
                ),
            ],
            numeric=(1, 2, 3),
        )
        for r in rows.itertuples(index=False)
    ]
    caption = _say(
        language,
        f"Förändring {span} i procent av utgångsvärdet för {own} och jämförelseområdet (med "
        "dess värden); skillnaden i procentenheter",
        f"Change {span} in percent of the baseline value for {own} and the comparison area "
        "(with its values); the difference in percentage points",
    )
    return _join(
        _el(
            "h4",
            _say(
                language,
                "Jämfört med riket och andra områden",
                "Compared with Sweden and other areas",
            ),
        ),
        [_el("p", s, cls="callout context-sentence") for s in sentences],
        _table(caption, headers, body, cls="context-table"),
        [_el("p", n, cls="note") for n in _missing_comparison_notes(ctx, goal, rows)],
    )


def _missing_comparison_notes(
    ctx: ReportContext, goal: SharedGoal, rows: pd.DataFrame
) -> list[str]:
    """Why a comparison shows "–": the source publishes the area for that sex only from
    a later year (riket by sex in Kolada's N03921 starts in 2016), or not at all."""
    language, notes = ctx.language, []
    series = ctx.fw.series_id(goal.indicator)
    obs = ctx.observations
    missing = rows[rows["comparison_from"].isna() | rows["comparison_to"].isna()]
    for (area, sex), group in missing.groupby(["comparison_area", "sex"], sort=False):
        have = obs[
            (obs["indicator"] == series)
            & (obs["area"] == area)
            & (obs["sex"] == sex)
            & obs["value"].notna()
        ]["period"]
        name, who = _area(area, language, start=True), _sex_phrase(sex, language)
        first_row = group.iloc[0]
        gap_at_start = _missing(first_row["comparison_from"])
        period = first_row["from_period"] if gap_at_start else first_row["to_period"]
        if have.empty:
            notes.append(
                _say(
                    language,
                    f"{name} har inga värden {who} i källan, så jämförelsen görs bara för totalen.",
                    f"{name} has no values {who} in the source, so the comparison is made for "
                    "the total only.",
                )
            )
        else:
            first = _period(min(have), language)
            notes.append(
                _say(
                    language,
                    f"{name} {who} saknar värde för {_period(period, language)}: källan "
                    f"publicerar det först från {first}, därför ”–”.",
                    f"{name} {who} has no value for {_period(period, language)}: the source "
                    f"publishes it only from {first}, hence “–”.",
                )
            )
    return notes


def _context_sentence(ctx: ReportContext, goal: SharedGoal, record: Any) -> str:
    """ "Region Blekinge minskade med 40,7 % 2013–2017; riket minskade med 37,9 % under samma
    år: skillnaden är 2,8 procentenheter ..., så det mesta följer den nationella utvecklingen."
    """
    language = ctx.language
    own_name = _area(goal.area, language)
    other = _area(record.comparison_area, language)
    first, last = _period(record.from_period, language), _period(record.to_period, language)
    if _missing(record.comparison_change_relative):
        return _say(
            language,
            f"För {other} saknas värden för {first} eller {last}, så ingen jämförelse går att "
            "göra.",
            f"{_sentence(other)} has no value for {first} or {last}, so no comparison is possible.",
        )
    own, theirs = record.area_change_relative, record.comparison_change_relative
    # The difference of the two percentages as the reader sees them (rounded to 0.1).
    difference = _shown_difference(own, theirs)
    unit = _unit(ctx.fw, goal)
    own_moved = _moved(own, language, record.area_change, unit)
    their_moved = _moved(theirs, language, record.comparison_change, unit)
    text = _say(
        language,
        f"{_sentence(own_name)} {own_moved} {first}–{last}; {other} "
        f"{their_moved} under samma år: skillnaden i procent av utgångsvärdet är "
        f"{_points(100 * difference, language)}",
        f"{_sentence(own_name)} {own_moved} in {first}–{last}; {other} "
        f"{their_moved} over the same years: the difference in percent of the baseline is "
        f"{_points(100 * difference, language)}",
    )
    if round(abs(100 * difference), 1) > 0:
        sign = -1 if _decreasing(ctx.fw, goal.indicator) else 1
        favoured = own_name if sign * difference > 0 else other
        text += _say(language, f" till fördel för {favoured}", f" in favour of {favoured}")
    trend = (
        _say(language, "den nationella utvecklingen", "the national trend")
        if record.comparison_area == areas.RIKET
        else _say(language, f"utvecklingen i {other}", f"the trend in {other}")
    )
    if own * theirs > 0:
        if abs(theirs) >= abs(own):
            text += _say(
                language,
                f", så förändringen i {own_name} var mindre än i {other}",
                f", so the change in {own_name} was smaller than in {other}",
            )
        elif abs(theirs) >= abs(own) / 2:
            text += _say(
                language,
                f", så det mesta följer {trend} ({other}s förändring i procent är minst hälften "
                f"av {own_name}s)",
                f", so most of it follows {trend} ({other}'s change in percent is at least half "
                f"of {own_name}'s)",
            )
        else:
            text += _say(
                language,
                f", så det mesta av förändringen går utöver {trend}",
                f", so most of the change goes beyond {trend}",
            )
    elif own * theirs < 0:
        text += _say(
            language,
            f", så {own_name} och {other} rörde sig åt olika håll",
            f", so {own_name} and {other} moved in opposite directions",
        )
    return text + "."


def _shown_difference(own: float, theirs: float) -> float:
    """own - theirs (relative changes), from the figures rounded to 0.1 % as printed."""
    return (round(100 * own, 1) - round(100 * theirs, 1)) / 100


def _moved(change: float, language: Language, absolute: Any = None, unit: str = "") -> str:
    """ "minskade med 40,7 % (5,8 procentenheter)" from a relative change of -0.407 and,
    when given, the change in the indicator's units: percent of a rate and percentage
    points are both named, never mixed."""
    size = labels.percent(abs(change), language)
    if round(abs(change) * 100, 1) == 0:
        return _say(language, "låg kvar på samma nivå", "stayed at the same level")
    if absolute is not None and not _missing(absolute):
        amount = (
            _points(absolute, language)
            if unit.strip() == "%"
            else f"{labels.number(abs(absolute), language)} {unit}"
        )
        size = f"{size} ({amount})"
    if change < 0:
        return _say(language, f"minskade med {size}", f"fell by {size}")
    return _say(language, f"ökade med {size}", f"rose by {size}")


def _sex_gap(ctx: ReportContext, goal_id: str) -> tuple[Any, Any, float] | None:
    """Women's and men's rows and the relative gap (higher / lower - 1) at the latest
    year both have, or None when the goal has no comparable values for women and men."""
    women, men = _row(ctx, goal_id, "women"), _row(ctx, goal_id, "men")
    if women is None or men is None:
        return None
    if _missing(women.latest_value) or _missing(men.latest_value):
        return None
    if women.latest_period != men.latest_period or min(women.latest_value, men.latest_value) <= 0:
        return None
    high, low = max(women.latest_value, men.latest_value), min(women.latest_value, men.latest_value)
    return women, men, high / low - 1


def _gap_sentence(ctx: ReportContext, goal: SharedGoal | ActorGoal) -> str:
    gap = _sex_gap(ctx, goal.id)
    if gap is None:
        return ""
    women, men, _ = gap
    return _gap_text(
        ctx.language, women.latest_period, women.latest_value, men.latest_value, _unit(ctx.fw, goal)
    )


def _large_gap_rule(language: Language, large: bool = False) -> str:
    threshold = _share(LARGE_GAP, language)
    if large:
        return _say(
            language,
            f"Det är en stor skillnad: det högre värdet är mer än {threshold} högre än det lägre.",
            f"That is a large gap: the higher value exceeds the lower by more than {threshold}.",
        )
    return _say(
        language,
        f"En skillnad mellan kvinnor och män räknas här som stor när det högre värdet är mer än "
        f"{threshold} högre än det lägre det senaste året.",
        f"A gap between women and men counts as large here when the higher value exceeds the "
        f"lower by more than {threshold} in the latest year.",
    )


def _sex_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    """Total, women and men side by side, and how large the gap is."""
    language = ctx.language
    rows = _sex_rows(ctx, goal.id)
    if len(rows) < 2:
        return Html()
    unit = _unit(ctx.fw, goal)
    headers = [
        _say(language, "Kön", "Sex"),
        _say(language, "Utgångsvärde", "Baseline"),
        _say(language, "Senaste värde", "Latest value"),
        _say(language, "Målvärde", "Target"),
        _say(language, "Status", "Status"),
        _say(language, "Riktning, lång sikt", "Direction, long term"),
        _say(language, "Chans att nå målet", "Chance of reaching the target"),
    ]
    body = [
        _tr(
            SEX[language][sex],
            [
                _value_cell(row.baseline_value, row.baseline_period, unit, language),
                _value_cell(row.latest_value, row.latest_period, unit, language),
                _value_cell(row.target_value, row.target_year, unit, language),
                _status(row.status, language),
                _direction(row.direction_long, language),
                _chance(row, language),
            ],
            numeric=(0, 1, 2, 5),
        )
        for sex, row in rows
    ]
    caption = _say(language, f"{goal.title}: kvinnor och män", f"{goal.title}: women and men")
    sentence = _gap_sentence(ctx, goal)
    return _join(
        _el("h4", _say(language, "Kvinnor och män", "Women and men")),
        _el("p", sentence) if sentence else None,
        _table(caption, headers, body, cls="sex-table"),
    )


def _noise_sentences(ctx: ReportContext, goal: SharedGoal | ActorGoal) -> list[str]:
    """One sentence per sex whose change is within random variation."""
    language = ctx.language
    sentences = []
    for sex, row in _sex_rows(ctx, goal.id):
        if not _is_false(row.significant):
            continue
        unit = _unit(ctx.fw, goal)
        start = _value_at(row.baseline_value, row.baseline_period, unit, language)
        end = _value_at(row.latest_value, row.latest_period, unit, language)
        limit = _points(Z_95 * row.noise_se, language)
        sentences.append(
            _say(
                language,
                f"{_sentence(_sex_phrase(sex, language))} ryms förändringen från {start} till "
                f"{end} inom slumpvariationen: med så få invånare kan värdet av en slump skilja "
                f"sig med upp till {limit} mellan två år. Förändringen går därför inte att "
                "skilja från slumpen.",
                f"{_sentence(_sex_phrase(sex, language))} the change from {start} to {end} is "
                f"within random variation: with so few residents the value can differ by up to "
                f"{limit} between two years by chance alone. The change cannot be told apart "
                "from chance.",
            )
        )
    return sentences


def _noise_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    sentences = _noise_sentences(ctx, goal)
    if not sentences:
        return Html()
    return _join(
        _el("h4", _say(ctx.language, "Slumpvariation", "Random variation")),
        [_el("p", s, cls="noise") for s in sentences],
    )


def _forecast_text(ctx: ReportContext, goal: SharedGoal | ActorGoal, row: Any) -> str:
    """The forecast to the target year with its interval and probability, or why none."""
    language = ctx.language
    unit = _unit(ctx.fw, goal)
    if row is None or goal.target is None:
        return ""
    if bool(row.target_passed):
        return _say(
            language,
            f"Målåret {goal.target.year} har passerat, så ingen prognos görs.",
            f"The target year {goal.target.year} has passed, so there is no forecast.",
        )
    if _missing(row.forecast_value):
        note = (
            labels.reason(row.forecast_note, language)
            if row.forecast_note
            else _say(language, "status kan inte bedömas", "the status cannot be assessed")
        )
        return _say(language, f"Ingen prognos: {note}.", f"No forecast: {note}.")
    points = int(row.forecast_points)
    interval = _share(INTERVAL, language)
    spread = _range(row.forecast_low, row.forecast_high, unit, language)
    chance = labels.CHANCE[language][row.chance]
    text = _say(
        language,
        f"Om utvecklingen fortsätter som de senaste {points} åren blir värdet "
        f"{goal.target.year} omkring {_value(row.forecast_value, unit, language)} "
        f"({interval} prognosintervall {spread}, satt efter hur fel samma slags prognos har "
        f"slagit tidigare). Att nå målvärdet {_value(row.target_value, unit, language)} är "
        f"{chance}.",
        f"If the trend of the last {points} years continues, the value in {goal.target.year} "
        f"will be about {_value(row.forecast_value, unit, language)} ({interval} prediction "
        f"interval {spread}, set by how wrong the same kind of forecast has been before). "
        f"Reaching the target {_value(row.target_value, unit, language)} is {chance}.",
    )
    if bool(row.interval_borrowed):
        text += " " + _say(
            language,
            f"Intervallet för {int(row.forecast_horizon)} år framåt är uppskattat från "
            "kortare prognoser, eftersom historiken inte räcker längre.",
            f"The interval {int(row.forecast_horizon)} years ahead is scaled up from shorter "
            "forecasts, as the history does not reach further.",
        )
    by_sex = [(sex, r.chance) for sex, r in _sex_rows(ctx, goal.id) if sex != "total" and r.chance]
    if by_sex:
        shown = _listing(
            [f"{labels.CHANCE[language][c]} {_sex_phrase(sex, language)}" for sex, c in by_sex],
            language,
        )
        text += " " + _say(language, f"Att nå målet är {shown}.", f"Reaching it is {shown}.")
    return text


def _forecast_part(ctx: ReportContext, goal: SharedGoal, row: Any) -> Html:
    text = _forecast_text(ctx, goal, row)
    if not text:
        return Html()
    return _join(
        _el("h4", _say(ctx.language, "Prognos", "Forecast")), _el("p", text, cls="forecast")
    )


def _actor_goals_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    """The actors' own goals for this shared goal: small multiples and a table."""
    fw, language = ctx.fw, ctx.language
    goals = _actor_goals(fw, goal.id)
    heading = _el("h4", _say(language, "Aktörernas egna mål", "The actors' own goals"))
    if not goals:
        return _join(
            heading,
            _el(
                "p",
                _say(
                    language,
                    "Ingen aktör har ett eget mål som bidrar till det här målet.",
                    "No actor has a goal of its own that contributes to this goal.",
                ),
            ),
        )
    chart = charts.actor_small_multiples(
        fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of
    )
    headers = [
        _say(language, "Aktör och mål", "Actor and goal"),
        _say(language, "Utgångsvärde", "Baseline"),
        _say(language, "Senaste värde", "Latest value"),
        _say(language, "Målvärde", "Target"),
        _say(language, "Status", "Status"),
        _say(language, "Riktning, lång sikt", "Direction, long term"),
    ]
    body = []
    for actor_goal in goals:
        row = _row(ctx, actor_goal.id)
        unit = _unit(fw, actor_goal)
        cells: list[Content] = (
            ["–", "–", "–", _status("cannot_assess", language), ""]
            if row is None
            else [
                _value_cell(row.baseline_value, row.baseline_period, unit, language),
                _value_cell(row.latest_value, row.latest_period, unit, language),
                _value_cell(row.target_value, row.target_year, unit, language),
                _status(row.status, language),
                _direction(row.direction_long, language),
            ]
        )
        header = _labelled(fw.actor(actor_goal.actor).name, actor_goal.title)
        body.append(_tr(header, cells, numeric=(0, 1, 2)))
    caption = _say(
        language,
        f"Aktörernas mål som bidrar till ”{goal.title}” (totalt)",
        f"The actors' goals contributing to “{goal.title}” (total)",
    )
    return _join(heading, _chart(chart), _table(caption, headers, body, cls="actor-goals-table"))


ROLE_WORDS: Final = {
    "sv": {
        "covers_whole_area": "gäller hela {area}",
        "other_indicator": "mäts med en annan indikator ({indicator})",
        "not_a_municipality": "gäller ett område som inte är en kommun",
        "no_target": "har inget målvärde",
        "duplicate_area": "är ett andra mål för samma kommun",
    },
    "en": {
        "covers_whole_area": "covers the whole of {area}",
        "other_indicator": "is measured with another indicator ({indicator})",
        "not_a_municipality": "covers an area that is not a municipality",
        "no_target": "has no target value",
        "duplicate_area": "is a second goal for the same municipality",
    },
}


def _consistency_sentences(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    """What the actors' targets add up to against the shared target, and what is left out."""
    fw, language = ctx.fw, ctx.language
    check = ctx.consistency.get(goal.id)
    area = _area(goal.area, language)
    if check is None:
        return [
            _say(
                language,
                f"Indikatorn har ingen befolkningsbas (population_base) att väga kommunerna i "
                f"{area} med.",
                f"The indicator has no population base (population_base) to weigh the "
                f"municipalities of {area} with.",
            )
        ]
    if check.verdict == "cannot_assess":
        return [_say(language, f"Skäl: {check.reason}.", f"Reason: {check.reason}.")]
    implied = _rate(check.implied_change_percent / 100, language)
    required = _rate(check.required_change_percent / 100, language)
    years = f"{check.baseline_year}–{check.target_year}"
    sentences = [
        _say(
            language,
            f"Om varje kommun med eget mål når det, och övriga kommuner ligger kvar på sin "
            f"senaste nivå, blir förändringen för {area} {implied} {years}. Det gemensamma målet "
            f"kräver {required}.",
            f"If every municipality with a goal of its own reaches it, and the others stay at "
            f"their latest level, {area} changes by {implied} in {years}. The shared target "
            f"needs {required}.",
        )
    ]
    if check.verdict == "insufficient":
        gap = _points(check.gap_percentage_points, language)
        sentences.append(_say(language, f"Det fattas {gap}.", f"That is {gap} short."))
    coverage = _share(check.coverage, language)
    if check.uncovered:
        # A municipality with a goal for this shared goal that is not added up (another
        # indicator, no target) has a goal: it is listed below the verdict, not here.
        with_goal = set(check.actors["area"])
        names = _listing(
            [areas.get(code).name for code in check.uncovered if code not in with_goal], language
        )
        sentences.append(
            _say(
                language,
                f"Kommunerna vars mål räknas in har {coverage} av befolkningen.",
                f"The municipalities whose goals are added up have {coverage} of the population.",
            )
        )
        if names:
            sentences.append(
                _say(
                    language,
                    f"Kommuner utan eget mål för detta gemensamma mål: {names}.",
                    f"Municipalities without a goal of their own for this shared goal: {names}.",
                )
            )
    else:
        sentences.append(
            _say(
                language,
                f"Alla kommuner i {area} har egna mål.",
                f"Every municipality in {area} has a goal of its own.",
            )
        )
    if check.weight_year is not None and check.weight_year != check.baseline_year:
        sentences.append(
            _say(
                language,
                f"Kommunerna vägs med befolkningen {check.weight_year}, eftersom den för "
                f"{check.baseline_year} saknas.",
                f"The municipalities are weighed by the population of {check.weight_year}, as "
                f"{check.baseline_year} is missing.",
            )
        )
    late = [
        fw.goal(r.goal).title
        for r in check.actors.itertuples(index=False)
        if r.role == "aggregated" and r.target_year != check.target_year
    ]
    if late:
        sentences.append(
            _say(
                language,
                f"Mål med ett annat målår räknas med sitt målvärde {check.target_year}: "
                f"{_listing(late, language)}.",
                f"Goals with another target year count with their target value in "
                f"{check.target_year}: {_listing(late, language)}.",
            )
        )
    return sentences


def _consistency_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    fw, language = ctx.fw, ctx.language
    check = ctx.consistency.get(goal.id)
    verdict = check.verdict if check is not None else "cannot_assess"
    aside = []
    if check is not None:
        for r in check.actors.itertuples(index=False):
            if r.role == "aggregated":
                continue
            role = ROLE_WORDS[language][r.role].format(
                area=_area(goal.area, language), indicator=fw.indicator(r.indicator).title
            )
            aside.append(_el("li", f"{fw.goal(r.goal).title} ({fw.actor(r.actor).name}): {role}"))
    listed = (
        _join(
            _el(
                "p",
                _say(
                    language,
                    "Visas bredvid men räknas inte in när kommunernas mål läggs samman:",
                    "Shown beside the shared goal but not added up with the municipalities' goals:",
                ),
            ),
            _el("ul", aside, cls="not-aggregated"),
        )
        if aside
        else None
    )
    return _join(
        _el("h4", _say(language, "Räcker aktörernas mål?", "Do the actors' goals add up?")),
        _el(
            "p",
            _verdict(verdict, language),
            ". ",
            " ".join(_consistency_sentences(ctx, goal)),
            cls="verdict",
        ),
        listed,
        _weighting_note(ctx, goal),
    )


def _weighting_note(ctx: ReportContext, goal: SharedGoal) -> Content:
    """How municipalities are weighed, and how far that weighting is from the published
    value of the goal's region in the baseline and latest years (the measured error of
    weighing by a population that is not the indicator's own denominator)."""
    fw, language = ctx.fw, ctx.language
    base = fw.indicator(goal.indicator).population_base
    row = _row(ctx, goal.id)
    if base is None or row is None or _missing(row.baseline_year) or _missing(row.latest_year):
        return None
    if areas.get(goal.area).kind != "region":
        return None
    years = sorted({int(row.baseline_year), int(row.latest_year)})
    check = contributions.aggregation_check(fw, ctx.observations, goal.indicator, goal.area, years)
    check = check.dropna(subset=["relative_difference"])
    if check.empty:
        return None
    errors = _listing(
        [
            f"{'+' if r.relative_difference > 0 else ''}"
            f"{labels.percent(r.relative_difference, language, 1)} {r.year}"
            for r in check.itertuples(index=False)
        ],
        language,
    )
    title = _lower_first(fw.indicator(base).title)
    return _el(
        "p",
        _say(
            language,
            f"Kommunerna vägs med {title}, inte med indikatorns egen nämnare: en "
            f"approximation. Kontroll mot {_area(goal.area, language)}s publicerade värde: det "
            f"vägda medelvärdet av kommunerna avviker med {errors}.",
            f"Municipalities are weighted by {title}, not by the indicator's own "
            f"denominator: an approximation. Checked against the published value of "
            f"{_area(goal.area, language)}: the weighted mean of the municipalities differs by "
            f"{errors}.",
        ),
        cls="note weighting",
    )


def _assessment_period_matches(assessment: Assessment, year: int | None) -> bool:
    return year is not None and assessment.period[:4] == str(year)


def _statistics_cell(ctx: ReportContext, goal: SharedGoal | ActorGoal) -> Content:
    """The statistical status of a goal, shown beside (never merged with) a judgement."""
    row = _row(ctx, goal.id)
    if row is None:
        return _status("cannot_assess", ctx.language)
    unit = _unit(ctx.fw, goal)
    return [
        _status(row.status, ctx.language),
        _el("br"),
        _value_cell(row.latest_value, row.latest_period, unit, ctx.language),
    ]


def _judgements_part(
    ctx: ReportContext, goals: Sequence[SharedGoal | ActorGoal], section_id: str
) -> Html:
    """The actors' own assessments of these goals for the follow-up year, in a box of their
    own beside the statistics; an actor goal without an assessment is named."""
    fw, language = ctx.fw, ctx.language
    year = ctx.year
    heading_id = f"{section_id}-assessments"
    headers = [
        _say(language, "Aktör och mål", "Actor and goal"),
        _say(language, "Statistiken", "Statistics"),
        _say(language, "Egen bedömning", "Own assessment"),
        _say(language, "Motivering", "Justification"),
        _say(language, "Ansvarig", "Owner"),
    ]
    body = []
    for goal in goals:
        found = [
            a for a in fw.assessments if a.goal == goal.id and _assessment_period_matches(a, year)
        ]
        for a in found:
            body.append(
                _tr(
                    _labelled(fw.actor(a.actor).name, goal.title),
                    [
                        _statistics_cell(ctx, goal),
                        _judgement(a.judgement, language),
                        a.justification or "–",
                        a.owner or "–",
                    ],
                )
            )
        if not found and isinstance(goal, ActorGoal):
            body.append(
                _tr(
                    _labelled(fw.actor(goal.actor).name, goal.title),
                    [
                        _statistics_cell(ctx, goal),
                        _el(
                            "span", _missing_assessment(ctx, goal), cls="assessment assessment-none"
                        ),
                        "–",
                        "–",
                    ],
                    cls="missing-assessment",
                )
            )
    note = _say(
        language,
        "Bedömningarna är aktörernas egna och står bredvid statistiken. De ändrar inte "
        "statusen, som bara bygger på statistiken.",
        "The assessments are the actors' own and stand beside the statistics. They do not "
        "change the status, which rests on the statistics alone.",
    )
    content: Content
    if body:
        caption = _say(
            language,
            f"Aktörernas egna bedömningar {year}, bredvid statistikens status",
            f"The actors' own assessments for {year}, beside the statistical status",
        )
        content = _table(caption, headers, body, cls="assessments-table")
    else:
        content = _el(
            "p",
            _say(
                language,
                f"Inga egna bedömningar har lämnats för {year}.",
                f"No assessments have been submitted for {year}.",
            ),
        )
    return _el(
        "aside",
        _el(
            "h4",
            _say(language, "Aktörernas egna bedömningar", "The actors' own assessments"),
            id=heading_id,
        ),
        _el("p", note, cls="note"),
        content,
        cls="assessments",
        aria_labelledby=heading_id,
    )


def _missing_assessment(ctx: ReportContext, goal: ActorGoal) -> str:
    """ "Ingen bedömning lämnad för 2022 (senaste: 2017)"."""
    language = ctx.language
    earlier = sorted(
        a.period
        for a in ctx.fw.assessments
        if a.goal == goal.id and a.actor == goal.actor and ctx.year and a.period[:4] < str(ctx.year)
    )
    text = _say(
        language,
        f"Ingen bedömning lämnad för {ctx.year}",
        f"No assessment submitted for {ctx.year}",
    )
    if earlier:
        text += _say(language, f" (senaste: {earlier[-1]})", f" (latest: {earlier[-1]})")
    return text


def _action_rows(ctx: ReportContext, actions: Sequence[Action]) -> list[Html]:
    fw, language = ctx.fw, ctx.language
    return [
        _tr(
            action.description,
            [
                fw.actor(action.actor).name,
                fw.goal(action.goal).title
                if action.goal
                else _say(language, "Hela samverkan", "The whole collaboration"),
                action.responsible or "–",
                _date(action.due, language) if action.due else "–",
                _action_status(action.status, language),
            ],
        )
        for action in actions
    ]


def _action_headers(language: Language) -> list[str]:
    return [
        _say(language, "Åtgärd", "Action"),
        _say(language, "Aktör", "Actor"),
        _say(language, "Mål", "Goal"),
        _say(language, "Ansvarig", "Responsible"),
        _say(language, "Klart senast", "Due"),
        _say(language, "Status", "Status"),
    ]


def _actions_part(ctx: ReportContext, goal_ids: Sequence[str]) -> Html:
    language = ctx.language
    actions = [a for a in ctx.fw.actions if a.goal in goal_ids]
    heading = _el("h4", _say(language, "Handlingsplan", "Action plan"))
    if not actions:
        return _join(
            heading,
            _el(
                "p",
                _say(
                    language,
                    "Inga åtgärder i handlingsplanen är kopplade till det här målet.",
                    "No action in the action plan is linked to this goal.",
                ),
            ),
        )
    caption = _say(
        language,
        "Åtgärder för målet och aktörernas mål",
        "Actions for the goal and the actors' goals",
    )
    return _join(
        heading, _table(caption, _action_headers(language), _action_rows(ctx, actions), "actions")
    )


def action_plan(ctx: ReportContext) -> Html:
    """The whole action plan: every action, with or without a goal, and counts per status."""
    language = ctx.language
    actions = ctx.fw.actions
    heading = _el("h2", _say(language, "Handlingsplan", "Action plan"), id="action-plan")
    if not actions:
        return _el(
            "section",
            heading,
            _el("p", _say(language, "Handlingsplanen är tom.", "The action plan is empty.")),
            cls="action-plan",
        )
    counts = Counter(a.status for a in actions)
    shown = _listing(
        [
            f"{count} {ACTION_STATUS[language][code].lower()}"
            for code in ACTION_STATUS[language]
            if (count := counts.get(code, 0))
        ],
        language,
    )
    lead = _say(
        language,
        f"Handlingsplanen har {len(actions)} åtgärder: {shown}.",
        f"The action plan has {len(actions)} actions: {shown}.",
    )
    caption = _say(language, "Alla åtgärder i handlingsplanen", "Every action in the action plan")
    return _el(
        "section",
        heading,
        _el("p", lead),
        _table(caption, _action_headers(language), _action_rows(ctx, actions), "actions"),
        cls="action-plan",
    )


# --- discussion questions ------------------------------------------------------------


def discussion_questions(ctx: ReportContext) -> Html:
    """Questions for the steering group, each generated from the data by a stated rule."""
    fw, language = ctx.fw, ctx.language
    questions: list[str] = []
    for goal in fw.shared_goals:  # missed targets first
        questions += _missed_questions(ctx, goal)
    for goal in fw.shared_goals:
        questions += _goal_questions(ctx, goal)
    questions += _assessment_questions(ctx)
    heading = _el(
        "h2", _say(language, "Frågor att diskutera", "Questions for discussion"), id="questions"
    )
    intro = _say(
        language,
        "Frågorna har tagits fram ur statistiken efter fasta regler: mål som inte nåddes till "
        "målåret (först), mål som går åt fel håll, "
        "låg chans att nå målet, aktörsmål som inte räcker, stora skillnader mellan kvinnor och "
        "män, mål som inte kan bedömas, förändringar inom slumpvariationen och saknade "
        "bedömningar.",
        "The questions come from the statistics by fixed rules: goals not reached by the "
        "target year (first), goals moving away, a low "
        "chance of reaching the target, actor goals that fall short, large gaps between women "
        "and men, goals that cannot be assessed, changes within random variation and missing "
        "assessments.",
    )
    rules = " ".join(
        [
            _large_gap_rule(language),
            _say(
                language,
                "Låg chans betyder att inget av prognosintervallet når målvärdet (osannolikt).",
                "A low chance means that none of the forecast interval reaches the target "
                "(unlikely).",
            ),
        ]
    )
    listing: Html = (
        _el("ol", [_el("li", q) for q in questions], cls="questions")
        if questions
        else _el(
            "p",
            _say(
                language,
                "Statistiken ger inga särskilda frågor den här gången: alla mål går åt rätt håll "
                "och kan bedömas.",
                "The statistics raise no particular questions this time: every goal moves the "
                "right way and can be assessed.",
            ),
        )
    )
    return _el(
        "section", heading, _el("p", intro), listing, _el("p", rules, cls="note"), cls="questions"
    )


def _missed_questions(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    """A target year has passed without the target being reached (on time)."""
    language = ctx.language
    rows = [
        (sex, r)
        for sex, r in _sex_rows(ctx, goal.id)
        if r.status in ("not_achieved", "achieved_late", "met_within_noise")
    ]
    if not rows or goal.target is None:
        return []
    title, year = _quote(goal.title, language), goal.target.year
    who = _who([sex for sex, _ in rows], language)
    return [
        _say(
            language,
            f"{title} nåddes inte till målåret {year}{who}. Vad lär vi oss av det: var målet "
            "rätt satt, räckte insatserna, och vilket mål ska gälla nu?",
            f"{title} was not reached by the target year {year}{who}. What do we learn from "
            "that: was the target right, were the efforts enough, and which target applies "
            "now?",
        )
    ]


def _goal_questions(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    fw, language = ctx.fw, ctx.language
    title = _quote(goal.title, language)
    unit = _unit(fw, goal)
    rows = _sex_rows(ctx, goal.id)
    questions = []
    # One question per kind, naming whom it concerns: total, women, men.
    away = [(sex, r) for sex, r in rows if r.status == "moving_away"]
    if away:
        row = away[0][1]
        start = _value_at(row.baseline_value, row.baseline_period, unit, language)
        end = _value_at(row.latest_value, row.latest_period, unit, language)
        who = _who([sex for sex, _ in away], language)
        questions.append(
            _say(
                language,
                f"{title} går åt fel håll{who}: från {start} till {end}. Vad behöver vi göra "
                "annorlunda, och vem tar ansvar för det?",
                f"{title} is moving away from the target{who}: from {start} to {end}. What do "
                "we need to do differently, and who takes that on?",
            )
        )
    unclear = [(sex, r) for sex, r in rows if r.status == "cannot_assess"]
    if unclear:
        who, reason = _who([sex for sex, _ in unclear], language), unclear[0][1].reason
        questions.append(
            _say(
                language,
                f"{title} kan inte bedömas{who} ({reason}). Hur får vi underlag för att följa "
                "upp målet?",
                f"{title} cannot be assessed{who} ({reason}). How do we get what we need to "
                "follow it up?",
            )
        )
    # Only while the target year is ahead: at or after it, speeding up is no advice.
    low = [
        sex
        for sex, r in rows
        if r.chance == "unlikely" and r.status != "moving_away" and not bool(r.target_passed)
    ]
    if low:
        who = _who(low, language)
        questions.append(
            _say(
                language,
                f"Med nuvarande takt är det osannolikt att {title} nås till {goal.target.year}"
                f"{who}. Vad skulle öka takten?",
                f"At the current pace {title} is unlikely to be reached by {goal.target.year}"
                f"{who}. What would speed it up?",
            )
        )
    noise = [sex for sex, r in rows if _is_false(r.significant)]
    if noise:
        who = _who(noise, language)
        questions.append(
            _say(
                language,
                f"Förändringen för {title} ryms inom slumpvariationen{who}. Ska vi vänta med "
                "slutsatser, eller följa utvecklingen med fler mått?",
                f"The change for {title} is within random variation{who}. Should we wait before "
                "drawing conclusions, or follow it with more measures?",
            )
        )
    questions += _consistency_questions(ctx, goal)
    gap = _sex_gap(ctx, goal.id)
    if gap is not None and gap[2] > LARGE_GAP:
        women, men, relative = gap
        higher = SEX[language]["women" if women.latest_value > men.latest_value else "men"].lower()
        questions.append(
            _say(
                language,
                f"Stor skillnad mellan kvinnor och män för {title}: "
                f"{_value(women.latest_value, unit, language)} för kvinnor och "
                f"{_value(men.latest_value, unit, language)} för män "
                f"{_period(women.latest_period, language)} ({higher} "
                f"{_share(relative, language)} högre). Vad förklarar skillnaden, och behöver "
                "insatserna riktas olika?",
                f"A large gap between women and men for {title}: "
                f"{_value(women.latest_value, unit, language)} for women and "
                f"{_value(men.latest_value, unit, language)} for men in "
                f"{_period(women.latest_period, language)} ({higher} "
                f"{_share(relative, language)} higher). What explains it, and should the work "
                "be aimed differently?",
            )
        )
    questions += _national_trend_question(ctx, goal)
    # The actors' goals (totals), one question per kind for all the goals concerned.
    assessed = [(g, _row(ctx, g.id)) for g in _actor_goals(fw, goal.id)]
    named = {
        kind: _listing(
            [
                f"{_quote(g.title, language)} ({fw.actor(g.actor).name})"
                for g, row in assessed
                if row is not None and test(row)
            ],
            language,
        )
        for kind, test in (
            ("away", lambda row: row.status == "moving_away"),
            ("noise", lambda row: _is_false(row.significant)),
        )
    }
    if named["away"]:
        questions.append(
            _say(
                language,
                f"Aktörsmål som går åt fel håll: {named['away']}. Vilket stöd behövs från "
                "samverkan?",
                f"Actor goals moving away from their targets: {named['away']}. What support do "
                "they need from the collaboration?",
            )
        )
    if named["noise"]:
        questions.append(
            _say(
                language,
                f"Förändringen ryms inom slumpvariationen för {named['noise']}. Finns det andra "
                "mått som visar om arbetet ger effekt?",
                f"The change is within random variation for {named['noise']}. Are there other "
                "measures that show whether the work has an effect?",
            )
        )
    return questions


def _who(sexes: Sequence[str], language: Language, bare: bool = False) -> str:
    """Whom a statement concerns: nothing for the total alone, else "för kvinnor", or
    "(totalt och för män)". `bare` names the total too ("totalt"), for lists of figures."""
    words = {
        "total": _say(language, "totalt", "in total"),
        "women": _say(language, "för kvinnor", "for women"),
        "men": _say(language, "för män", "for men"),
    }
    if list(sexes) == ["total"] and not bare:
        return ""
    named = _listing([words[sex] for sex in sexes], language)
    return f" ({named})" if "total" in sexes and not bare else f" {named}"


def _consistency_questions(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    language = ctx.language
    check = ctx.consistency.get(goal.id)
    title = _quote(goal.title, language)
    if check is None:
        return []
    if check.verdict == "insufficient":
        implied = _rate(check.implied_change_percent / 100, language)
        required = _rate(check.required_change_percent / 100, language)
        with_goal = set(check.actors["area"])
        uncovered = [areas.get(c).name for c in check.uncovered if c not in with_goal]
        extra = (
            _say(
                language,
                f", eller behöver {_listing(uncovered, language)} egna mål",
                f", or do {_listing(uncovered, language)} need goals of their own",
            )
            if uncovered
            else ""
        )
        return [
            _say(
                language,
                f"Aktörernas egna mål räcker inte till {title}: tillsammans {implied} mot målets "
                f"{required}. Behöver någon aktör höja sitt mål{extra}?",
                f"The actors' own targets fall short of {title}: together {implied} against the "
                f"target's {required}. Should an actor raise its target{extra}?",
            )
        ]
    if check.verdict == "cannot_assess" and check.actors.empty:
        return [
            _say(
                language,
                f"Ingen aktör har ett eget mål för {title}. Vem bidrar, och hur följer vi upp "
                "bidragen?",
                f"No actor has a goal of its own for {title}. Who contributes, and how do we "
                "follow up the contributions?",
            )
        ]
    return []


def _national_trend_question(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    """When most of an improvement is the national trend, ask what the collaboration added."""
    table = ctx.context
    if table.empty:
        return []
    rows = table[
        (table["goal"] == goal.id)
        & (table["sex"] == "total")
        & (table["comparison_area"] == areas.RIKET)
    ]
    sign = -1 if _decreasing(ctx.fw, goal.indicator) else 1
    for r in rows.itertuples(index=False):
        own, theirs = r.area_change_relative, r.comparison_change_relative
        if _missing(theirs) or sign * own <= 0 or own * theirs <= 0:
            continue
        if abs(own) / 2 <= abs(theirs) < abs(own):
            return [
                _say(
                    ctx.language,
                    f"Det mesta av förbättringen för {_quote(goal.title, 'sv')} följer den "
                    "nationella utvecklingen. Vad har samverkan tillfört utöver den, och hur kan "
                    "vi visa det?",
                    f"Most of the improvement for {_quote(goal.title, 'en')} follows the national "
                    "trend. What has the collaboration added beyond it, and how can we show it?",
                )
            ]
    return []


def _assessment_questions(ctx: ReportContext) -> list[str]:
    fw, language = ctx.fw, ctx.language
    if not fw.actor_goals:
        return []
    missing = [
        g
        for g in fw.actor_goals
        if not any(
            a.goal == g.id and _assessment_period_matches(a, ctx.year) for a in fw.assessments
        )
    ]
    if not missing:
        return []
    names = sorted({fw.actor(g.actor).name for g in missing})
    return [
        _say(
            language,
            f"{len(missing)} av {len(fw.actor_goals)} aktörsmål saknar egen bedömning för "
            f"{ctx.year} ({_listing(names, language)}). Hur säkrar vi att alla bedömer sina mål "
            "till nästa uppföljning?",
            f"{len(missing)} of {len(fw.actor_goals)} actor goals have no assessment for "
            f"{ctx.year} ({_listing(names, language)}). How do we make sure every goal is "
            "assessed for the next follow-up?",
        )
    ]


# --- helpers the parts below and above share -----------------------------------------


def _follow_up_period(period: str, language: Language) -> str:
    """A follow-up period in words: 2024, första halvåret 2024, kvartal 3 2024, maj 2024."""
    year_text, _, part = period.partition("-")
    if part.startswith("h"):
        return message(f"appendix.half_year_{part}", language, year=year_text)
    if part.startswith("q"):
        return message("appendix.quarter", language, quarter=part[1], year=year_text)
    return _period(period, language)


def _kpi_metadata(ctx: ReportContext, indicator: Any) -> ddf.KpiMetadata | None:
    """Kolada's own title, description and producing agency, when the snapshot has them."""
    if not isinstance(indicator, KoladaIndicator):
        return None
    try:
        return ddf.kpi_metadata(indicator.query.kpi, root=ctx.snapshot_dir)
    except ddf.SnapshotError:
        return None


def _definition(metadata: ddf.KpiMetadata) -> str:
    """Kolada's description without its closing "Källa: ...", which the source line gives."""
    return _SOURCE_MARK.split(metadata["description"])[0].strip()


def _gap_text(language: Language, period: str, women: float, men: float, unit: str) -> str:
    """The women/men gap at one period, and whether it is large by the stated rule."""
    relative = max(women, men) / min(women, men) - 1
    higher = SEX[language]["women" if women > men else "men"].lower()
    text = message(
        "extract.sex_gap",
        language,
        period=_period(period, language),
        women=_value(women, unit, language),
        men=_value(men, unit, language),
        higher=higher,
        share=_share(relative, language),
    )
    if relative > LARGE_GAP:
        text += " " + _large_gap_rule(language, large=True)
    return text


# --- the parts that live in modules of their own -------------------------------------

# The notebooks import every part from here (`from collab_metrics.report import sections`).
# The modules below import this module's helpers, so they are loaded on first use rather
# than imported at the top (which would be circular).
_PARTS: Final = {
    "what_changed": "changes",
    "newer_data": "changes",
    "sources": "attribution",
    "_source_line": "attribution",
    "method_appendix": "appendix",
    "actor_extract": "extract",
    "baseline_analysis": "baseline",
}


def __getattr__(name: str) -> Any:
    """A part function from its own module (PEP 562: only names not defined here)."""
    if name not in _PARTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"collab_metrics.report.{_PARTS[name]}"), name)
