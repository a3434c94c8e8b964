"""Row wallclocks: parse them, mend day slips, and decide whether they can be trusted.

Feeds stamp each row with a time of day, and the aligner would love to use it, but real feeds
get it wrong in several ways (all seen in real CFBD and ESPN data):

* absent, or a placeholder: the Unix epoch, a date with no time, or one value on every row
  (a date stored as midnight);
* stale: a third or more of the rows repeat an earlier stamp, so time appears to stand still
  and then jump back;
* a day slip: a late game's stamps fall back by exactly one day part-way through;
* a few outliers: one or two rows stamped 20-40 minutes early (a correction entered later).

:func:`parse_wallclock` drops placeholders to ``None``, :func:`repair_day_slips` shifts rows after
a one-day jump back into line, and :func:`wallclock_usable` says whether what is left looks like
a real game's timeline.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

__all__ = [
    "MAX_BACKWARD_FRACTION",
    "MAX_SPREAD",
    "MIN_DISTINCT_FRACTION",
    "MIN_PRESENT_FRACTION",
    "MIN_SPREAD",
    "parse_wallclock",
    "repair_day_slips",
    "wallclock_usable",
]

MIN_SPREAD = timedelta(minutes=10)
"""A real game's first and last stamps are further apart than this."""
MAX_SPREAD = timedelta(hours=8)
"""...and closer than this (a four-overtime game with weather delays still fits)."""
MIN_PRESENT_FRACTION = 0.9
"""Share of rows that must carry a stamp."""
MIN_DISTINCT_FRACTION = 0.5
"""Share of stamps that must differ: rows in one stoppage (timeout + next play) share a stamp,
but a feed where most rows repeat a value is stale."""
MAX_BACKWARD_FRACTION = 0.05
"""Share of consecutive pairs allowed to step back in time (real feeds have one to three)."""

_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_DAY = timedelta(days=1)
# A jump within this window of exactly one day is a date slip, not real elapsed time.
_SLIP_TOLERANCE = timedelta(hours=4)


def parse_wallclock(value: object) -> datetime | None:
    """Parse a row's wallclock into an aware UTC datetime, or ``None`` when it is no real time.

    Accepts ISO-8601 strings (``"2024-08-31T23:11:51.000Z"``, with or without zone; naive
    means UTC) and Unix timestamps in seconds or milliseconds. Placeholders become ``None``:
    anything before 1990 (the epoch), and date-only strings.

    Arguments:
        value: Whatever the feed put in the field.

    Returns:
        The time in UTC, or None.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _from_timestamp(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    # Date-only values ("2024-08-31") carry no time of day: a placeholder for our purposes.
    if len(text) <= 10:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    return parsed if parsed >= _EARLIEST else None


def _from_timestamp(seconds: float) -> datetime | None:
    if not math.isfinite(seconds) or seconds <= 0:
        return None
    if seconds > 1e11:  # milliseconds: 1e11 s would be the year 5138
        seconds /= 1000.0
    try:
        parsed = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return parsed if parsed >= _EARLIEST else None


def repair_day_slips(stamps: Sequence[datetime | None]) -> list[datetime | None]:
    """Undo whole-day slips: a step of about minus (or plus) one day shifts the rest back.

    Only the relative timeline matters to the aligner, so when the slip is at the start rather
    than the end the result is still consistent, merely a day off.

    Arguments:
        stamps: Row wallclocks in game order; ``None`` entries are kept as they are.

    Returns:
        The stamps with every row after a slip moved by whole days to follow its predecessor.
    """
    out: list[datetime | None] = []
    shift = timedelta(0)
    previous: datetime | None = None
    for stamp in stamps:
        if stamp is None:
            out.append(None)
            continue
        moved = stamp + shift
        if previous is not None:
            step = moved - previous
            days = round(step / _DAY)
            if days != 0 and abs(step - days * _DAY) <= _SLIP_TOLERANCE:
                shift -= days * _DAY
                moved -= days * _DAY
        out.append(moved)
        previous = moved
    return out


def wallclock_usable(stamps: Sequence[datetime | None]) -> bool:
    """Whether a game's wallclocks look like a real timeline the aligner may lean on.

    The checks, each a placeholder or staleness pattern seen in real feeds:

    * at least :data:`MIN_PRESENT_FRACTION` of rows carry a stamp;
    * not all equal, and at least :data:`MIN_DISTINCT_FRACTION` of them distinct;
    * first-to-last spread between :data:`MIN_SPREAD` and :data:`MAX_SPREAD`;
    * near-monotone: at most :data:`MAX_BACKWARD_FRACTION` of consecutive steps go back.

    Arguments:
        stamps: Row wallclocks in game order (after :func:`repair_day_slips`).

    Returns:
        True when every check passes.
    """
    present = [s for s in stamps if s is not None]
    if len(present) < 2 or len(present) < MIN_PRESENT_FRACTION * len(stamps):
        return False
    if len(set(present)) < max(2.0, MIN_DISTINCT_FRACTION * len(present)):
        return False
    if not MIN_SPREAD <= max(present) - min(present) <= MAX_SPREAD:
        return False
    backward = sum(1 for a, b in itertools.pairwise(present) if b < a)
    return backward <= MAX_BACKWARD_FRACTION * (len(present) - 1)
