"""The method appendix: how status, direction, noise, forecast, context and consistency
are worked out."""

from __future__ import annotations

from collab_metrics.analysis.assess import (
    ACCELERATION,
    BASELINE_SLACK,
    DIRECTION_BAND,
    FORECAST_WINDOW,
    INTERVAL,
    LIMIT_EXPONENT,
    MIN_FORECAST_POINTS,
    ON_TRACK,
    PEAK_YEARS,
    SHORT_TERM,
    Z_95,
)
from collab_metrics.report.sections import (
    Html,
    ReportContext,
    _el,
    _large_gap_rule,
    _say,
    _share,
    _status,
    _table,
    _tr,
)
from collab_metrics.text import labels


def method_appendix(ctx: ReportContext) -> Html:
    """How status, direction, noise, forecast, context and consistency are worked out."""
    language = ctx.language

    def num(value: float, decimals: int = 2) -> str:
        return labels.number(value, language, decimals)

    rules = {
        "achieved": _say(
            language,
            "målårets värde har nått målvärdet, eller före målåret: det senaste värdet har nått "
            "det",
            "the target year's value has reached the target, or before the target year: the "
            "latest value has",
        ),
        "achieved_late": _say(
            language,
            "målårets värde nådde inte målvärdet, men ett senare års värde gör det (året anges)",
            "the target year's value did not reach the target, a later year's does (year given)",
        ),
        "not_achieved": _say(
            language,
            "varken målårets värde eller något senare har nått målvärdet",
            "neither the target year's value nor any later one has reached the target",
        ),
        "met_within_noise": _say(
            language,
            f"värdet är förbi målvärdet, men med mindre än {num(Z_95)} standardfel: det ryms "
            "inom slumpvariationen",
            f"the value is past the target, but by less than {num(Z_95)} standard errors: "
            "within random variation",
        ),
        "on_track": f"R ≥ {num(ON_TRACK)}",
        "acceleration_needed": f"{num(ACCELERATION, 1)} ≤ R < {num(ON_TRACK)}",
        "limited_progress": f"0 ≤ R < {num(ACCELERATION, 1)}",
        "moving_away": "R < 0",
        "cannot_assess": _say(
            language,
            "inga data, inget utgångsvärde, färre än två mätpunkter, utgångsvärdet noll, "
            "serien byter tecken, inget värde för målåret, ett angivet tidsseriebrott eller ett "
            "möjligt tidsseriebrott som syns i data (ändrad avrundning, eller ett nivåskifte "
            "som jämförelseområdet inte har); skälet och belägget anges alltid",
            "no data, no baseline, fewer than two points, a zero baseline, a sign change, no "
            "value for the target year, a declared series break or a possible one seen in the "
            "data (a change of rounding, or a level shift the comparison area does not have); "
            "the reason and the evidence are always given",
        ),
        "": _say(
            language,
            "målet saknar målvärde: bara riktning följs",
            "the goal has no target: only the direction is followed",
        ),
    }
    status_table = _table(
        _say(language, "Status mot målet", "Status against the target"),
        [_say(language, "Status", "Status"), _say(language, "Regel", "Rule")],
        [_tr(_status(code, language), [rule]) for code, rule in rules.items()],
        cls="method-table",
    )
    band = _share(DIRECTION_BAND, language)
    sections = [
        (
            _say(language, "Status mot målet", "Status against the target"),
            [
                _say(
                    language,
                    "Status jämför den årliga förändringstakten hittills med den takt som målet "
                    "kräver (Eurostats och Open SDG:s metod). Takten hittills är "
                    "(senaste värdet / utgångsvärdet)^(1 / antal år) − 1 och den takt som krävs "
                    "är (målvärdet / utgångsvärdet)^(1 / antal år till målåret) − 1. Kvoten R "
                    "mellan dem, med tecken efter önskad riktning, avgör statusen. R = 1 betyder "
                    "exakt den takt som behövs; R = 0,77 betyder 77 % av den.",
                    "Status compares the yearly pace of change so far with the pace the target "
                    "needs (the Eurostat and Open SDG method). The pace so far is "
                    "(latest / baseline)^(1 / years) − 1 and the pace needed is "
                    "(target / baseline)^(1 / years to the target year) − 1. Their ratio R, "
                    "signed by the desired direction, decides the status. R = 1 means exactly the "
                    "pace needed; R = 0.77 means 77% of it.",
                ),
                status_table,
                _say(
                    language,
                    f"Saknas ett värde för utgångsåret tas det första värdet inom {BASELINE_SLACK} "
                    "år efter. Egna mål för kvinnor och män används när de finns; annars gäller "
                    "ett relativt mål för totalen också för kvinnor och för män, räknat från "
                    "deras egna utgångsvärden. Ett absolut mål för totalen gäller inte kvinnor "
                    "och män: för dem följs då bara riktningen. När målårets värde finns är "
                    "bedömningen slutlig och görs vid målåret: R och takten avser utgångsåret "
                    "till målåret, och status säger om målet nåddes i tid, senare (året anges) "
                    "eller inte alls. Ett mål räknas som nått bara om marginalen till målvärdet "
                    f"är större än {num(Z_95)} standardfel där slumpvariationen kan skattas; "
                    "annars sägs att målvärdet nåtts inom slumpvariationen.",
                    f"When the baseline year has no value, the first value within "
                    f"{BASELINE_SLACK} years after it is used. Own targets for women and men are "
                    "used when given; otherwise a relative target for the total applies to "
                    "women and to men from their own baselines. An absolute target for the total "
                    "does not apply to women and men: only their direction is followed. Once "
                    "the target year's value exists, the verdict is final and judged at the "
                    "target year: R and the pace run from the baseline to the target year, and "
                    "the status says whether the target was reached on time, later (year "
                    "given) or not at all. A target counts as reached only if the margin "
                    f"exceeds {num(Z_95)} standard errors where random variation can be "
                    "estimated; otherwise the report says the target value was reached within "
                    "random variation.",
                ),
            ],
        ),
        (
            _say(language, "Riktning", "Direction"),
            [
                _say(
                    language,
                    f"Riktningen säger om värdet blir bättre eller sämre, med eller utan mål. "
                    f"En förändring med minst {band} per år i önskad riktning är ”Förbättras”, "
                    f"minst {band} per år åt andra hållet är ”Försämras”, och däremellan "
                    f"”Oförändrat”. Lång sikt räknas från utgångsåret, kort sikt över de senaste "
                    f"{SHORT_TERM} åren. Nära en naturlig gräns (till exempel 100 %) krymper "
                    f"gränserna med faktorn 1 − (värdet / gränsen)^{num(LIMIT_EXPONENT)}, "
                    "eftersom de sista procenten är svårast att vinna.",
                    f"Direction says whether the value gets better or worse, with or without a "
                    f"target. A change of at least {band} a year in the desired direction is "
                    f"“Improving”, at least {band} a year the other way “Worsening”, and in "
                    f"between “Stable”. Long term runs from the baseline year, short term over "
                    f"the last {SHORT_TERM} years. Near a natural limit (such as 100%) the bands "
                    f"shrink by the factor 1 − (value / limit)^{num(LIMIT_EXPONENT)}, because the "
                    "last percent is the hardest to win.",
                )
            ],
        ),
        (
            _say(language, "Slumpvariation", "Random variation"),
            [
                _say(
                    language,
                    "I små kommuner kan en andel variera mycket från år till år av en slump. För "
                    "andelar av invånarna med känd befolkning varierar en andel p bland n "
                    "invånare med ungefär √(p(1 − p) / n). Förändringen från utgångsåret till "
                    f"senaste året räknas som verklig när den är större än {num(Z_95)} "
                    "standardfel av skillnaden (95 % säkerhet); annars säger rapporten att den "
                    "ryms inom slumpvariationen. För mått utan befolkningsbas (enkäter, dagar "
                    "per invånare) görs ingen sådan bedömning.",
                    "In small municipalities a share can vary a lot from year to year by chance. "
                    "For shares of residents with a known population, a share p among n "
                    "residents varies by about √(p(1 − p) / n). The change from the baseline to "
                    f"the latest year counts as real when it exceeds {num(Z_95)} standard errors "
                    "of the difference (95% confidence); otherwise the report says it is within "
                    "random variation. Measures without a population base (surveys, days per "
                    "resident) get no such verdict.",
                )
            ],
        ),
        (
            _say(language, "Prognos", "Forecast"),
            [
                _say(
                    language,
                    f"Prognosen förlänger en rak trend på logaritmisk skala (en konstant årlig "
                    f"förändringstakt, samma modell som statusen bygger på), anpassad med minsta "
                    f"kvadratmetoden till de senaste {FORECAST_WINDOW} åren och aldrig över ett "
                    f"tidsseriebrott. Med färre än {MIN_FORECAST_POINTS} år görs ingen prognos. "
                    f"Intervallet ({_share(INTERVAL, language)}) räknas inte ur modellen utan ur "
                    "hur fel samma regel faktiskt har slagit: för alla områden och kön med samma "
                    "indikator och varje tidigare år har trenden fram till det året jämförts med "
                    "utfallet ett, två, tre ... år senare, och intervallet är prognosen plus den "
                    "10:e och 90:e percentilen av de felen (kalibrering i efterhand, "
                    "”split conformal”). Räcker historiken inte för så långt fram skalas felen "
                    "för den längsta horisont som finns upp i proportion till avståndet, och "
                    "rapporten säger det. Chansen att nå målet anges i ord, inte i procent: "
                    "troligt när hela intervallet når målvärdet, osannolikt när inget av det gör "
                    "det, annars oklart. En backtest över alla kommuner, län och riket "
                    "(benchmarks/forecast.py) visar hur ofta intervallet träffade och hur ofta "
                    "orden slog in.",
                    f"The forecast extends a straight trend on the log scale (a constant yearly "
                    f"rate of change, the model status rests on), fitted by least squares to the "
                    f"last {FORECAST_WINDOW} years and never across a series break. With fewer "
                    f"than {MIN_FORECAST_POINTS} years there is no forecast. The "
                    f"{_share(INTERVAL, language)} interval does not come from the model but from "
                    "how wrong the same rule has really been: for every area and sex with the "
                    "same indicator and every earlier year, the trend up to that year was "
                    "compared with the outcome one, two, three ... years later, and the interval "
                    "is the forecast plus the 10th and 90th percentiles of those errors (split "
                    "conformal calibration). Where the history does not reach that far ahead, "
                    "the errors of the longest horizon available are scaled up in proportion to "
                    "the distance, and the report says so. The chance of reaching the target is "
                    "given in words, not percent: likely when the whole interval reaches the "
                    "target, unlikely when none of it does, unclear otherwise. A backtest over "
                    "every municipality, county and Sweden (benchmarks/forecast.py) shows how "
                    "often the interval held and how often the words came true.",
                ),
                _say(
                    language,
                    "Vad intervallet inte tar hänsyn till: det förutsätter att kommande år "
                    "avviker från trenden ungefär som tidigare år har gjort. En kris eller "
                    "konjunkturvändning som saknar motstycke i historiken, en ändrad definition "
                    "eller insatser som bryter trenden ryms inte. Felen är dessutom samvarierande "
                    "mellan områden samma år (en lågkonjunktur slår mot alla), så för ett enskilt "
                    "år kan intervallet missa för många områden samtidigt; det stämmer i "
                    "genomsnitt över år, inte varje år.",
                    "What the interval ignores: it assumes coming years deviate from the trend "
                    "about as earlier years did. A crisis or turn of the business cycle without "
                    "precedent in the history, a changed definition, or efforts that break the "
                    "trend are not covered. Errors also move together across areas in the same "
                    "year (a recession hits everyone), so in a single year the interval can miss "
                    "for many areas at once; it holds on average over years, not every year.",
                ),
            ],
        ),
        (
            _say(language, "Jämförelse med riket", "Comparison with Sweden"),
            [
                _say(
                    language,
                    "Målets område jämförs med riket och andra jämförelseområden över samma år: "
                    "förändringen i procent av utgångsvärdet för båda, och skillnaden i "
                    "procentenheter. Följer det mesta av förändringen den nationella "
                    "utvecklingen säger rapporten det, så att samverkan inte tar åt sig en "
                    "förbättring som hela landet hade. ”Det mesta” betyder ett enda mått: "
                    "jämförelseområdets förändring i procent av utgångsvärdet är minst hälften "
                    "av områdets. För andelar anges också förändringen i procentenheter, så att "
                    "procent av en andel och procentenheter aldrig blandas ihop. Skillnader "
                    "räknas från de avrundade tal som visas. Ligger utgångsvärdet på seriens "
                    f"topp eller botten (jämfört med de {PEAK_YEARS} åren före och åren efter) "
                    "påpekas det, eftersom framstegen då ser större eller mindre ut.",
                    "The goal's area is compared with Sweden and other comparison areas over the "
                    "same years: the change in percent of the baseline for both, and the "
                    "difference in percentage points. When most of the change follows the "
                    "national trend the report says so, so that the collaboration does not "
                    "claim an improvement the whole country had. “Most” is one measure: the "
                    "comparison area's change in percent of its baseline is at least half the "
                    "area's. For shares the change in percentage points is given too, so percent "
                    "of a share and percentage points are never mixed up. Differences are "
                    "computed from the rounded figures shown. A baseline at the series' peak or "
                    f"trough (against the {PEAK_YEARS} years before it and the years after) is "
                    "pointed out, as progress then looks larger or smaller.",
                )
            ],
        ),
        (
            _say(language, "Räcker aktörernas mål?", "Do the actors' goals add up?"),
            [
                _say(
                    language,
                    "Kommunernas värden vägs samman efter befolkning till områdets värde. Om "
                    "varje aktör når sitt eget mål och kommuner utan eget mål ligger kvar på sin "
                    "senaste nivå, vad blir då förändringen för hela området? Den jämförs med "
                    "vad det gemensamma målet kräver. Aktörsmål på andra indikatorer eller på "
                    "hela området visas bredvid men räknas inte in. Varje kommuns andel av "
                    "områdets förändring räknas på samma sätt, med befolkningen som vikt.",
                    "The municipalities' values are combined by population into the area's "
                    "value. If every actor reaches its own target and municipalities without a "
                    "goal stay at their latest level, how much does the whole area change? That "
                    "is compared with what the shared target needs. Actor goals on other "
                    "indicators or on the whole area are shown beside it but not added up. Each "
                    "municipality's share of the area's change is computed the same way, "
                    "weighted by population.",
                )
            ],
        ),
        (
            _say(language, "Kvinnor och män", "Women and men"),
            [_large_gap_rule(language)],
        ),
        (
            _say(language, "Aktörernas egna bedömningar", "The actors' own assessments"),
            [
                _say(
                    language,
                    "Varje aktör bedömer själv sina mål och motiverar bedömningen. Bedömningarna "
                    "visas bredvid statistiken, i en egen ruta, och räknas aldrig ihop med "
                    "statistikens status: de är två olika signaler.",
                    "Each actor assesses its own goals and gives its reasons. The assessments "
                    "are shown beside the statistics, in a box of their own, and are never "
                    "combined with the statistical status: they are two different signals.",
                )
            ],
        ),
    ]
    return _el(
        "section",
        _el("h2", _say(language, "Metod", "Method"), id="method"),
        [
            _el(
                "section",
                _el("h3", title),
                [p if isinstance(p, Html) else _el("p", p) for p in body],
            )
            for title, body in sections
        ],
        cls="method",
    )
