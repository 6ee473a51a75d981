"""A browser's user-agent string as a person reads it: "Chrome Mobile 120 · Android 13 · Samsung SM-A146P"."""
from __future__ import annotations

from functools import lru_cache

import ua_parser


@lru_cache(maxsize=512)
def describe(user_agent: str) -> str:
    """Browser, system and device named by ``user_agent`` ("" when unknown)."""
    if not user_agent:
        return ""
    result = ua_parser.parse(user_agent)
    parts = []
    if result.user_agent is not None:
        parts.append(" ".join(p for p in (result.user_agent.family, result.user_agent.major) if p))
    if result.os is not None:
        parts.append(" ".join(p for p in (result.os.family, result.os.major) if p))
    if result.device is not None and result.device.family not in ("Other", "Generic Smartphone"):
        parts.append(result.device.family)
    return " · ".join(parts) or user_agent[:60]
