"""The baseline analysis (nulägesanalys): the shared goals' indicators over time, for women
and men, and among all the country's municipalities.

`baseline_view` builds the view model (`BaselineView`); `parts/baseline_analysis.html.j2`
renders it. Words come from `text/messages/extract.yaml` and `text/prose/<language>/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import Markup

from collab_metrics import charts
from collab_metrics.model import areas
from collab_metrics.model.framework import (
    KoladaIndicator,
    SharedGoal,
)
from collab_metrics.report.attribution import indicator_definition, source_line
from collab_metrics.report.changes import municipalities_of
from collab_metrics.report.context import ReportContext
from collab_metrics.report.markup import Html, chart_figure
from collab_metrics.report.questions import large_gap_rule
from collab_metrics.report.shared import gap_text
from collab_metrics.report.templating import Row, Table, markup, render
from collab_metrics.report.wording import listing, quote
from collab_metrics.sources import ddf
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import (
    SEX,
)
from collab_metrics.text.prose import prose


@dataclass(frozen=True)
class SexesView:
    """Women and men on the goal's area: the latest gap in words and over time."""

    title: str
    note: str | None = None
    sentence: str | None = None
    chart: Markup | None = None


@dataclass(frozen=True)
class DistributionView:
    """The collaboration's municipalities among all the country's, at the latest year."""

    title: str
    note: str | None = None
    chart: Markup | None = None
    text: str | None = None
    table: Table | None = None


@dataclass(frozen=True)
class IndicatorView:
    """One indicator of the shared goals: what it is, its long series, women and men, and
    the country's municipalities."""

    id: str
    title: str
    about: str
    trend_title: str
    year_table: Table | None
    no_values: str | None
    chart: Markup | None
    not_published: str | None
    sexes: SexesView | None
    distribution: DistributionView


@dataclass(frozen=True)
class BaselineView:
    """The baseline analysis (nulägesanalys) of a collaboration."""

    title: str
    intro: Markup
    gap_rule: str
    indicators: list[IndicatorView]


def baseline_view(ctx: ReportContext) -> BaselineView:
    """For each indicator of the shared goals: the long series against riket and comparison
    areas, women and men, and the distribution over all municipalities."""
    fw, language = ctx.fw, ctx.language
    uses: dict[str, list[tuple[SharedGoal, bool]]] = {}
    for goal in fw.shared_goals:
        uses.setdefault(goal.indicator, []).append((goal, True))
        for indicator_id in goal.context_indicators:
            uses.setdefault(indicator_id, []).append((goal, False))
    return BaselineView(
        title=message("extract.baseline_title", language, collaboration=fw.collaboration.name),
        intro=prose(
            "baseline_intro",
            language,
            ctx.templates,
            area=fmt.area_name(fw.collaboration.area, language, in_sentence=True),
        ),
        gap_rule=large_gap_rule(language),
        indicators=[_baseline_indicator(ctx, i, goals) for i, goals in uses.items()],
    )


def baseline_analysis(ctx: ReportContext) -> Html:
    """The baseline analysis (`parts/baseline_analysis.html.j2`)."""
    return render("parts/baseline_analysis.html.j2", baseline_view(ctx), ctx.templates)


def _baseline_indicator(
    ctx: ReportContext, indicator_id: str, uses: list[tuple[SharedGoal, bool]]
) -> IndicatorView:
    fw, language = ctx.fw, ctx.language
    indicator = fw.indicator(indicator_id)
    goal, is_goal_indicator = next(((g, own) for g, own in uses if own), uses[0])
    area = goal.area
    comparisons = [
        code
        for code in dict.fromkeys(goal.comparison_areas or [areas.RIKET, areas.region_of(area)])
        if code != area
    ]
    used_for = listing(
        [
            message("extract.used_as_measure", language, goal=quote(g.title, language))
            if own
            else message("extract.used_as_context", language, goal=quote(g.title, language))
            for g, own in uses
        ],
        language,
    )
    about = [message("extract.indicator_used_for", language, used_for=used_for)]
    definition = indicator_definition(ctx, indicator)
    if definition:
        about.append(definition)
    about.append(source_line(ctx, indicator) + ".")
    series = fw.series_id(indicator_id)
    year_table = _year_table(ctx, indicator, area, comparisons)
    chart, not_published = None, None
    if is_goal_indicator:
        chart = markup(
            chart_figure(
                charts.goal_chart(fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of)
            )
        )
    elif not _has_values(ctx, series, area, "total"):
        not_published = message(
            "extract.not_published_for_area",
            language,
            area=fmt.area_name(area, language, in_sentence=True),
        )
    return IndicatorView(
        id=indicator_id,
        title=indicator.title,
        about=" ".join(about),
        trend_title=message("extract.trend_title", language),
        year_table=year_table,
        no_values=None if year_table else message("extract.no_values_in_store", language),
        chart=chart,
        not_published=not_published,
        sexes=_baseline_sexes(ctx, indicator, area),
        distribution=_distribution_part(ctx, indicator),
    )


def _annual(ctx: ReportContext, series: str) -> pd.DataFrame:
    """A series' annual values up to the follow-up year."""
    obs = ctx.observations
    rows = obs[(obs["indicator"] == series) & obs["value"].notna() & (obs["period"].str.len() == 4)]
    if ctx.year is not None:
        rows = rows[rows["period"].astype(int) <= ctx.year]
    return rows


def _has_values(ctx: ReportContext, series: str, area: str, sex: str) -> bool:
    rows = _annual(ctx, series)
    return bool(((rows["area"] == area) & (rows["sex"] == sex)).any())


def _year_table(
    ctx: ReportContext, indicator: Any, area: str, comparisons: list[str]
) -> Table | None:
    """Every year's value for the area (total, women, men) and the comparison areas."""
    language = ctx.language
    rows = _annual(ctx, ctx.fw.series_id(indicator.id))
    columns = [(area, "total")]
    if "sex" in indicator.breakdowns:
        columns += [(area, "women"), (area, "men")]
    columns += [(code, "total") for code in comparisons]
    wide = rows.pivot_table(
        index="period", columns=["area", "sex"], values="value", aggfunc="first"
    )
    columns = [c for c in columns if c in wide.columns]
    if not columns:
        return None
    # Short headers keep the table within a page: the caption says whose women and men.
    headers = [message("extract.column_year", language)] + [
        fmt.area_name(code, language) if sex == "total" else SEX[language][sex]
        for code, sex in columns
    ]
    body = [
        Row(
            period,
            [
                fmt.value_with_unit(wide.at[period, column], indicator.unit, language)
                for column in columns
            ],
            frozenset(range(len(columns))),
        )
        for period in sorted(wide.index)
    ]
    own = fmt.area_name(area, language, in_sentence=True)
    caption = message(
        "extract.year_table_caption", language, title=indicator.title, unit=indicator.unit, own=own
    )
    return Table(caption, headers, body, cls="year-table")


def _baseline_sexes(ctx: ReportContext, indicator: Any, area: str) -> SexesView | None:
    """Women and men on the area: the latest gap in words and the gap over time."""
    language = ctx.language
    if "sex" not in indicator.breakdowns:
        return None
    title = message("extract.women_and_men_title", language)
    series = ctx.fw.series_id(indicator.id)
    rows = _annual(ctx, series)
    rows = rows[rows["area"] == area]
    wide = rows.pivot_table(index="period", columns="sex", values="value", aggfunc="first")
    if not {"women", "men"} <= set(wide.columns):
        note = message(
            "extract.no_values_by_sex",
            language,
            area=fmt.area_name(area, language, in_sentence=True),
        )
        return SexesView(title, note=note)
    both = wide[["women", "men"]].dropna()
    both = both[(both > 0).all(axis=1)]
    sentence = (
        gap_text(
            language, both.index[-1], both["women"].iloc[-1], both["men"].iloc[-1], indicator.unit
        )
        if len(both)
        else None
    )
    chart = charts.gap_chart(ctx.fw, ctx.observations, indicator.id, area, language, ctx.as_of)
    return SexesView(title, sentence=sentence, chart=markup(chart_figure(chart)))


def _distribution_data(ctx: ReportContext, indicator: Any) -> tuple[pd.DataFrame, int | None, bool]:
    """Every municipality's total values, the latest year most of them have, and whether the
    offline snapshot filled in municipalities outside the collaboration.

    The store holds the collaboration's own municipalities only; for a Kolada indicator the
    snapshot supplies the rest of the country, and the report says so.
    """
    series = ctx.fw.series_id(indicator.id)
    everyone = [m.code for m in areas.municipalities()]
    rows = _annual(ctx, series)
    # Riket too: the chart draws it as a reference line.
    rows = rows[(rows["sex"] == "total") & rows["area"].isin([*everyone, areas.RIKET])]
    filled = False
    if isinstance(indicator, KoladaIndicator) and rows["area"].nunique() < len(everyone) / 2:
        request = ddf.SnapshotRequest(
            indicator=series, kpi=indicator.query.kpi, areas=everyone, sexes=("total",)
        )
        try:
            snapshot = ddf.read_snapshot([request], root=ctx.snapshot_dir).frame
        except ddf.SnapshotError:
            snapshot = rows.iloc[0:0]
        snapshot = snapshot[snapshot["value"].notna()]
        if ctx.year is not None:
            snapshot = snapshot[snapshot["period"].astype(int) <= ctx.year]
        known = set(zip(rows["area"], rows["period"], strict=True))
        extra = snapshot[
            [key not in known for key in zip(snapshot["area"], snapshot["period"], strict=True)]
        ]
        filled = not extra.empty
        rows = pd.concat([rows, extra], ignore_index=True)
    counts = rows[rows["area"] != areas.RIKET].groupby("period")["area"].nunique()
    covered = counts[counts >= len(everyone) / 2]
    year = int(covered.index.max()) if len(covered) else None
    return rows, year, filled


def _distribution_part(ctx: ReportContext, indicator: Any) -> DistributionView:
    """The collaboration's municipalities among all the country's, at the latest year."""
    fw, language = ctx.fw, ctx.language
    title = message("extract.all_municipalities_title", language)
    frame, year, filled = _distribution_data(ctx, indicator)
    if year is None:
        return DistributionView(title, note=message("extract.no_distribution", language))
    own = [m.code for m in municipalities_of(fw.collaboration.area)]
    chart = charts.distribution_chart(fw, frame, indicator.id, year, own, language)
    in_year = frame[(frame["period"] == str(year)) & (frame["area"] != areas.RIKET)]
    values = in_year.set_index("area")["value"]
    lower_is_better = indicator.direction == "decrease"
    ranks = values.rank(ascending=lower_is_better, method="min")
    median = float(values.median())
    better = [
        c for c in own if c in values and (values[c] - median) * (-1 if lower_is_better else 1) > 0
    ]
    present = [c for c in own if c in values]
    unit = indicator.unit
    text = message(
        "extract.median_sentences",
        language,
        year=year,
        count=len(values),
        median=fmt.value_with_unit(median, unit, language),
        better=len(better),
        present=len(present),
        area=fmt.area_name(fw.collaboration.area, language, in_sentence=True),
    )
    if filled:
        when = fmt.date(ddf.SNAPSHOT_RETRIEVED_AT.date(), language)
        text += " " + message("extract.snapshot_filled", language, when=when)
    body = [
        Row(
            fmt.area_name(code, language, in_sentence=True),
            [
                fmt.value_with_unit(values[code], unit, language),
                f"{int(ranks[code])} / {len(values)}",
            ],
            frozenset({0, 1}),
        )
        for code in sorted(present, key=lambda c: ranks[c])
    ]
    headers = [
        message("extract.column_municipality", language),
        message("extract.column_value", language),
        message("extract.column_rank", language),
    ]
    caption = message(
        "extract.ranks_caption",
        language,
        title=indicator.title,
        year=year,
        area=fmt.area_name(fw.collaboration.area, language, in_sentence=True),
    )
    table = Table(caption, headers, body, cls="ranks")
    return DistributionView(title, chart=markup(chart_figure(chart)), text=text, table=table)
