"""The status and direction codes the analysis returns, in the order readers see them.

A light module (no numpy, no pandas): the text layer and the report list the codes from here.
"""

from __future__ import annotations

from typing import Final

STATUSES: Final = (
    "achieved",
    "achieved_late",
    "not_achieved",
    "met_within_noise",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "moving_away",
    "cannot_assess",
)
DIRECTIONS: Final = ("improving", "stable", "worsening", "cannot_assess")
