"""The one-page summary: goals per status, verdicts at the target year, the goals table."""

from __future__ import annotations

import math
from collections import Counter

from collab_metrics.analysis.assess import (
    SHORT_TERM,
    STATUSES,
)
from collab_metrics.charts import figures as charts
from collab_metrics.report.context import (
    ReportContext,
    _chance,
    _row,
    _sex_rows,
    _unit,
)
from collab_metrics.report.markup import (
    Html,
    _chart,
    _direction,
    _el,
    _status,
    _table,
    _tr,
    _value_cell,
)
from collab_metrics.report.wording import (
    _missing,
    _quote,
    _say,
    _share,
)
from collab_metrics.text.labels import (
    SEX,
    Language,
)


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
