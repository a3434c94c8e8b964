"""Play-by-play row ids and the export-time choices shared by the truth file and the export."""

from __future__ import annotations

import numpy as np

from cutups_testkit.game import SimGame, SimRow

__all__ = ["folded_extra_points", "jittered_clocks", "row_id"]


def row_id(game_id: int, row: SimRow) -> int:
    """Row id, increasing in game order (like CFBD's: game id, then period, then sequence)."""
    return game_id * 10**9 + row.period * 10**7 + (row.seq + 1) * 100


def folded_extra_points(game: SimGame, fraction: float) -> dict[int, int]:
    """Extra points whose row is folded into the touchdown row: ``{xp seq: td seq}``.

    Deterministic in the game seed; ``fraction`` of the extra points are folded.
    """
    rng = np.random.default_rng([game.spec.seed, 0xF01D])
    out: dict[int, int] = {}
    rows = game.rows
    for i, r in enumerate(rows):
        if r.play_type.startswith("Extra Point") and i > 0 and rng.random() < fraction:
            td = next(p for p in reversed(rows[:i]) if p.kind == "play")
            out[r.seq] = td.seq
    return out


def jittered_clocks(game: SimGame, n: int) -> dict[int, int]:
    """``n`` listed rows whose exported clock is off by 1-3 s: ``{seq: delta seconds}``."""
    rng = np.random.default_rng([game.spec.seed, 0x717])
    cands = [r.seq for r in game.rows if r.kind == "play" and r.period <= 4]
    if not cands or n <= 0:
        return {}
    pick = rng.choice(len(cands), size=min(n, len(cands)), replace=False)
    return {cands[int(i)]: int(rng.choice([-3, -2, -1, 1, 2, 3])) for i in sorted(pick)}
