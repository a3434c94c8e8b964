"""Tolerant field readers shared by the parsers: they return ``None`` instead of raising.

Feeds put numbers in strings, floats where ints belong, ``""`` for missing and ``"NaN"`` for
unknown; CSV dumps make everything a string. Each reader accepts all of that and answers with the
value or ``None``, so a parser decides per field whether a missing value is fatal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

__all__ = ["clock_seconds", "first", "to_int", "to_str"]

_CLOCK_RE = re.compile(r"^\s*(?:(\d{1,2}):)?(\d{1,3}):(\d{1,2}(?:\.\d+)?)\s*$")
# Ids are up to ~20 digits (CFBD play ids are 18); anything longer is not a number we want.
_MAX_DIGITS = 24


def to_int(value: object) -> int | None:
    """An int from an int, an integral float, or a numeric string; otherwise ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if not text or len(text) > _MAX_DIGITS:
            return None
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if math.isfinite(number) and number.is_integer() else None
    return None


def to_str(value: object) -> str | None:
    """A stripped, non-empty string from a string or a number; otherwise ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else str(value)
    return None


def clock_seconds(value: object) -> float | None:
    """Seconds on a game clock from ``"M:SS"``, ``"H:MM:SS"``, ``{minutes, seconds}`` or a number.

    Negative or non-finite values, and seconds of 60 or more in ``M:SS``, are ``None``.
    """
    if isinstance(value, Mapping):
        minutes = to_int(value.get("minutes"))
        seconds = _to_float(value.get("seconds"))
        if minutes is None and seconds is None:
            return None
        total = (minutes or 0) * 60 + (seconds or 0.0)
        return total if 0 <= total < 10_000 else None
    if isinstance(value, str):
        match = _CLOCK_RE.match(value)
        if match is None:
            number = _to_float(value)
            return number if number is not None and 0 <= number < 10_000 else None
        hours_text, minutes_text, seconds_text = match.groups()
        secs = float(seconds_text)
        if secs >= 60:
            return None
        return int(hours_text or 0) * 3600 + int(minutes_text) * 60 + secs
    number = _to_float(value)
    return number if number is not None and 0 <= number < 10_000 else None


def _to_float(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float
            return None
    elif isinstance(value, str):
        try:
            number = float(value.strip()) if len(value) <= _MAX_DIGITS else math.nan
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def first(row: Mapping[str, object], *keys: str) -> object:
    """The value of the first of ``keys`` present (and not None/"") in ``row``."""
    for key in keys:
        value = row.get(key)
        if value is not None and value != "":
            return value
    return None
