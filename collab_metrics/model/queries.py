"""The query models: where each indicator's numbers come from, as the framework declares it.

One model per source (Kolada, PxWeb, an actor's CSV or Excel file). They belong to the
model layer, not to the adapters in `collab_metrics.sources`, so that reading and checking
a framework file loads no HTTP client or spreadsheet reader; the adapters import them from
here.
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from collab_metrics.model import areas

KOLADA_URL: Final = "https://api.kolada.se/v3"
KPI_PATTERN: Final = r"^[A-Z]\d{5}$"
SCB_URL: Final = "https://statistikdatabasen.scb.se/api/v2"
EXCEL_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
CSV_SUFFIXES: Final = frozenset({".csv", ".txt", ".tsv"})

AreaCodes = Literal["kolada", "scb", "no_leading_zero", "code_prefix", "name"]


def label_key(text: str) -> str:
    """How labels and headers are compared: case and runs of spaces (also no-break) ignored."""
    return " ".join(text.split()).casefold()


class KoladaQuery(BaseModel):
    """Where an indicator's numbers come from in Kolada: one key figure (KPI)."""

    model_config = ConfigDict(extra="forbid")

    kpi: str = Field(
        pattern=KPI_PATTERN,
        description="Kolada KPI id: a capital letter and five digits, e.g. N03921.",
        examples=["N03921", "U01405"],
    )


def _scb_sex_codes() -> dict[Literal["total", "women", "men"], str]:
    """SCB's codes for the sexes, the default of `PxWebQuery.sex_codes`."""
    return {"men": "1", "women": "2", "total": "1+2"}


class PublishedInterval(BaseModel):
    """Where a survey table publishes its confidence interval beside the estimate."""

    model_config = ConfigDict(extra="forbid")

    dimension: str = Field(
        description="The dimension holding estimate and bounds, e.g. Folkhälsomyndigheten's "
        "'Andel och konfidensintervall'; the selection names the estimate's code in it."
    )
    lower: str = Field(description="Code of the interval's lower bound in that dimension.")
    upper: str = Field(description="Code of the interval's upper bound in that dimension.")
    level: float = Field(
        0.95, gt=0.5, lt=1, description="Confidence level of the published interval."
    )


class PxWebQuery(BaseModel):
    """Which table and cells an indicator reads, and which dimensions mean area/period/sex."""

    model_config = ConfigDict(extra="forbid")

    table: str = Field(
        description="Table id, e.g. TAB6471 (see /tables on the host); on a PxWeb API v1 "
        "host the table's path below the base URL, e.g. HE/HE0110/HE0110A/SamForvInk1."
    )
    earlier_tables: list[str] | None = Field(
        None,
        description="Older tables this one continues, oldest first (SCB moved the annual "
        "population to new tables from 2025). Stitched by period; where two tables have the "
        "same period the newer one wins, and the seam is stated as a possible series break.",
    )
    url: str | None = Field(
        None,
        description="Base URL of this indicator's PxWeb host when it is not sources.pxweb_url,"
        " e.g. https://fohm-app.folkhalsomyndigheten.se/Folkhalsodata/api/v1/sv/A_Folkhalsodata",
    )
    api: Literal["v1", "v2"] | None = Field(
        None,
        description="PxWeb API version of the host; detected when left out ({url}/config "
        "answers on v2, {url}?config on v1).",
    )
    selection: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Value codes per dimension other than area and period, e.g. "
        "{ContentsCode: [BE0101N1], Alder: [tot]}. '*' selects all values.",
    )
    sum_over: list[str] = Field(
        default_factory=list,
        description="Dimensions whose selected values are added up into one number, for "
        "counts only: residents 16-24 from a table by single year of age is "
        "{selection: {Alder: ['16', ..., '24']}, sum_over: [Alder]}. A cell missing in any "
        "part makes the sum missing.",
    )
    interval: PublishedInterval | None = Field(
        None,
        description="A confidence interval the table publishes with each value (survey "
        "tables): its bounds are fetched too and replace the binomial approximation in the "
        "check whether a change is more than random variation.",
    )
    area_dimension: str = Field("Region", description="Dimension holding the area codes.")
    period_dimension: str = Field("Tid", description="Dimension holding the periods.")
    sex_dimension: str | None = Field(
        None, description="Dimension holding sex, when the table breaks down by sex."
    )
    sex_codes: dict[Literal["total", "women", "men"], str] = Field(
        default_factory=_scb_sex_codes,
        description="The table's codes for total/women/men in the sex dimension.",
    )

    @model_validator(mode="after")
    def _sums_over_selected_dimensions(self) -> PxWebQuery:
        roles = {self.area_dimension, self.period_dimension, self.sex_dimension}
        for dim in self.sum_over:
            if dim in roles:
                raise ValueError(f"sum_over cannot add up {dim!r}: it is the area, period or sex")
            if dim not in self.selection:
                raise ValueError(f"sum_over names {dim!r}, which the selection does not select")
        if self.interval is not None:
            dim = self.interval.dimension
            if len(self.selection.get(dim, [])) != 1 or dim in self.sum_over:
                raise ValueError(
                    f"the interval's dimension {dim!r} needs the estimate's code, and only "
                    "that, in the selection"
                )
        return self


class ColumnMap(BaseModel):
    """Which column of the file holds what (header names as written in the file)."""

    model_config = ConfigDict(extra="forbid")

    area: str | None = Field(
        None,
        description="Column with the area (code or name, see area_codes). Omit when the "
        "whole file is about one area and give that area in `area` instead.",
        examples=["regionkod", "Län"],
    )
    period: str | None = Field(
        None,
        description="Column with the period: a year ('2024') or a month ('2024-09', "
        "'2024M09'). Give either `period` or `year`.",
        examples=["Period"],
    )
    year: str | None = Field(
        None, description="Column with the year, when the period is split.", examples=["År"]
    )
    month: str | None = Field(
        None,
        description="Column with the month (1-12, '09' or a Swedish month name), together "
        "with `year`, for monthly data.",
        examples=["Månad"],
    )
    sex: str | None = Field(
        None,
        description="Column with the sex; its labels are declared in sex_labels. Omit when "
        "every row is for women and men together.",
        examples=["Kön"],
    )
    value: str = Field(
        description="Column with the numeric value.", examples=["Ohälsotalet", "arbetslöshet"]
    )

    @model_validator(mode="after")
    def _one_period(self) -> ColumnMap:
        if (self.period is None) == (self.year is None):
            raise ValueError("give either columns.period or columns.year (with optional month)")
        if self.month is not None and self.year is None:
            raise ValueError("columns.month needs columns.year")
        return self


class SexLabels(BaseModel):
    """How the file writes each sex; compared ignoring case and extra spaces."""

    model_config = ConfigDict(extra="forbid")

    total: str | None = Field(
        None, description="Label for women and men together.", examples=["Kvinnor och män"]
    )
    women: str | None = Field(None, description="Label for women.", examples=["Kvinnor"])
    men: str | None = Field(None, description="Label for men.", examples=["Män"])

    @model_validator(mode="after")
    def _distinct(self) -> SexLabels:
        labels = [label_key(label) for label in self.model_dump().values() if label is not None]
        if not labels:
            raise ValueError("sex_labels needs a label for at least one of total, women, men")
        if len(set(labels)) < len(labels):
            raise ValueError("sex_labels gives the same label to two sexes")
        return self


class FileQuery(BaseModel):
    """Where an actor's numbers are in a CSV or Excel file, and how to read them."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        description="The file, relative to the framework's data directory (never absolute, "
        "so the framework can move between machines).",
        examples=["forsakringskassan/ohalsotal_2024_11_06.xlsx"],
    )
    sheet: str | int | None = Field(
        None,
        description="Excel only: the sheet's name, or its position counting from 0. "
        "Default: the first sheet.",
        examples=["tabell", 0],
    )
    columns: ColumnMap = Field(description="Which column holds the area, period, sex and value.")
    area_codes: AreaCodes | None = Field(
        None,
        description="How the area column is written: 'kolada' four digits ('0010', '1082'); "
        "'scb' two-digit counties and four-digit municipalities ('00', '10', '1082'); "
        "'no_leading_zero' codes whose leading zeros were lost ('114' = '0114', '0' riket); "
        "'code_prefix' a code followed by a name ('17 Värmlands län', '00 Riket'; a bare "
        "name such as 'Riket' is looked up by name); 'name' area names ('Riket', "
        "'Karlshamn', 'Värmlands län'). Required with columns.area.",
    )
    area: str | None = Field(
        None,
        description="The Kolada area code of the whole file, when it has no area column.",
        examples=["0000"],
    )
    sex_labels: SexLabels | None = Field(
        None, description="How the sex column writes each sex. Required with columns.sex."
    )
    filters: dict[str, str | int] = Field(
        default_factory=dict,
        description="Keep only rows where each named column has the given value, e.g. "
        "{'Ålder': 'Samtliga 16-64 år'}; compared ignoring case and extra spaces.",
    )
    decimal: Literal[".", ","] = Field(
        ".", description="Decimal separator of numbers written as text."
    )
    encoding: Literal["utf-8", "latin-1", "cp1252"] = Field(
        "utf-8",
        description="CSV only: character encoding. Swedish Excel saves CSV as cp1252.",
    )
    delimiter: Literal[",", ";", "\t"] | None = Field(
        None,
        description="CSV only: field separator. Default: whichever of ';' ',' or tab is most "
        "frequent in the header line.",
    )
    skip_rows: int = Field(
        0,
        ge=0,
        description="Rows above the header row to skip (titles, notes). Blank rows above "
        "the header are skipped anyway.",
    )

    @field_validator("path")
    @classmethod
    def _relative_path(cls, value: str) -> str:
        if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute():
            raise ValueError(f"path {value!r} is absolute; write it relative to the data directory")
        suffix = PurePosixPath(value).suffix.lower()
        if suffix not in EXCEL_SUFFIXES | CSV_SUFFIXES:
            known = ", ".join(sorted(EXCEL_SUFFIXES | CSV_SUFFIXES))
            raise ValueError(
                f"path {value!r}: cannot read {suffix or 'files without suffix'}; "
                f"use one of {known}"
            )
        return value

    @field_validator("area")
    @classmethod
    def _known_area(cls, value: str | None) -> str | None:
        return None if value is None else areas.get(value).code

    @model_validator(mode="after")
    def _consistent(self) -> FileQuery:
        if (self.columns.area is None) == (self.area is None):
            raise ValueError("give either columns.area or a fixed area for the whole file")
        if self.columns.area is not None and self.area_codes is None:
            raise ValueError("columns.area needs area_codes (how the area column is written)")
        if (self.columns.sex is None) != (self.sex_labels is None):
            raise ValueError("columns.sex and sex_labels go together")
        if self.is_excel:
            if self.delimiter is not None or self.encoding != "utf-8":
                raise ValueError("delimiter and encoding apply to CSV files, not Excel")
        elif self.sheet is not None:
            raise ValueError("sheet applies to Excel files, not CSV")
        return self

    @property
    def is_excel(self) -> bool:
        """Whether the file is a workbook (read with calamine) rather than CSV."""
        return PurePosixPath(self.path).suffix.lower() in EXCEL_SUFFIXES


__all__ = [
    "CSV_SUFFIXES",
    "EXCEL_SUFFIXES",
    "KOLADA_URL",
    "KPI_PATTERN",
    "SCB_URL",
    "AreaCodes",
    "ColumnMap",
    "FileQuery",
    "KoladaQuery",
    "PxWebQuery",
    "SexLabels",
    "label_key",
]
