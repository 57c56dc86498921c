"""The report sections on the real demo data: words, numbers, escaping and structure."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pandas as pd
import pytest
from helpers import run_cli

from collab_metrics.model.framework import load_framework
from collab_metrics.report import actor_goals, comparison, sections, templating
from collab_metrics.report.markup import Html
from collab_metrics.report.status_table import load_status, to_json
from collab_metrics.text.catalog import catalog

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
VARMLAND = REPO / "params" / "varmland-nya-perspektiv.yaml"
HALVING = "halve-youth-unemployment"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    for params in (BLEKINGE, VARMLAND):
        result = run_cli("fetch", str(params), "--offline", "--store", str(path))
        assert result.code == 0, result.err
    return path


@pytest.fixture(scope="module")
def blekinge_2017(store: Path) -> sections.ReportContext:
    return sections.load_context(BLEKINGE, store, as_of=2017)


@pytest.fixture(scope="module")
def blekinge_2022(store: Path) -> sections.ReportContext:
    return sections.load_context(BLEKINGE, store, as_of=2022)


@pytest.fixture(scope="module")
def varmland(store: Path) -> sections.ReportContext:
    return sections.load_context(VARMLAND, store)


def joint_report(ctx: sections.ReportContext) -> str:
    """The joint follow-up in the order the notebook displays it."""
    parts = [
        sections.title_page(ctx),
        sections.summary(ctx),
        sections.goals_heading(ctx),
        *(sections.goal_section(ctx, g.id) for g in ctx.fw.shared_goals),
        sections.discussion_questions(ctx),
        sections.what_changed(ctx),
        sections.action_plan(ctx),
        sections.sources(ctx),
        sections.method_appendix(ctx),
    ]
    return "".join(str(part) for part in parts)


class _Outline(HTMLParser):
    """Headings, tables and the visible text of a fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.tables = 0
        self.captions = 0
        self.header_cells: list[str | None] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th":
            self.header_cells.append(dict(attrs).get("scope"))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def outline(markup: str) -> _Outline:
    parser = _Outline()
    parser.feed(markup)
    return parser


def text(markup: str) -> str:
    """Visible text with no-break and thin spaces as plain spaces."""
    joined = " ".join(outline(markup).text)
    return re.sub(r"\s+", " ", joined.replace(NBSP, " ").replace("\u2009", " "))


@pytest.mark.parametrize("which", ["blekinge_2017", "blekinge_2022", "varmland"])
def test_joint_report_names_every_goal_in_an_accessible_structure(
    which: str, request: pytest.FixtureRequest
) -> None:
    ctx = request.getfixturevalue(which)
    report = joint_report(ctx)
    shown = text(report)
    for goal in ctx.fw.shared_goals:
        assert goal.title in shown
    parsed = outline(report)
    # h1 first, and no level skipped on the way down, so a screen reader can follow.
    assert parsed.headings[0] == 1 and parsed.headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(parsed.headings, parsed.headings[1:], strict=False))
    assert parsed.tables == parsed.captions > 0
    assert set(parsed.header_cells) <= {"col", "row", "rowgroup"}
    assert "nan" not in shown.split() and "None" not in shown


def test_halving_goal_as_of_2017(blekinge_2017: sections.ReportContext) -> None:
    summary = str(sections.summary(blekinge_2017))
    # 2017 is the target year: the verdict is final, and the advice is never "speed up".
    assert 'class="status status-not_achieved"' in summary
    assert "✖" in summary and "Målet nåddes inte" in summary  # icon and words
    assert "öka takten" not in text(summary)
    assert (
        "”Halvera ungdomsarbetslösheten i Blekinge” nåddes inte till målåret 2017 (takten fram "
        "till dess var 77 % av den som behövdes) och har inte nåtts senare." in text(summary)
    )
    assert "1 gemensamt mål" in text(summary)
    assert "8,4 % (2017)" in text(summary) and "7,1 % (2017)" in text(summary)
    assert "Minidiagram" in summary  # the sparkline
    goal = text(str(sections.goal_section(blekinge_2017, HALVING)))
    assert "Värdet gick från 14,2 % (2013) till 8,4 % (2017)" in goal
    assert "fram till målåret 2017 var takten 77 % av den som behövdes" in goal
    # Percent of the value, never to be read as percentage points.
    assert "i genomsnitt −12,2 % av värdet per år" in goal
    assert (
        "Region Blekinge minskade med 40,7 % (5,8 procentenheter) 2013–2017; riket minskade med "
        "37,9 % (3,1 procentenheter) under samma år: skillnaden i procent av utgångsvärdet är "
        "2,8 procentenheter till fördel för Region Blekinge, så det mesta följer den nationella "
        "utvecklingen (rikets förändring i procent är minst hälften av Region Blekinges)." in goal
    )
    assert "−40,7 %" in goal and "−37,9 %" in goal  # the context table, signed
    # Weighting by total population is an approximation, and its error is measured.
    assert (
        "Kommunerna vägs med invånare totalt (31 december), inte med indikatorns egen nämnare: "
        "en approximation. Kontroll mot Region Blekinges publicerade värde: det vägda "
        "medelvärdet av kommunerna avviker med +0,4 % 2013 och +1,5 % 2017." in goal
    )
    # Riket by sex is published from 2016 only: the "–" is explained.
    assert "Riket för kvinnor saknar värde för 2013: källan publicerar det först från 2016" in goal
    assert "7,1 % för kvinnor och 9,5 % för män: män låg 35 % högre" in goal
    assert "Målåret 2017 har passerat" in goal
    # Consistency: all five municipalities halving add up to the shared target.
    assert "Aktörernas egna mål räcker till det gemensamma målet" in goal
    assert "−50,0 % 2013–2017" in goal
    assert "Arbetsförmedlingen): gäller hela Region Blekinge" in goal
    # No actor has answered: each is named, beside its statistics.
    assert goal.count("Ingen bedömning lämnad för 2017") == 7


def test_achieved_later_as_of_2022(blekinge_2022: sections.ReportContext) -> None:
    goal = text(str(sections.goal_section(blekinge_2022, HALVING)))
    assert "Målet nåddes för sent" in goal and "Målet är nått" not in goal
    assert "målet nåddes inte 2017; nåddes först 2022" in goal
    assert "fram till målåret 2017 var takten 77 % av den som behövdes" in goal
    summary = text(str(sections.summary(blekinge_2022)))
    # Counted apart: on time, late, not achieved (here the one shared goal, late).
    counts = str(sections.summary(blekinge_2022)).split('<ul class="counts">')[1].split("</ul>")[0]
    assert "Målet nåddes för sent</span>: 1 mål" in counts and "status-achieved<" not in counts
    assert (
        "”Halvera ungdomsarbetslösheten i Blekinge” nåddes inte till målåret 2017 (takten fram "
        "till dess var 77 % av den som behövdes); målvärdet nåddes först 2022." in summary
    )
    questions = text(str(sections.discussion_questions(blekinge_2022)))
    first = questions.split("1. ", 1)[-1] if "1. " in questions else questions
    assert "nåddes inte till målåret 2017" in questions
    assert questions.index("nåddes inte till målåret 2017") < questions.index("?")
    del first
    assert "minskade med 64,4 % (9,1 procentenheter) 2013–2022" in goal
    # The baseline 2013 is the series' peak since 2008: said, since it flatters progress.
    assert (
        "Obs: utgångsvärdet 14,2 % (2013) är det högsta i serien 2010–2022: framstegen räknas "
        "från ett ovanligt dåligt läge och ser därför större ut." in goal
    )


def test_title_page_states_owner_actors_date_and_data(
    blekinge_2017: sections.ReportContext,
) -> None:
    ctx = dataclasses.replace(blekinge_2017, report_date=date(2026, 11, 25))
    page = text(str(sections.title_page(ctx)))
    for expected in (
        "Blekinges unga lyfter",
        "Gemensam uppföljning",
        "Uppföljning 2017",
        "25 november 2026",
        "Region Blekinge",
        "Länsstyrelsen Blekinge",
        "Kolada (RKA), offlineutdrag, hämtat 30 augusti 2024",
    ):
        assert expected in page


def test_sources_attribute_kolada_and_the_producing_agency(
    blekinge_2017: sections.ReportContext, varmland: sections.ReportContext
) -> None:
    shown = text(str(sections.sources(blekinge_2017)))
    assert "Källa: Kolada (RKA), nyckeltal N03921; framtaget av Arbetsförmedlingen och SCB" in shown
    assert "Källa: Kolada (RKA), nyckeltal N02797" in shown
    assert "hämtat 30 augusti 2024" in shown
    # Kolada's "Källa: ..." is cut from the definition: the source line already gives it.
    assert "31/12 år T-1. Arbetslösheten avser årsmedelvärde år T." in shown
    assert "år T. Källa" not in shown
    health = text(str(sections.sources(varmland)))
    assert (
        "Källa: Region Värmland (egen fil forsakringskassan-mucf__ohalsotal_2024_11_06.xlsx)"
        in (health)
    )
    assert "Liv & Hälsa: enårsmätning" in health  # the method note
    # Partial coverage is stated per series: the snapshot has riket by sex from 2016 only.
    assert "Luckor" in shown and "riket, kvinnor: saknar 2010, 2011, 2012" in shown


def test_discussion_questions_follow_from_the_data(
    blekinge_2017: sections.ReportContext, varmland: sections.ReportContext
) -> None:
    blekinge = text(str(sections.discussion_questions(blekinge_2017)))
    assert "Stor skillnad mellan kvinnor och män" in blekinge and "män 35 % högre" in blekinge
    assert "mer än 20 % högre än det lägre det senaste året" in blekinge  # the rule is stated
    assert "följer den nationella utvecklingen" in blekinge
    assert "7 av 7 aktörsmål saknar egen bedömning för 2017" in blekinge
    questions = str(sections.discussion_questions(blekinge_2017)).split("<ol")[1]
    assert "går åt fel håll" not in questions  # nothing moves away in Blekinge
    health = text(str(sections.discussion_questions(varmland)))
    # Self-rated health no longer "moves away" across the declared 2022 series break.
    assert "”Fler värmlänningar med bra självskattad hälsa” kan inte bedömas" in health
    assert "tidsseriebrott 2022" in health
    assert "”Fler värmlänningar med bra självskattad hälsa” går åt fel håll" not in health
    assert (
        "Aktörsmål som går åt fel håll: ”Lägre ohälsotal i Munkfors” (Munkfors kommun) och "
        "”Lägre ohälsotal i Storfors” (Storfors kommun)." in health
    )
    assert (
        "Ingen aktör har ett eget mål för ”Fler gymnasieelever tar examen inom fyra år”" in health
    )
    # Every Värmland forecast is "oklart" (unclear): no question about speeding up.
    assert "öka takten" not in health
    # The only shared goal whose actors do set targets has targets that add up.
    assert "räcker inte" not in health


def test_unlikely_targets_ask_what_would_speed_up_only_while_ahead(
    varmland: sections.ReportContext, blekinge_2017: sections.ReportContext
) -> None:
    # SYNTHETIC edit of the real results: the completion goal's forecast said "unlikely".
    result = varmland.result.copy()
    goal = result["goal"] == "upper-secondary-completion"
    result.loc[goal & (result["sex"] == "total"), "chance"] = "unlikely"
    shown = text(str(sections.discussion_questions(dataclasses.replace(varmland, result=result))))
    assert (
        "Med nuvarande takt är det osannolikt att ”Fler gymnasieelever tar examen inom fyra år” "
        "nås till 2025. Vad skulle öka takten?" in shown
    )
    # At the target year itself (Blekinge as of 2017) the advice is never to speed up.
    result = blekinge_2017.result.copy()
    result["chance"] = "unlikely"
    ctx = dataclasses.replace(blekinge_2017, result=result)
    assert "öka takten" not in text(str(sections.discussion_questions(ctx)))


def test_changes_within_random_variation_as_of_2014(store: Path) -> None:
    # One year after the baseline, men's 0.9-point fall in Blekinge is within the noise.
    ctx = sections.load_context(BLEKINGE, store, as_of=2014)
    goal = text(str(sections.goal_section(ctx, HALVING)))
    assert (
        "För män ryms förändringen från 15,4 % (2013) till 14,4 % (2014) inom "
        "slumpvariationen: med så få invånare kan värdet av en slump skilja sig med upp till "
        "1,1 procentenheter mellan två år." in goal
    )
    assert "För kvinnor ryms" not in goal  # women's fall is larger than the noise
    # The target year is ahead, but one year of out-of-sample errors (2014) cannot
    # calibrate an interval: no forecast, and never a "0 %" chance.
    assert "Ingen prognos: för kort historik för att kalibrera ett prognosintervall." in goal
    questions = text(str(sections.discussion_questions(ctx)))
    assert (
        "Förändringen för ”Halvera ungdomsarbetslösheten i Blekinge” ryms inom "
        "slumpvariationen för män." in questions
    )
    assert " låg: " not in questions and "öka takten" not in questions
    assert (
        "Förändringen ryms inom slumpvariationen för ”Halvera ungdomsarbetslösheten i Ronneby”"
        in (questions)
    )


def test_what_changed_without_a_previous_report(blekinge_2017: sections.ReportContext) -> None:
    changed = sections.what_changed(blekinge_2017)
    assert "Det finns ingen tidigare rapport att jämföra med." in text(str(changed))
    assert "<table" not in str(changed)


def test_what_changed_since_a_previous_report(store: Path, tmp_path: Path) -> None:
    # A real status.json of the 2017 follow-up, edited: the Region's NEET goal did not exist.
    fw = load_framework(BLEKINGE)
    document = json.loads(to_json(load_status(fw, store, 2017)))
    document["rows"] = [r for r in document["rows"] if r["goal"] != "region-neet"]
    document["rows"].append({**document["rows"][0], "goal": "retired-goal", "status": "on_track"})
    previous = tmp_path / "status.json"
    previous.write_text(json.dumps(document), encoding="utf-8")
    ctx = sections.load_context(BLEKINGE, store, as_of=2022, previous=previous)
    # Synthetic revisions: one after the previous report, one before it, one outside scope.
    revised = pd.DataFrame(
        {
            "indicator": ["kolada:N03921"] * 3,
            "area": ["1082", "1082", "0180"],
            "period": ["2016", "2015", "2016"],
            "sex": ["total"] * 3,
            "old_value": [10.04, 11.0, 3.0],
            "new_value": [10.31, 11.5, 3.5],
            "old_fetch_id": [1, 1, 1],
            "new_fetch_id": [3, 2, 3],
            "change": ["revised"] * 3,
        }
    )
    shown = text(str(sections.what_changed(dataclasses.replace(ctx, revisions=revised))))
    assert "uppföljning 2017" in shown
    assert "Arbetslöshet 16-24 år, andel av befolkningen 16-24 år 2017 2018–2022 5" in shown
    assert "Karlshamn 2016 Totalt 10,0 % 10,3 %" in shown
    assert "11,5 %" not in shown and "Stockholm" not in shown
    assert "Ändrade värden (1 st)" in shown
    changes = str(sections.what_changed(ctx))
    row = next(
        r for r in re.split(r"<tr[ >]", changes) if "Halvera ungdomsarbetslösheten i Blekinge<" in r
    )
    assert "status-not_achieved" in row and "status-achieved_late" in row
    assert "nytt mål" in text(changes)  # the NEET goal, absent from the edited previous report
    assert "retired-goal Totalt ▲ I fas ingår inte längre" in text(changes)


def test_missing_previous_file_counts_as_no_previous_report(store: Path, tmp_path: Path) -> None:
    ctx = sections.load_context(BLEKINGE, store, as_of=2017, previous=tmp_path / "none.json")
    assert ctx.previous is None


HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def hostile(store: Path, tmp_path_factory: pytest.TempPathFactory) -> sections.ReportContext:
    """A synthetic copy of the Blekinge framework with markup in user text, an assessment
    and an action in files of their own."""
    folder = tmp_path_factory.mktemp("hostile")
    source = BLEKINGE.read_text(encoding="utf-8")
    source = source.replace(
        "title: Halvera ungdomsarbetslösheten i Blekinge", f"title: '{HOSTILE}'"
    )
    source = source.replace("assessments: []", "assessments: assessments-2017.yaml")
    source = source.replace("actions: []", "actions: actions.yaml")
    (folder / "framework.yaml").write_text(source, encoding="utf-8")
    (folder / "assessments-2017.yaml").write_text(
        "assessments:\n"
        "  - goal: karlshamn-youth-unemployment\n"
        "    actor: karlshamn\n"
        "    period: '2017'\n"
        "    judgement: partly\n"
        "    justification: 'Navigatorcentret <b>öppnade</b> sent & fick få deltagare'\n"
        "    owner: Arbetsmarknadschef <Karlshamn>\n",
        encoding="utf-8",
    )
    (folder / "actions.yaml").write_text(
        "actions:\n"
        "  - id: navigator-centre\n"
        "    actor: karlshamn\n"
        "    goal: karlshamn-youth-unemployment\n"
        "    description: Öppna ett navigatorcentrum <img src=x onerror=alert(1)>\n"
        "    responsible: Arbetsmarknadsenheten\n"
        "    due: 2016-12-31\n"
        "    status: started\n",
        encoding="utf-8",
    )
    return sections.load_context(folder / "framework.yaml", store, as_of=2017)


def test_user_text_is_escaped_everywhere(hostile: sections.ReportContext) -> None:
    markup = joint_report(hostile) + str(sections.actor_extract(hostile, "karlshamn"))
    markup += str(sections.baseline_analysis(hostile))
    assert "<script>" not in markup and "<img src=x" not in markup and "<b>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup
    assert "Navigatorcentret &lt;b&gt;öppnade&lt;/b&gt; sent &amp; fick få deltagare" in markup
    assert HOSTILE in text(markup)  # shown to the reader as literal text


def test_judgement_stands_beside_the_statistics(hostile: sections.ReportContext) -> None:
    section = str(sections.goal_section(hostile, HALVING))
    box = section[section.index('<aside class="assessments"') : section.index("</aside>")]
    karlshamn = next(r for r in re.split(r"<tr[ >]", box) if "Karlshamns kommun" in r)
    # The actor's judgement and the statistical status: same row, separate cells and words.
    assert "assessment assessment-partly" in karlshamn and "Målet bedöms delvis nås" in karlshamn
    assert "status status-not_achieved" in karlshamn and "8,4" in karlshamn
    assert karlshamn.count("<td") == 4
    assert "Arbetsmarknadschef &lt;Karlshamn&gt;" in karlshamn
    # Actors that have not answered are named.
    assert box.count("Ingen bedömning lämnad för 2017") == 6
    # The status outside the box is the statistics' own, unchanged by the judgement.
    assert "assessment" not in section[: section.index('<aside class="assessments"')]
    actions = text(section[section.index("Handlingsplan") :])
    assert "Öppna ett navigatorcentrum <img src=x onerror=alert(1)>" in actions
    assert "Påbörjad" in actions and "31 december 2016" in actions
    plan = text(str(sections.action_plan(hostile)))
    assert "Handlingsplanen har 1 åtgärder: 1 påbörjad." in plan


def test_english(store: Path) -> None:
    ctx = sections.load_context(BLEKINGE, store, as_of=2017, language="en")
    ctx = dataclasses.replace(ctx, report_date=date(2026, 11, 25))
    report = text(joint_report(ctx))
    for expected in (
        "Joint follow-up",
        "25 November 2026",
        "Target not achieved",
        "Region Blekinge fell by 40.7% (5.8 percentage points) in 2013–2017; Sweden fell by "
        "37.9% (3.1 percentage points) over the same years: the difference in percent of the "
        "baseline is 2.8 percentage points in favour of Region Blekinge, so most of it follows "
        "the national trend (Sweden's change in percent is at least half of Region Blekinge's).",
        "The actors' own targets add up to the shared target",
        "No assessment submitted for 2017",
        "target not met in 2017",
        "A gap between women and men counts as large here",
    ):
        assert expected in report
    for swedish in ("procentenheter", "Kvinnor", "Riktning", "målet nåddes", "Källa:"):
        assert swedish not in report
    extract = text(str(sections.actor_extract(ctx, "karlshamn")))
    assert "Karlshamn accounted for 15% of the fall in Region Blekinge in 2013–2017" in extract


def test_actor_extract_for_karlshamn(blekinge_2017: sections.ReportContext) -> None:
    extract = sections.actor_extract(blekinge_2017, "karlshamn")
    shown = text(str(extract))
    assert outline(str(extract)).headings[0] == 1
    assert "Karlshamns kommun: bidrag till Blekinges unga lyfter" in shown
    assert "Statistiken visar:" in shown and "✖" in shown and "Målet nåddes inte" in shown
    assert "öka takten" not in shown
    assert "Karlshamn stod för 15 % av minskningen i Region Blekinge 2013–2017" in shown
    assert "är lika ambitiöst som det gemensamma målet (−50,0 %)" in shown
    assert "Ingen bedömning lämnad för 2017." in shown
    assert "Karlshamns kommun har inga åtgärder i handlingsplanen." in shown
    agency = text(str(sections.actor_extract(blekinge_2017, "arbetsformedlingen")))
    assert "eftersom det gäller hela Region Blekinge" in agency
    # An actor without goals of its own still sees where the shared goals stand.
    county = text(str(sections.actor_extract(blekinge_2017, "lansstyrelsen-blekinge")))
    assert "har inga egna mål i samverkan" in county and "Målet nåddes inte" in county


def test_baseline_analysis(blekinge_2022: sections.ReportContext) -> None:
    analysis = str(sections.baseline_analysis(blekinge_2022))
    shown = text(analysis)
    parsed = outline(analysis)
    assert parsed.headings[0] == 1
    assert all(b <= a + 1 for a, b in zip(parsed.headings, parsed.headings[1:], strict=False))
    assert "Nulägesanalys: Blekinges unga lyfter" in shown
    # Ten years and more, the area against riket, women and men.
    years = analysis[analysis.index('class="year-table"') :].split("</table>")[0]
    assert years.count("<tr") - 1 >= 10
    assert "Kvinnor" in years and "Riket" in years
    # Women and men, and all municipalities with the collaboration's own marked.
    assert "Det grå fältet är skillnaden mellan kvinnor" in shown  # gap chart
    assert "Punktdiagram" in analysis  # the distribution chart
    assert "2022 var medianen för landets 290 kommuner" in shown
    assert "Kolada-utdraget" in shown  # where the other municipalities come from
    assert "Plats (1 = bäst)" in shown
    # U31804 is not published for regions: said, not drawn as an empty curve.
    assert "Statistiken redovisas inte för Region Blekinge" in shown


def test_html_displays_in_a_notebook(blekinge_2017: sections.ReportContext) -> None:
    part = sections.method_appendix(blekinge_2017)
    assert part._repr_html_() == str(part)
    assert "R ≥ 0,95" in text(str(part)) and "0,6 ≤ R < 0,95" in text(str(part))


def test_differences_are_those_of_the_rounded_figures_shown() -> None:
    # SYNTHETIC: -64.44 % and -54.66 % are printed as 64,4 and 54,7; the difference printed
    # is 9,7, what a reader gets by subtracting them (not 9,78 rounded to 9,8).
    assert comparison._shown_difference(-0.6444, -0.5466) == pytest.approx(-0.097)


def test_only_municipalities_without_a_goal_for_the_shared_goal_are_named_so(
    store: Path, tmp_path: Path
) -> None:
    """Synthetic copy of Blekinge: Karlskrona's goal moves to another shared goal and
    Ronneby's measures another indicator. Karlskrona has no goal for the halving goal (but
    is an actor), Ronneby has one that is not added up: only Karlskrona is named as
    without a goal, and the words say for which shared goal."""
    source = BLEKINGE.read_text(encoding="utf-8")
    karlskrona = "    actor: karlskrona\n    contributes_to: halve-youth-unemployment\n"
    ronneby = "    actor: ronneby\n    contributes_to: halve-youth-unemployment\n"
    assert karlskrona in source and ronneby in source
    source = source.replace(karlskrona, "    actor: karlskrona\n    contributes_to: fewer-neet\n")
    source = source.replace(
        ronneby + "    indicator: youth-unemployment", ronneby + "    indicator: neet"
    )
    source = source.replace(
        "actor_goals:\n",
        "  - id: fewer-neet\n"
        "    title: Färre unga som varken arbetar eller studerar\n"
        "    indicator: neet\n"
        "    area: '0010'\n"
        "    baseline: {year: 2013}\n"
        "    target: {year: 2017, change_percent: -25}\n\n"
        "actor_goals:\n",
    )
    (tmp_path / "framework.yaml").write_text(source, encoding="utf-8")
    for language, without in (
        ("sv", "Kommuner utan eget mål för detta gemensamma mål: Karlskrona."),
        ("en", "Municipalities without a goal of their own for this shared goal: Karlskrona."),
    ):
        ctx = sections.load_context(
            tmp_path / "framework.yaml", store, as_of=2017, language=language
        )
        shown = text(str(sections.goal_section(ctx, HALVING)))
        assert without in shown
        assert "Kommuner utan eget mål:" not in shown
        # Ronneby's goal is shown beside the verdict as measured with another indicator.
        assert "Halvera ungdomsarbetslösheten i Ronneby (Ronneby kommun)" in shown
    # The question asks only Karlskrona, which has no goal for it, to get one.
    questions = text(str(sections.discussion_questions(ctx)))
    assert "or do Karlskrona need goals of their own?" in questions


def test_an_actors_own_measure_has_its_definition(varmland: sections.ReportContext) -> None:
    """Like a Kolada key figure, Region Värmland's own file measure is defined in the
    sources: the framework's description and what it is read as, in both languages."""
    shown = text(str(sections.sources(varmland)))
    monthly = shown[shown.index("Ohälsotal per månad (Försäkringskassan) Källa") :]
    definition = monthly[monthly.index("Definition") : monthly.index("Enhet")]
    assert "per invånare 16-64 år, per månad för länet" in definition
    assert "kolumnen ”Ohälsotalet”" in definition and "Ålder = Samtliga 16-64 år" in definition
    assert "rapporterad av Region Värmland" in definition
    english = dataclasses.replace(varmland, language="en")
    shown = text(str(sections.sources(english)))
    assert (
        "the column “Ohälsotalet” of the file" in shown and "reported by Region Värmland" in shown
    )


def test_a_collaborations_own_template_replaces_a_part(store: Path, tmp_path: Path) -> None:
    """Synthetic: a copy of the Blekinge framework with its own templates/ folder. The
    summary's template there replaces the package's; every other part keeps the package's."""
    (tmp_path / "framework.yaml").write_text(BLEKINGE.read_text(encoding="utf-8"), "utf-8")
    own = tmp_path / "templates" / "parts"
    own.mkdir(parents=True)
    (own / "summary.html.j2").write_text(
        '<section class="summary own">{{ view.heading }}: {{ view.table.caption }}</section>',
        encoding="utf-8",
    )
    ctx = sections.load_context(tmp_path / "framework.yaml", store, as_of=2017)
    assert ctx.templates == (tmp_path / "templates",)
    assert str(sections.summary(ctx)) == (
        '<section class="summary own">Sammanfattning: De gemensamma målen 2017: totalt och för '
        "kvinnor och män</section>"
    )
    assert str(sections.action_plan(ctx)).startswith('<section class="action-plan">')


def test_templates_escape_and_refuse_unknown_fields(tmp_path: Path) -> None:
    """Synthetic templates: a plain string is escaped, Html is not, a misspelt field fails."""
    (tmp_path / "probe.html.j2").write_text("<p>{{ view.text }}{{ view.markup }}</p>", "utf-8")
    (tmp_path / "typo.html.j2").write_text("<p>{{ view.txet }}</p>", "utf-8")
    view = {"text": HOSTILE, "markup": Html("<br>")}
    shown = str(templating.render("probe.html.j2", view, [tmp_path]))
    assert shown == "<p>&lt;script&gt;alert(1)&lt;/script&gt;<br></p>"
    with pytest.raises(jinja2.UndefinedError, match="txet"):
        templating.render("typo.html.j2", view, [tmp_path])


def test_every_report_message_the_parts_use_is_in_the_catalog() -> None:
    """The keys named in the parts' code exist in both languages, rare branches included."""
    used: set[str] = set()
    for module in (REPO / "collab_metrics" / "report").glob("*.py"):
        used |= set(re.findall(r"\"(report\.[a-z0-9_]+)\"", module.read_text(encoding="utf-8")))
    used |= {f"report.role_{role}" for role in actor_goals.ROLES}
    used.discard("report.css")  # the style sheet's file name, not a message
    missing = [
        key for key in sorted(used) for lang in ("sv", "en") if lang not in catalog().get(key, {})
    ]
    assert not missing
