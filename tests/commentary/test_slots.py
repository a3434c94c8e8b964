"""Slots of clips found while the video is analysed: each comes as soon as nothing later can
change it, and equals the batch slot when the next clip was already known."""

from __future__ import annotations

import math

from cutups.commentary.slots import MAX_TAIL, play_slots, settled_slots
from cutups.timeline import ClipPlan


def _clip(n: int, snap: float, whistle: float) -> ClipPlan:
    return ClipPlan(f"clip_{n}", snap - 2.0, whistle + 2.0, snap, whistle)


CLIPS = [_clip(0, 10.0, 16.0), _clip(1, 20.0, 25.0), _clip(2, 60.0, 66.0)]


def test_a_slot_comes_once_no_next_clip_can_start_before_its_end() -> None:
    updates = [([CLIPS[0]], 17.0), ([], 25.0), ([CLIPS[1]], 40.0), ([CLIPS[2]], math.inf)]
    slots = list(settled_slots(updates, 100.0, 3.5))
    batch = list(play_slots(CLIPS, 100.0))
    # Clip 0's slot came with the settled second 25 (25 - 3.5 >= its end, 18), capped there.
    assert slots[0].max_end == 25.0 - 3.5 and slots[0].min_end == batch[0].min_end
    # Clip 1 was settled at 40 (36.5 >= 27): capped at its whistle + MAX_TAIL, like the batch.
    assert slots[1] == batch[1] and slots[1].max_end == 25.0 + MAX_TAIL
    assert slots[2] == batch[2]
    assert [s.index for s in slots] == [0, 1, 2]


def test_with_every_clip_known_the_slots_are_the_batch_slots() -> None:
    assert list(settled_slots([(CLIPS, math.inf)], 100.0, 3.5)) == list(play_slots(CLIPS, 100.0))
