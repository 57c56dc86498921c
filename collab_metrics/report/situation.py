"""The monthly situation picture (lägesbild): one page on the indicators that come by month.

`load_situation` reads the framework and the store and runs the analysis
(`analysis.monthly`); `situation_picture` renders the page from its view model
(`SituationView`, template `parts/situation_picture.html.j2`, words in
`text/messages/situation.yaml`): the latest month against the same month last year and
riket, whether the difference is more than random variation, a 13-month chart per
indicator, and what changed since the previous situation picture (its `situation.json`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

import pandas as pd

from collab_metrics import charts
from collab_metrics.analysis import monthly
from collab_metrics.errors import InputError
from collab_metrics.model import areas
from collab_metrics.model.framework import Framework, load_framework
from collab_metrics.report.markup import Html
from collab_metrics.report.templating import Row, Table, render
from collab_metrics.store import Store
from collab_metrics.text import format as fmt
from collab_metrics.text import overrides
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import Language

MAX_CHANGES: Final = 8  # lines of "what changed" on the page; situation.json has them all
RECORD: Final = "situation.json"


class NoMonthlyData(InputError):
    """A framework whose indicators have no monthly or quarterly data: no situation picture."""


@dataclass(eq=False)  # eq=False: DataFrame fields have no truth value
class SituationContext:
    """What the situation picture shows: the framework, the data and the analysis's rows."""

    fw: Framework
    observations: pd.DataFrame
    rows: pd.DataFrame  # analysis.monthly.situation()
    language: Language
    previous: dict[str, Any] | None = None  # the previous picture's situation.json
    previous_date: date | None = None
    report_date: date = field(default_factory=date.today)

    @property
    def latest(self) -> str:
        """The newest period the picture shows ("2024-01", "2024K1")."""
        return str(max(self.rows["latest_period"]))

    @property
    def templates(self) -> tuple[Path, ...]:
        """The collaboration's own template folder, read before the package's."""
        return () if self.fw.path is None else tuple(overrides.template_dirs(self.fw.path))


def load_situation(
    params: str | Path,
    store: str | Path,
    previous: str | Path | None = None,
    language: Language | None = None,
    up_to: str | None = None,
) -> SituationContext:
    """Read the framework and the store and analyse every monthly (or quarterly) indicator.

    `previous` is the previous situation picture's `situation.json` (ignored when missing);
    `up_to` a month or quarter to leave later data out. NoMonthlyData (exit 2) when no
    indicator has such data.
    """
    fw = load_framework(Path(params))
    series = sorted({fw.series_id(i.id) for i in fw.indicators})
    with Store.open(Path(store), read_only=True) as opened:
        observations = opened.current(indicators=series)
    rows = monthly.situation(fw, observations, up_to)
    if rows.empty:
        raise NoMonthlyData(
            f"no indicator with monthly data in {params}; a situation picture needs an "
            "indicator (not a neutral weighting base) whose values come by month or quarter "
            "(an actor file with a month column, a PxWeb monthly table), fetched into the "
            "store (collab fetch)"
        )
    document, made = None, None
    path = Path(previous) if previous else None
    if path is not None and path.is_file():
        document = json.loads(path.read_text(encoding="utf-8"))
        manifest = path.with_name("manifest.json")
        if manifest.is_file():
            created = json.loads(manifest.read_text(encoding="utf-8")).get("created_at")
            made = datetime.fromisoformat(created).date() if created else None
    return SituationContext(
        fw, observations, rows, language or fw.collaboration.language, document, made
    )


def record(ctx: SituationContext) -> dict[str, Any]:
    """What the next situation picture compares with: the rows and the windows shown."""
    rows = ctx.rows.astype(object).where(ctx.rows.notna(), None)
    return {
        "kind": "lagesbild",
        "latest_period": ctx.latest,
        "rows": rows.to_dict(orient="records"),
        "windows": monthly.record(ctx.fw, ctx.observations, ctx.rows),
    }


def changes(ctx: SituationContext) -> pd.DataFrame:
    """What changed since the previous picture (`analysis.monthly.CHANGE_COLUMNS`)."""
    before = (ctx.previous or {}).get("windows", [])
    return monthly.changes_since(before, record(ctx)["windows"])


def document_title(fw: Framework, latest: str, language: Language) -> str:
    """ "Nya perspektiv – lägesbild januari 2024": the HTML title and running head."""
    return message(
        "situation.document_title",
        language,
        name=fw.collaboration.name,
        period=when(latest, language),
    )


def when(period: str, language: Language) -> str:
    """A month as "januari 2024", a quarter "2024K1" as the data writes it."""
    return fmt.period(period, language)


@dataclass(frozen=True)
class IndicatorView:
    """One indicator on one area: its sentences and its 13-month chart."""

    heading: str
    sentences: tuple[str, ...]
    chart: Html


@dataclass(frozen=True)
class SituationView:
    """The situation picture's view model: every value formatted for the language."""

    kicker: str
    name: str
    period: str
    lead: str
    table: Table
    indicators: tuple[IndicatorView, ...]
    changed_title: str
    changed_lead: str
    changed: tuple[str, ...]
    sources: str


def situation_picture(ctx: SituationContext) -> Html:
    """The one-page situation picture (`parts/situation_picture.html.j2`)."""
    with overrides.using(ctx.fw.path):
        view = situation_view(ctx)
        return render("parts/situation_picture.html.j2", view, ctx.templates)


def situation_view(ctx: SituationContext) -> SituationView:
    """The page's words, numbers and charts."""
    fw, language = ctx.fw, ctx.language
    shown = _shown(ctx.rows)
    headers = [
        message(f"situation.column_{name}", language)
        for name in ("indicator", "latest", "year_ago", "change", "noise", "riket")
    ]
    body, items = [], []
    for r in shown.itertuples(index=False):
        indicator = fw.indicator(r.indicator)
        unit = indicator.unit
        title = f"{indicator.title}, {fmt.area_name(r.area, language)}"
        body.append(
            Row(
                title,
                [
                    fmt.value_at(r.latest_value, r.latest_period, unit, language),
                    fmt.value_with_unit(r.year_ago_value, unit, language),
                    _difference(r.change, unit, language),
                    message(f"situation.noise_{r.noise}", language),
                    fmt.value_with_unit(r.riket_value, unit, language),
                ],
                frozenset({0, 1, 2, 4}),
            )
        )
        chart = charts.situation_chart(
            fw, ctx.observations, r.indicator, r.area, r.latest_period, language, r.sex
        )
        items.append(IndicatorView(title, tuple(_sentences(fw, r, language)), Html(chart.html())))
    table = Table(message("situation.table_caption", language), headers, body, "situation-table")
    changed_lead, changed = _changed(ctx)
    sources = sorted({_source(fw, i, language) for i in shown["indicator"]})
    return SituationView(
        kicker=message("situation.kicker", language),
        name=fw.collaboration.name,
        period=message(
            "situation.period_line",
            language,
            period=when(ctx.latest, language),
            date=fmt.date(ctx.report_date, language),
        ),
        lead=message("situation.lead_monthly", language),
        table=table,
        indicators=tuple(items),
        changed_title=message("situation.changed_title", language),
        changed_lead=changed_lead,
        changed=tuple(changed),
        sources=message("situation.sources", language, sources="; ".join(sources)),
    )


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    """The total of each indicator and area (women and men are in the API's frame), or the
    first sex there is when an indicator has no total."""
    ordered = rows.assign(order=rows["sex"].map({"total": 0, "women": 1, "men": 2}))
    ordered = ordered.sort_values(["order"], kind="stable")
    return ordered.drop_duplicates(["indicator", "area"]).sort_index().drop(columns="order")


def _difference(change: float, unit: str, language: Language) -> str:
    """A signed difference: "+0,4 procentenheter", "−1,2 dagar"; "–" when missing."""
    if fmt.missing(change):
        return fmt.DASH
    text = (
        fmt.points(change, language)
        if unit.strip() == "%"
        else fmt.value_with_unit(change, unit, language)
    )
    return text if round(change, 1) <= 0 else f"+{text}"


def _sentences(fw: Framework, r: Any, language: Language) -> list[str]:
    """What a reader should take from one row, in words."""
    indicator = fw.indicator(r.indicator)
    unit = indicator.unit
    title = indicator.title
    area = fmt.area_name(r.area, language, in_sentence=True)
    now, before = when(r.latest_period, language), when(r.year_ago_period, language)
    value = fmt.value_with_unit(r.latest_value, unit, language)
    if r.noise == "no_comparison":
        lines = [
            message(
                "situation.sentence_no_year_ago",
                language,
                title=title,
                area=area,
                value=value,
                when=now,
                when_before=before,
            )
        ]
        return lines + _riket(r, unit, now, language)
    lines = [
        message(
            "situation.sentence_change",
            language,
            title=title,
            area=area,
            value=value,
            when=now,
            change=_moved(r.change, unit, language),
            when_before=before,
            value_before=fmt.value_with_unit(r.year_ago_value, unit, language),
        )
    ]
    if r.noise == "beyond_noise":
        better = (r.change < 0) == (indicator.direction == "decrease")
        lines.append(message(f"situation.verdict_{'better' if better else 'worse'}", language))
    elif r.noise == "within_noise":
        lines.append(message("situation.verdict_within", language))
    else:
        lines.append(message("situation.verdict_cannot_tell", language))
    return lines + _riket(r, unit, now, language)


def _riket(r: Any, unit: str, now: str, language: Language) -> list[str]:
    """Riket's value for the same period, and its change in a year where it has one."""
    if r.area == areas.RIKET:
        return []
    if fmt.missing(r.riket_value):
        return [message("situation.sentence_no_riket", language, when=now)]
    riket = fmt.value_with_unit(r.riket_value, unit, language)
    if fmt.missing(r.riket_change):
        return [message("situation.sentence_riket_only", language, when=now, value=riket)]
    moved = _moved(r.riket_change, unit, language)
    return [message("situation.sentence_riket", language, when=now, value=riket, change=moved)]


def _moved(change: float, unit: str, language: Language) -> str:
    """ "upp 0,4 procentenheter", "ned 1,2 dagar", "oförändrat" (rounded as shown)."""
    size = abs(change)
    shown = (
        fmt.points(size, language)
        if unit.strip() == "%"
        else fmt.value_with_unit(size, unit, language)
    )
    if round(size, 1) == 0:
        return message("situation.change_none", language)
    key = "situation.change_up" if change > 0 else "situation.change_down"
    return message(key, language, difference=shown)


def _changed(ctx: SituationContext) -> tuple[str, list[str]]:
    """The lead and lines of "since the last situation picture"."""
    language, fw = ctx.language, ctx.fw
    if ctx.previous is None:
        return message("situation.first_picture", language), []
    made = fmt.date(ctx.previous_date, language) if ctx.previous_date else "–"
    period = when(str(ctx.previous.get("latest_period", "–")), language)
    lead = message("situation.compared_with", language, date=made, period=period)
    found = changes(ctx)
    if found.empty:
        return lead, [message("situation.nothing_changed", language)]
    lines = []
    for (indicator_id, area, sex), group in found.groupby(["indicator", "area", "sex"], sort=False):
        indicator = fw.indicator(str(indicator_id))
        title = indicator.title + (
            "" if sex == "total" else f" ({fmt.sex(str(sex), language).lower()})"
        )
        name = fmt.area_name(str(area), language, in_sentence=True)
        new = group[group["change"] == "new"]["period"].tolist()
        if new:
            span = when(new[0], language) + ("" if len(new) == 1 else f"–{when(new[-1], language)}")
            key = "situation.changed_new_one" if len(new) == 1 else "situation.changed_new"
            lines.append(message(key, language, title=title, area=name, count=len(new), span=span))
        for r in group[group["change"] != "new"].itertuples(index=False):
            values = {
                "before": fmt.value_with_unit(r.before, indicator.unit, language),
                "now": fmt.value_with_unit(r.now, indicator.unit, language),
            }
            key = f"situation.changed_{r.change}"  # withdrawn: no {now}
            lines.append(
                message(
                    key, language, title=title, area=name, when=when(r.period, language), **values
                )
            )
    if len(lines) > MAX_CHANGES:
        rest = len(lines) - MAX_CHANGES + 1
        lines = [*lines[: MAX_CHANGES - 1], message("situation.changed_more", language, count=rest)]
    return lead, lines


def _source(fw: Framework, indicator_id: str, language: Language) -> str:
    """Where an indicator's numbers come from, as the report's sources name it."""
    indicator = fw.indicator(indicator_id)
    if indicator.source == "file":
        actor = (
            fw.actor(indicator.reported_by).name
            if indicator.reported_by
            else fw.collaboration.owner
        )
        return f"{fmt.source_name('file', language)} ({actor})"
    url = getattr(indicator.query, "url", None) or (
        fw.pxweb_url if indicator.source == "pxweb" else None
    )
    return fmt.source_name(indicator.source, language, url)


__all__ = [
    "RECORD",
    "NoMonthlyData",
    "SituationContext",
    "SituationView",
    "changes",
    "document_title",
    "load_situation",
    "record",
    "situation_picture",
    "situation_view",
]
