"""Signatures that tie a returned workbook to the actor, period and framework it was made for.

The hidden sheet of a template says which collaboration, framework version, actor, period
and goals the workbook is for. Anyone can edit that sheet consistently (Karlshamn's
workbook relabelled as Ronneby's, goals and reference cells included), so the template also
carries an HMAC-SHA256 over those fields, keyed with a secret kept only in the store. An
edited identity no longer matches its signature and the import refuses the workbook.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any, Final

KEY_NAME: Final = "workbook-signing"


def sign(key: bytes, fields: Mapping[str, Any]) -> str:
    """The hex HMAC-SHA256 of `fields` (values as text, None as "", keys sorted): what
    the workbook holds after a round trip through Excel."""
    text = {k: "" if v is None else str(v) for k, v in fields.items()}
    canonical = json.dumps(text, sort_keys=True)
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def verify(key: bytes, fields: Mapping[str, Any], signature: str) -> bool:
    """Whether `signature` is the signature of `fields` under `key` (constant time)."""
    return hmac.compare_digest(sign(key, fields), signature)
