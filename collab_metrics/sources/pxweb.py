"""PxWeb API 2.0 source (SCB by default, any PxWeb 2.0 host by URL)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCB_URL = "https://statistikdatabasen.scb.se/api/v2"


class PxWebQuery(BaseModel):
    """Which table and cells an indicator reads, and which dimensions mean area/period/sex."""

    model_config = ConfigDict(extra="forbid")

    table: str = Field(description="Table id, e.g. TAB6471 (see /tables on the host).")
    selection: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Value codes per dimension other than area and period, e.g. "
        "{ContentsCode: [BE0101N1], Alder: [tot]}. '*' selects all values.",
    )
    area_dimension: str = Field("Region", description="Dimension holding the area codes.")
    period_dimension: str = Field("Tid", description="Dimension holding the periods.")
    sex_dimension: str | None = Field(
        None, description="Dimension holding sex, when the table breaks down by sex."
    )
    sex_codes: dict[Literal["total", "women", "men"], str] = Field(
        default_factory=lambda: {"men": "1", "women": "2", "total": "1+2"},
        description="The table's codes for total/women/men in the sex dimension.",
    )
