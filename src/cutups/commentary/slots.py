"""Where each play's line and chunk go: pure timing from the planned clips.

A play's chunk starts where its clip does (before the snap); its line starts :data:`LEAD`
after the snap, so it lies within the play's span as the issue asks; the chunk may run past
the clip's end so the line can finish, but never into the next play's clip and never more
than :data:`MAX_TAIL` past the whistle. The next line starts in the next chunk, so a line
that ends within its chunk never overlaps the next one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from cutups.commentary.facts import PlayContext
from cutups.timeline import ClipPlan

__all__ = ["END_MARGIN", "LEAD", "MAX_TAIL", "PlaySlot", "play_slots", "settled_slots"]

LEAD = 0.3
"""Seconds from the snap to the first word."""
MAX_TAIL = 6.0
"""Seconds after the whistle a chunk may run on for its line to finish."""
END_MARGIN = 0.4
"""Seconds of quiet kept between a line's last word and the chunk's end."""


@dataclass(frozen=True, slots=True)
class PlaySlot:
    """One play's place in the commentary (seconds of the source)."""

    index: int
    clip: ClipPlan
    chunk_start: float
    line_at: float
    min_end: float
    """The clip's own end: the chunk lasts at least this long."""
    max_end: float
    """The latest the chunk may end (next clip, whistle + MAX_TAIL, end of the video)."""

    @property
    def budget(self) -> float:
        """Seconds the line may last."""
        return max(0.0, self.max_end - END_MARGIN - self.line_at)

    @property
    def play(self) -> PlayContext:
        seconds = round(self.clip.end_of_play - self.clip.snap)
        return PlayContext(self.clip.facts, play_seconds=seconds, index=self.index)

    def chunk_end(self, spoken: float | None) -> float:
        """Where the chunk ends once the line lasts ``spoken`` seconds (None: no line)."""
        wanted = self.min_end if spoken is None else self.line_at + spoken + END_MARGIN
        return min(self.max_end, max(self.min_end, wanted))


def _slot(
    index: int, clip: ClipPlan, following: ClipPlan | None, duration: float, until: float = 1e12
) -> PlaySlot:
    cap = min(duration, clip.end_of_play + MAX_TAIL, until)
    if following is not None:
        cap = min(cap, following.start)
    line_at = max(clip.start, clip.snap + LEAD)
    cap = max(cap, min(clip.end, duration), line_at + 0.1)
    return PlaySlot(index, clip, clip.start, line_at, min(clip.end, cap), cap)


def play_slots(clips: Iterable[ClipPlan], duration: float) -> Iterator[PlaySlot]:
    """The slots of ``clips`` (in time order) as they arrive: each is yielded once the next
    play is known (its start caps this one's chunk), the last at the end."""
    previous: ClipPlan | None = None
    index = 0
    for clip in clips:
        if previous is not None:
            yield _slot(index, previous, clip, duration)
            index += 1
        previous = clip
    if previous is not None:
        yield _slot(index, previous, None, duration)


def settled_slots(
    updates: Iterable[tuple[Sequence[ClipPlan], float]], duration: float, reach: float
) -> Iterator[PlaySlot]:
    """The slots of clips found while the video is analysed.

    ``updates``: new clips (in time order) and the second before which every clip is known;
    ``reach``: how far before its snap a clip may start. A clip's slot comes as soon as the
    next clip comes, or as soon as no next clip can start before this clip's end: its chunk
    then runs at most to where the next clip could start (the video so far, less ``reach``),
    which may end it sooner than :func:`play_slots` would.
    """
    pending: ClipPlan | None = None
    index = 0
    for clips, settled in updates:
        for clip in clips:
            if pending is not None:
                yield _slot(index, pending, clip, duration)
                index += 1
            pending = clip
        if pending is not None and settled - reach >= min(pending.end, duration):
            yield _slot(index, pending, None, duration, settled - reach)
            index, pending = index + 1, None
    if pending is not None:
        yield _slot(index, pending, None, duration)
