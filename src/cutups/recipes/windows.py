"""Clip windows around plays: padding, length limits, keyframe alignment and de-duplication.

Distinct plays are never merged into one clip, even when their padded windows overlap (a quick
hurry-up snap 12 s after a whistle): one clip per play is the product's promise, and overlapping
clips are harmless. Only detections of the *same* play (their snap-to-end cores overlap by more
than half) are merged.

**Keyframe alignment.** A clip that starts on a keyframe and ends where a stream copy ends
cleanly is cut by copying packets alone: nothing is re-encoded, which is what makes cutting
fast. So each boundary has a *preferred* point (``pre`` before the snap, ``post`` after the end
of play, after the length rules) and a *slack* around it (:class:`Slack`); given the source's
:class:`CutPoints`, the start moves to the keyframe inside its slack nearest the preferred
point, and the end to the nearest clean end inside its slack:

- without frame reordering (no B-frames) every frame is a clean end, so the end stays where
  it is preferred;
- otherwise the end moves onto a keyframe (the clip stops on the frame before it, which every
  closed GOP lets a copy end on) or onto the end of the video.

Where no cut point lies inside the slack (long GOPs: a keyframe every 8 s), the preferred point
stays and the cutter re-encodes the few frames it must. Ties go to the longer clip.

**Default slack** (issue #8): the clip starts 0.5 to 3 s before the snap and ends 1 to 4 s after
the end of play (preferred: 2 s and 2 s). **Explicit padding** (``--pre``/``--post``,
``PLAY_PRE_PAD_SEC``/``PLAY_POST_PAD_SEC``) is honoured within :data:`EXPLICIT_SLACK`, half a
second either way: a user who asks for 5 s gets 4.5 to 5.5 s, never the 1.5 s less the default
slack would allow; half a second still holds a keyframe for GOPs up to a second, so such clips
usually stay pure copies. :data:`EXACT` pins a boundary. Slack never puts the start after the
snap, never ends a clip inside its play (unless ``max_len`` already does), and never breaks the
length limits.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from cutups.errors import ConfigError

__all__ = [
    "DEFAULT_POST_SLACK",
    "DEFAULT_PRE_SLACK",
    "EXACT",
    "EXPLICIT_SLACK",
    "CutPoints",
    "Slack",
    "Window",
    "WindowOptions",
    "build_windows",
    "window_options",
]


@dataclass(frozen=True, slots=True)
class Slack:
    """How far one clip boundary may move from its preferred point to land on a cut point."""

    longer: float = 0.0
    """Seconds it may move outward, making the padding longer."""
    shorter: float = 0.0
    """Seconds it may move inward, making the padding shorter (never below none)."""

    def __post_init__(self) -> None:
        if self.longer < 0 or self.shorter < 0:
            raise ConfigError("slack must not be negative")


EXACT = Slack()
"""No slack: the boundary stays where the padding puts it."""
DEFAULT_PRE_SLACK = Slack(longer=1.0, shorter=1.5)
"""With the default 2 s: the clip starts 0.5 to 3 s before the snap."""
DEFAULT_POST_SLACK = Slack(longer=2.0, shorter=1.0)
"""With the default 2 s: the clip ends 1 to 4 s after the end of play."""
EXPLICIT_SLACK = Slack(longer=0.5, shorter=0.5)
"""For padding the user chose: within half a second of it."""


@dataclass(frozen=True, slots=True)
class WindowOptions:
    """Padding, its slack and length limits, in seconds."""

    pre: float = 2.0
    post: float = 2.0
    min_len: float = 4.0
    max_len: float = 40.0
    pre_slack: Slack = field(default=DEFAULT_PRE_SLACK)
    post_slack: Slack = field(default=DEFAULT_POST_SLACK)

    def __post_init__(self) -> None:
        if self.pre < 0 or self.post < 0:
            raise ConfigError("padding must not be negative")
        if not 0 < self.min_len <= self.max_len:
            raise ConfigError(f"need 0 < min length ({self.min_len}) <= max ({self.max_len})")


@dataclass(frozen=True, slots=True)
class CutPoints:
    """Where the source can be cut by stream copy alone (the default: nowhere known)."""

    keyframes: tuple[float, ...] = ()
    """Sorted seconds of the keyframes a copy can start from (and end just before)."""
    any_end: bool = False
    """Every frame is a clean end: decode order is display order (no B-frames)."""


@dataclass(frozen=True, slots=True)
class Window:
    """A padded span around one play's core [snap, end]."""

    start: float
    end: float
    snap: float
    core_end: float
    source_index: int
    """Index of the play this window came from in the input sequence."""


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def window_options(
    *,
    pre: float | None,
    post: float | None,
    default_pre: float,
    default_post: float,
    min_len: float,
    max_len: float,
) -> WindowOptions:
    """Options from padding the user chose (a number) or left to the defaults (None).

    Chosen padding keeps :data:`EXPLICIT_SLACK`; default padding gets the wide default slack
    that usually lands both ends on cut points. The CLI and the job API both build their
    windows here, so a job and a command line with the same padding cut the same clips.
    """
    return WindowOptions(
        pre=default_pre if pre is None else pre,
        post=default_post if post is None else post,
        min_len=min_len,
        max_len=max_len,
        pre_slack=DEFAULT_PRE_SLACK if pre is None else EXPLICIT_SLACK,
        post_slack=DEFAULT_POST_SLACK if post is None else EXPLICIT_SLACK,
    )


def build_windows(
    cores: Sequence[tuple[float, float]],
    duration: float,
    options: WindowOptions,
    cuts: CutPoints | None = None,
) -> list[Window]:
    """Pad each (snap, end) core into a clip window inside [0, duration].

    A window shorter than ``min_len`` grows after the play first (the aftermath is more useful
    than more pre-snap stillness), then before. A window longer than ``max_len`` is trimmed at the
    end, never before the snap. With ``cuts``, both ends then move within their slack onto cut
    points (see the module docs).
    """
    points = cuts or CutPoints()
    windows: list[Window] = []
    for index, (snap, core_end) in enumerate(sorted(cores)):
        if windows:
            prev = windows[-1]
            shorter = min(core_end - snap, prev.core_end - prev.snap)
            if shorter > 0 and _overlap(snap, core_end, prev.snap, prev.core_end) > 0.5 * shorter:
                merged_end = max(prev.core_end, core_end)
                windows[-1] = _place(
                    prev.snap, merged_end, duration, options, points, prev.source_index
                )
                continue
        windows.append(_place(snap, core_end, duration, options, points, index))
    return windows


def _place(
    snap: float, core_end: float, duration: float, o: WindowOptions, cuts: CutPoints, index: int
) -> Window:
    start, end = _pad(snap, core_end, duration, o)
    if cuts.keyframes:
        start = _align_start(start, snap, o.pre_slack, cuts.keyframes)
        end = _align_end(start, end, core_end, duration, o, cuts)
    return Window(start=start, end=end, snap=snap, core_end=core_end, source_index=index)


def _pad(snap: float, core_end: float, duration: float, o: WindowOptions) -> tuple[float, float]:
    """The preferred window: padding, then the length limits."""
    start = max(0.0, snap - o.pre)
    end = min(duration, core_end + o.post)
    if end - start < o.min_len:
        end = min(duration, start + o.min_len)
        start = max(0.0, end - o.min_len)
    if end - start > o.max_len:
        end = start + o.max_len
    return start, end


def _align_start(start: float, snap: float, slack: Slack, keyframes: Sequence[float]) -> float:
    """The keyframe within the slack nearest ``start`` (earlier on a tie), else ``start``."""
    lo = max(0.0, start - slack.longer)
    hi = min(start + slack.shorter, snap)  # never start after the snap
    return _nearest(keyframes, start, lo, hi) if lo <= hi else start


def _align_end(
    start: float, end: float, core_end: float, duration: float, o: WindowOptions, cuts: CutPoints
) -> float:
    """A clean end within the slack nearest ``end`` (later on a tie), else ``end`` kept legal.

    The length limits (measured from the chosen start) and the video's end are hard; the slack
    and "not inside the play" are soft: when they cannot all hold, the hard ones win.
    """
    hard_lo, hard_hi = min(start + o.min_len, duration), min(start + o.max_len, duration)
    kept = min(max(end, hard_lo), hard_hi)
    # Never end inside the play, unless the length limit already did.
    lo = max(end - o.post_slack.shorter, min(core_end, end), hard_lo)
    hi = min(end + o.post_slack.longer, hard_hi)
    if lo > hi or cuts.any_end:
        return kept
    candidates = list(_between(cuts.keyframes, lo, hi))
    if lo <= duration <= hi:
        candidates.append(duration)  # the end of the video ends any copy cleanly
    if not candidates:
        return kept
    return min(candidates, key=lambda k: (abs(k - end), -k))


def _nearest(keyframes: Sequence[float], target: float, lo: float, hi: float) -> float:
    inside = _between(keyframes, lo, hi)
    if not inside:
        return target
    return min(inside, key=lambda k: (abs(k - target), k))


def _between(keyframes: Sequence[float], lo: float, hi: float) -> Sequence[float]:
    """The keyframes in [lo, hi] (a slice: a 3-hour broadcast has ~20 000 of them)."""
    return keyframes[bisect.bisect_left(keyframes, lo) : bisect.bisect_right(keyframes, hi)]
