"""The public Python API for analysts: one follow-up of one collaboration as one object.

`load()` reads a framework and the store once, for one follow-up period and one `as_of`;
every table and chart of the returned `FollowUp` comes from that same reading, so a chart
and a status can never disagree (the trap of calling the modules one by one). Frames are
keyed by the framework's own ids ("youth-unemployment"), never by the store's series ids
("kolada:N03921"). It is the same reading the report notebooks make.

Examples
--------
>>> import collab_metrics as cm
>>> fu = cm.load(PARAMS, store=STORE, as_of=2017)
>>> fu.period, fu.as_of
('2017', 2017)
>>> fu.status().loc[lambda s: s.sex == "total", ["goal", "status"]].head(2)
                            goal        status
0       halve-youth-unemployment  not_achieved
3  karlskrona-youth-unemployment  not_achieved
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from collab_metrics.model import areas, periods

if TYPE_CHECKING:
    from collab_metrics.charts import Chart
    from collab_metrics.model.framework import ActorGoal, Framework, SharedGoal
    from collab_metrics.pipeline.fetch import FetchOutcome
    from collab_metrics.report.render import Format, Report
    from collab_metrics.report.sections import ReportContext
    from collab_metrics.text.labels import Language

__all__ = ["FollowUp", "fetch", "load", "render"]


def load(
    params: str | Path,
    *,
    store: str | Path | None = None,
    as_of: int | None = None,
    period: str | None = None,
    language: Language | None = None,
) -> FollowUp:
    """Read a collaboration's framework and the store: one follow-up, ready to look at.

    Parameters
    ----------
    params : str or Path
        The framework file (``params/<collaboration>.yaml``).
    store : str or Path, optional
        The DuckDB store that ``collab fetch`` (or `fetch`) filled; default
        ``data/store.duckdb`` or the environment variable ``COLLAB_STORE``.
    as_of : int, optional
        Use only periods up to this year, to reproduce an earlier follow-up.
    period : str, optional
        The follow-up period in the collaboration's cadence ("2024", "2024-h1"); default:
        the latest the shared goals have data for, up to `as_of`.
    language : {"sv", "en"}, optional
        Of the words in charts and reasons; default the framework's.

    Returns
    -------
    FollowUp
        The follow-up; its `as_of` is the follow-up period's year when not given.

    Raises
    ------
    collab_metrics.CollabError
        A framework with problems (`FrameworkError`), a period of the wrong kind
        (`PeriodError`), a store that cannot be opened (`StoreError`).

    Examples
    --------
    >>> fu = load(PARAMS, store=STORE)
    >>> fu.period  # the latest period the shared goals have data for
    '2022'
    """
    from collab_metrics.model.framework import load_framework
    from collab_metrics.report.sections import load_context
    from collab_metrics.store import default_store_path

    store_path = Path(store) if store is not None else default_store_path()
    if not store_path.is_file():
        from collab_metrics.store import StoreError

        raise StoreError(f"no store at {store_path}; fetch first: collab fetch {params}")
    if period is not None:
        period = periods.check(period, load_framework(Path(params)).collaboration.cadence)
    context = load_context(params, store_path, as_of=as_of, language=language, period=period)
    return FollowUp(context)


@dataclasses.dataclass(frozen=True, eq=False)
class FollowUp:
    """One collaboration's follow-up for one period: statistics, judgements and charts.

    Made by `load`. Every method answers for the same period and `as_of`, from the same
    reading of the store.

    Attributes
    ----------
    framework : Framework
        The validated framework, with the actors' imported answers merged in.
    period : str or None
        The follow-up period; None when the store has no data for the shared goals.
    as_of : int or None
        The last year of data that enters the assessment and the charts.
    language : {"sv", "en"}
        Of the words in charts and reasons.
    """

    _context: ReportContext = dataclasses.field(repr=False)

    @property
    def framework(self) -> Framework:
        """The framework, with the actors' imported answers merged in."""
        return self._context.fw

    @property
    def period(self) -> str | None:
        """The follow-up period."""
        return self._context.period

    @property
    def as_of(self) -> int | None:
        """The last year of data in the assessment and the charts."""
        return self._context.as_of

    @property
    def language(self) -> Language:
        """The language of the words in charts and reasons."""
        return self._context.language

    def __repr__(self) -> str:
        name = self._context.fw.collaboration.id
        return f"FollowUp({name!r}, period={self.period!r}, as_of={self.as_of!r})"

    def observations(self) -> pd.DataFrame:
        """The collaboration's data, one row per indicator, area, period and sex.

        Returns
        -------
        pandas.DataFrame
            Columns ``indicator`` (the framework's id), ``area`` (code), ``area_name``,
            ``period`` (an integer year; a `pandas.Period` when some data is monthly),
            ``sex`` ("total", "women", "men"), ``value``, ``status`` (the source's
            missing-value code), ``source``, ``retrieved_at`` and ``series`` (the store's
            id, for provenance). Only periods up to `as_of`; an indicator shared by two
            ids appears under both.

        Examples
        --------
        >>> fu = load(PARAMS, store=STORE, as_of=2017)
        >>> obs = fu.observations()
        >>> row = obs.query("indicator == 'youth-unemployment' and area == '0010'")
        >>> row.query("period == 2013 and sex == 'total'")[["area_name", "value"]]
        ... # doctest: +NORMALIZE_WHITESPACE
                   area_name      value
        ...  Region Blekinge  14.191367
        """
        fw, data = self._context.fw, self._context.observations
        parts = []
        for indicator in fw.indicators:
            series = fw.series_id(indicator.id)
            rows = data[data["indicator"] == series].assign(indicator=indicator.id, series=series)
            parts.append(rows)
        frame = pd.concat(parts, ignore_index=True) if parts else data.assign(series="")
        if self.as_of is not None:
            years = frame["period"].str[:4].astype(int)
            frame = frame[years <= self.as_of]
        names = {code: _area_name(code) for code in frame["area"].unique()}
        frame = frame.assign(area_name=frame["area"].map(names), period=_typed(frame["period"]))
        columns = ["indicator", "area", "area_name", "period", "sex", "value", "status"]
        columns += ["source", "retrieved_at", "series"]
        return frame.loc[:, columns].reset_index(drop=True)

    def status(self) -> pd.DataFrame:
        """Every goal's status against its target, per area and sex (statistics only).

        The documented columns of ``collab status --format csv`` (README, "Assessing the
        goals"): ``goal``, ``actor``, ``area``, ``sex``, the values, ``status``, the
        direction and the forecast, and ``reason``, with the machine-readable
        ``reason_code`` before it. Actors' own judgements are apart, in `judgements`.

        Examples
        --------
        >>> fu = load(PARAMS, store=STORE, as_of=2017)
        >>> fu.status().query("goal == 'halve-youth-unemployment'")[["sex", "status"]]
             sex        status
        0  total  not_achieved
        1  women  not_achieved
        2    men  not_achieved
        """
        from collab_metrics.analysis.assess import COLUMNS

        return self._context.result.loc[:, list(COLUMNS)].reset_index(drop=True)

    def context(self) -> pd.DataFrame:
        """Each shared goal's change against riket and its comparison areas, same years."""
        return self._context.context.reset_index(drop=True)

    def consistency(self) -> pd.DataFrame:
        """Per shared goal: do the actors' own targets, weighted by population, add up?

        One row per shared goal with a population base: ``verdict`` ("sufficient",
        "insufficient", "cannot_assess"), ``reason`` (in words; ``reason_code`` and
        ``reasons`` in codes, README "Assessing the goals"), required and implied change in
        percent, the gap and the coverage, and ``note`` (how the check was weighed, in the
        framework's language; ``notes`` in codes). Goals without a population base are
        absent.

        Examples
        --------
        >>> fu = load(PARAMS, store=STORE, as_of=2017)
        >>> fu.consistency()[["goal", "verdict"]]
                               goal     verdict
        0  halve-youth-unemployment  sufficient
        """
        rows = []
        for check in self._context.consistency.values():
            fields = {f.name: getattr(check, f.name) for f in dataclasses.fields(check)}
            fields |= {
                "reason_code": check.reason_code,
                "reasons": [r.as_dict() for r in check.reasons],
                "notes": [r.as_dict() for r in check.notes],
            }
            rows.append({k: v for k, v in fields.items() if not isinstance(v, pd.DataFrame)})
        return pd.DataFrame(rows)

    def judgements(self) -> pd.DataFrame:
        """The actors' own judgements of their goals, up to the follow-up period.

        Kept beside the statistics, never merged into the status: the actors' word.
        Columns ``goal``, ``actor``, ``period``, ``judgement``, ``justification``, ``owner``.
        """
        fw = self._context.fw
        fields = ["goal", "actor", "period", "judgement", "justification", "owner"]
        frame = pd.DataFrame([a.model_dump() for a in fw.assessments], columns=fields)
        if self.as_of is not None and not frame.empty:
            frame = frame[frame["period"].str[:4].astype(int) <= self.as_of]
        return frame.reset_index(drop=True)

    def actions(self) -> pd.DataFrame:
        """The action plan: ``id``, ``actor``, ``goal``, ``description``, ``responsible``,
        ``due``, ``status``."""
        fw = self._context.fw
        fields = ["id", "actor", "goal", "description", "responsible", "due", "status"]
        return pd.DataFrame([a.model_dump() for a in fw.actions], columns=fields)

    def situation(self, up_to: str | None = None) -> pd.DataFrame:
        """The monthly situation picture's figures (``collab report --kind lagesbild``).

        For every indicator with monthly (or quarterly) data, on the areas of the goals that
        use it (else the collaboration's area), and each sex: the latest period against the
        same period a year earlier, whether the difference is more than random variation,
        and riket for the same period. Statistics only, as numbers and codes.

        Unlike the other methods it reads the newest data in the store, also beyond the
        yearly follow-up period and `as_of`: a situation picture is about the latest month.

        Parameters
        ----------
        up_to : str, optional
            A month ("2024-01") or quarter ("2024K1"): leave later periods out, to
            reproduce an earlier situation picture.

        Returns
        -------
        pandas.DataFrame
            One row per indicator (the framework's id), area and sex. Columns ``indicator``,
            ``area``, ``area_name``, ``sex``, ``frequency`` ("monthly", "quarterly"),
            ``latest_period`` ("2024-01"), ``latest_value``, ``year_ago_period``,
            ``year_ago_value``, ``change`` (latest minus a year earlier), ``change_se`` (its
            standard error, for a share in % of a declared population; else NaN),
            ``noise`` ("beyond_noise", "within_noise", "no_estimate": cannot tell,
            "no_comparison": no value a year earlier), ``riket_value``,
            ``riket_year_ago_value``, ``riket_change``, ``gap_to_riket``, ``window_start``
            (the first period of the 13-month chart) and ``window_periods`` (how many of
            its periods have a value). Empty when no indicator has monthly data.

        Examples
        --------
        >>> fu = load(PARAMS, store=STORE)
        >>> fu.situation().empty  # Blekinge's indicators are all yearly
        True
        >>> fu = load("params/varmland-nya-perspektiv.yaml")  # doctest: +SKIP
        >>> fu.situation().query("sex == 'total'")[["indicator", "latest_period", "latest_value",
        ...     "riket_value", "noise"]]  # doctest: +SKIP
                   indicator latest_period  latest_value  riket_value          noise
        0  ohalsotal-monthly       2024-09          27.9         22.3  no_comparison
        """
        from collab_metrics.analysis import monthly

        ctx = self._context
        frame = monthly.situation(ctx.fw, ctx.observations, up_to)
        names = {code: _area_name(code) for code in frame["area"].unique()}
        frame.insert(2, "area_name", frame["area"].map(names))
        return frame.reset_index(drop=True)

    def warnings(self, previous: FollowUp | str | Path | None = None) -> pd.DataFrame:
        """The early warning: what got worse since `previous`, as codes and numbers.

        The same checks as the box at the top of the report's summary: status downgrades
        and chances falling below the framework's ``early_warning.chance_below`` (only when
        the latest value moved by more than its random variation), targets missed at the
        target year, actions past their due date, actors silent two periods running.

        Parameters
        ----------
        previous : FollowUp, str or Path, optional
            The earlier follow-up: another `load`, or a report folder or its
            ``status.json``. None compares with nothing (missed targets, overdue actions
            and silent actors only).

        Returns
        -------
        pandas.DataFrame
            One row per entry: ``code`` (target_missed, status_downgrade, chance_below,
            action_overdue, actor_silent), ``goal``, ``actor``, ``sex``, ``area``,
            ``action``, ``before`` / ``now`` (status or chance codes), ``before_period`` /
            ``now_period``, ``before_value`` / ``now_value``, ``change``, ``noise`` (1.96
            standard errors of the change), ``distinguishable``, ``due``, ``target_year``.

        Examples
        --------
        >>> before = load(PARAMS, store=STORE, as_of=2016)
        >>> now = load(PARAMS, store=STORE, as_of=2017)
        >>> found = now.warnings(previous=before)
        >>> found.query("code == 'target_missed'")[["goal", "before", "now"]].head(2)
                                    goal               before           now
        0       halve-youth-unemployment  acceleration_needed  not_achieved
        1  karlskrona-youth-unemployment  acceleration_needed  not_achieved
        """
        import json

        from collab_metrics.analysis import warnings as early
        from collab_metrics.report import status_table

        ctx = self._context
        document: dict[str, object] | None
        if isinstance(previous, FollowUp):
            rows = status_table.stable(previous._context.result)
            document = {"period": previous.period, "rows": rows.to_dict(orient="records")}
        elif previous is not None:
            path = Path(previous)
            path = path / "status.json" if path.is_dir() else path
            document = json.loads(path.read_text(encoding="utf-8"))
        else:
            document = None
        found = early.early_warning(
            ctx.fw,
            ctx.result,
            document,
            ctx.observations,
            period=ctx.period,
            reference=ctx.reference_date,
        )
        return found.frame()

    def resources(self) -> pd.DataFrame:
        """Agreed cost split against actual contributions, per actor and year (tidy).

        Contributions the actors' workbooks brought replace the framework file's for the
        same actor and year; ``source`` says which one a row's figures come from. No cost
        per result is computed: put the goals' `status` beside it, never divide by it.

        Returns
        -------
        pandas.DataFrame
            Columns ``year``, ``actor`` (id), ``agreed_share`` (0-1), ``agreed_amount``
            (SEK; missing for shares without a total), ``money`` (SEK), ``staff_fte``,
            ``in_kind``, ``note``, ``source`` ("framework" or "workbook"), ``difference``
            (money minus the agreed amount) and ``actual_share`` (of the year's money).
            Empty when the framework has no ``resources:`` block.

        Examples
        --------
        >>> fu = load(PARAMS, store=STORE, as_of=2017)
        >>> list(fu.resources().columns)[:5]
        ['year', 'actor', 'agreed_share', 'agreed_amount', 'money']
        """
        from collab_metrics.analysis.resources import resource_table

        return resource_table(self._context.fw, self._context.contributions)

    def priorities(self) -> pd.DataFrame:
        """Last period's agreed priorities with their outcome, beside (not in) the status.

        Columns ``priority``, ``text``, ``owner``, ``period``, ``goals`` (linked goal ids),
        ``outcome`` ("done", "partly", "not_done", "dropped"; missing when not answered),
        ``comment`` and ``source`` ("framework" or "workbook").

        Examples
        --------
        >>> fu = load(PARAMS, store=STORE, as_of=2017)
        >>> len(fu.priorities())
        0
        """
        from collab_metrics.analysis.resources import priority_table

        return priority_table(self._context.fw, self._context.priority_answers)

    def goal(self, goal_id: str) -> SharedGoal | ActorGoal:
        """The shared or actor goal with this id; `UnknownId` names the closest one.

        Examples
        --------
        >>> fu = load(PARAMS, store=STORE, as_of=2017)
        >>> try:
        ...     fu.goal("halve-youth")
        ... except cm.CollabError as error:
        ...     print(error)
        no goal 'halve-youth'; did you mean 'halve-youth-unemployment'?
        """
        return self._context.fw.goal(goal_id)

    def chart(self, goal_id: str) -> Chart:
        """A goal's chart as the report draws it: the curve, women and men, comparison
        areas, baseline, target and forecast, up to `as_of`.

        The object shows itself in JupyterLab; ``.png`` is the image, ``.alt`` its text
        alternative, ``.html()`` a ``<figure>`` to embed.

        Examples
        --------
        >>> fu = load(PARAMS, store=STORE, as_of=2017)
        >>> chart = fu.chart("halve-youth-unemployment")
        >>> chart.png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
        True
        """
        from collab_metrics import charts

        ctx = self._context
        ctx.fw.goal(goal_id)  # UnknownId before any drawing
        return charts.goal_chart(
            ctx.fw, ctx.observations, goal_id, ctx.result, ctx.language, ctx.as_of
        )


def fetch(
    params: str | Path,
    *,
    store: str | Path | None = None,
    offline: bool = False,
    snapshot_dir: str | Path | None = None,
) -> FetchOutcome:
    """Fetch every statistic the framework needs into the store, as ``collab fetch`` does.

    Tries the live APIs unless `offline`; if no source can be reached it uses the store,
    then the offline Kolada snapshot (``outcome.data_used`` says which). A failed fetch
    leaves the store as it was and raises `collab_metrics.CollabError`.

    Examples
    --------
    >>> outcome = fetch(PARAMS, store=STORE, offline=True, snapshot_dir=SNAPSHOT)
    >>> outcome.data_used
    'snapshot'
    """
    import collab_metrics.pipeline.fetch as fetching
    from collab_metrics.model.framework import load_framework
    from collab_metrics.sources.ddf import default_snapshot_dir
    from collab_metrics.store import default_store_path

    return fetching.collect(
        load_framework(Path(params)),
        mode="offline" if offline else "network",
        store_path=Path(store) if store is not None else default_store_path(),
        snapshot_dir=Path(snapshot_dir) if snapshot_dir else default_snapshot_dir(),
    )


def render(
    params: str | Path,
    *,
    store: str | Path | None = None,
    out_dir: str | Path = "outputs",
    as_of: int | None = None,
    period: str | None = None,
    formats: tuple[Format, ...] = ("html", "pdf", "xlsx"),
    jobs: int | None = None,
) -> Report:
    """Render the joint report, the actor extracts and the baseline analysis, as
    ``collab report`` does: into ``out_dir/<collaboration>/<as_of or date>/``.

    A report never replaces another; a failure raises `collab_metrics.CollabError`
    (`ReportFailed`) and leaves the last good report untouched. Returns the report's
    folder, main HTML file and manifest.
    """
    from collab_metrics.model.framework import load_framework
    from collab_metrics.report import render as reporting
    from collab_metrics.store import default_store_path

    params = Path(params)
    if period is not None:
        period = periods.check(period, load_framework(params).collaboration.cadence)
    return reporting.render(
        params,
        store=Path(store) if store is not None else default_store_path(),
        out_dir=Path(out_dir),
        as_of=as_of,
        formats=formats,
        jobs=jobs,
        period=period,
    )


def _area_name(code: str) -> str:
    """The area's name, or the code itself for an area outside the registry."""
    from collab_metrics.text import format as text_format

    try:
        return text_format.area_name(code)
    except areas.UnknownAreaError:
        return code


def _typed(period: pd.Series) -> pd.Series:
    """Integer years when every period is a year, else `pandas.Period` (year or month)."""
    text = period.astype(str)
    if text.str.fullmatch(r"\d{4}").all():
        return text.astype("Int64")
    return text.map(lambda p: pd.Period(p, freq="M" if len(p) == 7 else "Y"))
