"""The baseline analysis (nulägesanalys): the shared goals' indicators over time, for women
and men, and among all the country's municipalities."""

from __future__ import annotations

from typing import Any

import pandas as pd

from collab_metrics.charts import figures as charts
from collab_metrics.model import areas
from collab_metrics.model.framework import (
    KoladaIndicator,
    SharedGoal,
)
from collab_metrics.report.attribution import _indicator_definition, _source_line
from collab_metrics.report.changes import _municipalities
from collab_metrics.report.sections import (
    Content,
    Html,
    ReportContext,
    _area,
    _chart,
    _date,
    _el,
    _gap_text,
    _join,
    _large_gap_rule,
    _listing,
    _quote,
    _say,
    _table,
    _tr,
    _value,
)
from collab_metrics.sources import ddf
from collab_metrics.text.labels import (
    SEX,
)


def baseline_analysis(ctx: ReportContext) -> Html:
    """For each indicator of the shared goals: the long series against riket and comparison
    areas, women and men, and the distribution over all municipalities."""
    fw, language = ctx.fw, ctx.language
    uses: dict[str, list[tuple[SharedGoal, bool]]] = {}
    for goal in fw.shared_goals:
        uses.setdefault(goal.indicator, []).append((goal, True))
        for indicator_id in goal.context_indicators:
            uses.setdefault(indicator_id, []).append((goal, False))
    intro = _say(
        language,
        f"Nulägesanalysen beskriver de indikatorer som de gemensamma målen bygger på: "
        f"utvecklingen för {_area(fw.collaboration.area, language)} så långt bakåt som "
        "statistiken räcker, jämfört med riket och andra områden, skillnaderna mellan kvinnor "
        "och män, och hur kommunerna ligger till bland landets alla kommuner.",
        f"The baseline analysis describes the indicators the shared goals rest on: the trend "
        f"for {_area(fw.collaboration.area, language)} as far back as the statistics go, "
        "compared with Sweden and other areas, the gaps between women and men, and where the "
        "municipalities stand among all the country's municipalities.",
    )
    return _el(
        "article",
        _el(
            "h1",
            _say(
                language,
                f"Nulägesanalys: {fw.collaboration.name}",
                f"Baseline analysis: {fw.collaboration.name}",
            ),
        ),
        _el("p", intro),
        _el("p", _large_gap_rule(language), cls="note"),
        [_baseline_indicator(ctx, indicator_id, goals) for indicator_id, goals in uses.items()],
        cls="baseline-analysis",
    )


def _baseline_indicator(
    ctx: ReportContext, indicator_id: str, uses: list[tuple[SharedGoal, bool]]
) -> Html:
    fw, language = ctx.fw, ctx.language
    indicator = fw.indicator(indicator_id)
    goal, is_goal_indicator = next(((g, own) for g, own in uses if own), uses[0])
    area = goal.area
    comparisons = [
        code
        for code in dict.fromkeys(goal.comparison_areas or [areas.RIKET, areas.region_of(area)])
        if code != area
    ]
    used_for = _listing(
        [
            _say(
                language,
                f"mått för målet {_quote(g.title, 'sv')}",
                f"the measure of the goal {_quote(g.title, 'en')}",
            )
            if own
            else _say(
                language,
                f"sammanhang till målet {_quote(g.title, 'sv')}",
                f"context for the goal {_quote(g.title, 'en')}",
            )
            for g, own in uses
        ],
        language,
    )
    about = [_say(language, f"Indikatorn är {used_for}.", f"The indicator is {used_for}.")]
    definition = _indicator_definition(ctx, indicator)
    if definition:
        about.append(definition)
    about.append(_source_line(ctx, indicator) + ".")
    series = fw.series_id(indicator_id)
    has_area = _has_values(ctx, series, area, "total")
    over_time: list[Content] = [
        _el("h3", _say(language, "Utveckling över tid", "Trend over time")),
        _year_table(ctx, indicator, area, comparisons),
    ]
    if is_goal_indicator:
        over_time.append(
            _chart(
                charts.goal_chart(fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of)
            )
        )
    elif not has_area:
        over_time.append(
            _el(
                "p",
                _say(
                    language,
                    f"Statistiken redovisas inte för {_area(area, language)}; se kommunerna nedan.",
                    f"The statistics are not published for {_area(area, language)}; see the "
                    "municipalities below.",
                ),
            )
        )
    return _el(
        "section",
        _el("h2", indicator.title, id=f"indicator-{indicator_id}"),
        _el("p", " ".join(about), cls="indicator-about"),
        over_time,
        _baseline_sexes(ctx, indicator, area),
        _distribution_part(ctx, indicator),
        cls="baseline-indicator",
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


def _year_table(ctx: ReportContext, indicator: Any, area: str, comparisons: list[str]) -> Html:
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
        return _el(
            "p",
            _say(language, "Inga värden finns i lagret.", "There are no values in the store."),
        )
    # Short headers keep the table within a page: the caption says whose women and men.
    headers = [_say(language, "År", "Year")] + [
        _area(code, language, start=True) if sex == "total" else SEX[language][sex]
        for code, sex in columns
    ]
    body = [
        _tr(
            period,
            [_value(wide.at[period, column], indicator.unit, language) for column in columns],
            numeric=range(len(columns)),
        )
        for period in sorted(wide.index)
    ]
    own = _area(area, language)
    caption = _say(
        language,
        f"{indicator.title} ({indicator.unit}) per år: {own} totalt och för kvinnor och män, "
        "och jämförelseområden",
        f"{indicator.title} ({indicator.unit}) by year: {own} in total and for women and men, "
        "and comparison areas",
    )
    return _table(caption, headers, body, cls="year-table")


def _baseline_sexes(ctx: ReportContext, indicator: Any, area: str) -> Html:
    """Women and men on the area: the latest gap in words and the gap over time."""
    language = ctx.language
    if "sex" not in indicator.breakdowns:
        return Html()
    heading = _el("h3", _say(language, "Kvinnor och män", "Women and men"))
    series = ctx.fw.series_id(indicator.id)
    rows = _annual(ctx, series)
    rows = rows[rows["area"] == area]
    wide = rows.pivot_table(index="period", columns="sex", values="value", aggfunc="first")
    if not {"women", "men"} <= set(wide.columns):
        return _join(
            heading,
            _el(
                "p",
                _say(
                    language,
                    f"Det finns inga värden för kvinnor och män i {_area(area, language)}.",
                    f"There are no values for women and men in {_area(area, language)}.",
                ),
            ),
        )
    both = wide[["women", "men"]].dropna()
    both = both[(both > 0).all(axis=1)]
    sentence = (
        _gap_text(
            language, both.index[-1], both["women"].iloc[-1], both["men"].iloc[-1], indicator.unit
        )
        if len(both)
        else ""
    )
    chart = charts.gap_chart(ctx.fw, ctx.observations, indicator.id, area, language, ctx.as_of)
    return _join(heading, _el("p", sentence) if sentence else None, _chart(chart))


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


def _distribution_part(ctx: ReportContext, indicator: Any) -> Html:
    """The collaboration's municipalities among all the country's, at the latest year."""
    fw, language = ctx.fw, ctx.language
    heading = _el("h3", _say(language, "Landets kommuner", "All municipalities"))
    frame, year, filled = _distribution_data(ctx, indicator)
    if year is None:
        return _join(
            heading,
            _el(
                "p",
                _say(
                    language,
                    "Värden för landets kommuner finns inte för den här indikatorn.",
                    "Values for the country's municipalities are not available for this indicator.",
                ),
            ),
        )
    own = [m.code for m in _municipalities(fw.collaboration.area)]
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
    text = _say(
        language,
        f"{year} var medianen för landets {len(values)} kommuner "
        f"{_value(median, unit, language)}. {len(better)} av {len(present)} kommuner i "
        f"{_area(fw.collaboration.area, language)} hade ett bättre värde än medianen.",
        f"In {year} the median of the country's {len(values)} municipalities was "
        f"{_value(median, unit, language)}. {len(better)} of {len(present)} municipalities in "
        f"{_area(fw.collaboration.area, language)} had a better value than the median.",
    )
    if filled:
        when = _date(ddf.SNAPSHOT_RETRIEVED_AT.date(), language)
        text += " " + _say(
            language,
            f"Kommunerna utanför samverkan kommer från Kolada-utdraget ({when}), eftersom "
            "lagret bara har samverkans egna kommuner.",
            f"The municipalities outside the collaboration come from the Kolada snapshot "
            f"({when}), as the store holds only the collaboration's own municipalities.",
        )
    body = [
        _tr(
            _area(code, language),
            [_value(values[code], unit, language), f"{int(ranks[code])} / {len(values)}"],
            numeric=(0, 1),
        )
        for code in sorted(present, key=lambda c: ranks[c])
    ]
    headers = [
        _say(language, "Kommun", "Municipality"),
        _say(language, "Värde", "Value"),
        _say(language, "Plats (1 = bäst)", "Rank (1 = best)"),
    ]
    caption = _say(
        language,
        f"{indicator.title} {year}: kommunerna i {_area(fw.collaboration.area, language)}",
        f"{indicator.title} {year}: the municipalities in {_area(fw.collaboration.area, language)}",
    )
    return _join(heading, _chart(chart), _el("p", text), _table(caption, headers, body, "ranks"))
