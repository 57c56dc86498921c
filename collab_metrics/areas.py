"""Swedish area codes: one canonical system (Kolada's) and converters to the others.

Kolada: "0000" riket, "00NN" region (county), "NNNN" municipality.
SCB:    "00" riket,   "NN" county,          "NNNN" municipality.
DDF dump of Kolada: "0" riket, "NN" county, "NNNN" municipality (leading zeros of the
two-digit codes may also be stripped, e.g. "1" for Stockholm).
"""

from __future__ import annotations

RIKET = "0000"


def from_scb(code: str | int) -> str:
    """Canonical Kolada code from an SCB region code ("00", "10", "1082", or 114 without zero)."""
    text = str(code).strip()
    if not text.isdigit() or len(text) > 4:
        raise ValueError(f"not an SCB area code: {code!r}")
    if len(text) <= 2:
        return "00" + text.zfill(2)
    return text.zfill(4)


def from_ddf(code: str | int) -> str:
    """Canonical Kolada code from a code in the Kolada DDF dump ("0", "10", "1082")."""
    text = str(code).strip()
    if not text.isdigit() or len(text) > 4:
        raise ValueError(f"not a DDF area code: {code!r}")
    if text.strip("0") == "":
        return RIKET
    if len(text) <= 2:
        return "00" + text.zfill(2)
    return text.zfill(4)


def to_scb(code: str) -> str:
    """SCB region code for a canonical Kolada code ("0000" -> "00", "0010" -> "10")."""
    return code[2:] if code.startswith("00") else code


def to_ddf(code: str) -> str:
    """DDF dump code for a canonical Kolada code ("0000" -> "0", "0010" -> "10")."""
    if code == RIKET:
        return "0"
    return code[2:] if code.startswith("00") else code
