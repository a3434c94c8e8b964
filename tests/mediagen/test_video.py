"""The rendered tiny broadcast: container, scorebug, clock digits, motion, whistles."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from cutups_testkit import LOOKS, GeneratedBroadcast
from tests.mediagen.conftest import Decoded


def _frame(truth_fps: str, t: float) -> int:
    return round(t * Fraction(truth_fps))


def test_probe_matches_look(tiny: GeneratedBroadcast, decoded: Decoded) -> None:
    look = LOOKS["box_topleft_480p30"]
    assert decoded.rate == look.fps
    assert (decoded.width, decoded.height) == (look.width, look.height)
    assert decoded.frames == tiny.truth.video.frames
    assert decoded.keyframes == list(range(0, decoded.frames, look.gop))


def _live_and_ad_frames(tiny: GeneratedBroadcast) -> tuple[list[int], list[int]]:
    fps = tiny.truth.video.fps
    live, ads = [], []
    for s in tiny.truth.segments:
        a, b = _frame(fps, s.start) + 3, _frame(fps, s.end) - 3
        if b <= a:
            continue
        picks = list(np.linspace(a, b, 4).astype(int))
        if s.scorebug == "live":
            live += picks
        elif s.kind == "commercial":
            ads += picks
    return live, ads


def test_scorebug_present_live_absent_in_commercials(
    tiny: GeneratedBroadcast, decoded: Decoded
) -> None:
    live, ads = _live_and_ad_frames(tiny)
    assert live and ads
    # the left third of the bug (team abbreviations, constant all game) is the template
    w = decoded.bug.shape[2] // 3
    crops = decoded.bug[:, :, :w].astype(np.float32)
    template = np.median(crops[live], axis=0)
    live_err = np.abs(crops[live] - template).mean(axis=(1, 2))
    ad_err = np.abs(crops[ads] - template).mean(axis=(1, 2))
    assert live_err.max() < 12, live_err.max()
    assert ad_err.min() > 25, ad_err.min()


def test_clock_digits_run_and_stop(tiny: GeneratedBroadcast, decoded: Decoded) -> None:
    fps = Fraction(tiny.truth.video.fps)
    one = round(fps)
    running, stopped = [], []
    for c in tiny.truth.clock_track:
        if c.shown != "live" or c.period >= 5:
            continue
        a, b = (
            _frame(tiny.truth.video.fps, c.video_start) + 2,
            _frame(tiny.truth.video.fps, c.video_end) - 2,
        )
        if b - a <= one:
            continue
        diff = _changed(decoded.clock[a], decoded.clock[a + one])
        (running if c.running else stopped).append(diff)
    assert running and stopped
    assert min(running) > 0.01, running
    assert max(stopped) < 0.005, stopped


def _changed(a: np.ndarray, b: np.ndarray) -> float:
    """Fraction of pixels of two clock crops that differ clearly (a glyph changed)."""
    return float((np.abs(a - b) > 40).mean())


def test_displayed_clock_text_changes_exactly_with_truth(
    tiny: GeneratedBroadcast, decoded: Decoded
) -> None:
    fps = Fraction(tiny.truth.video.fps)
    prev_text, prev_n = None, None
    checked = 0
    for n in range(0, decoded.frames, 7):
        text = tiny.truth.displayed_clock(float(n / fps))
        seg = tiny.truth.segment_at(float(n / fps))
        if text is None or seg is None or seg.scorebug != "live":
            prev_text = None
            continue
        if prev_text is not None and prev_n is not None:
            same = _changed(decoded.clock[n], decoded.clock[prev_n]) < 0.005
            assert same == (text == prev_text), (n, text, prev_text)
            checked += 1
        prev_text, prev_n = text, n
    assert checked > 50


def test_motion_jumps_at_snap_after_still_moment(
    tiny: GeneratedBroadcast, decoded: Decoded
) -> None:
    fps = Fraction(tiny.truth.video.fps)
    tested = 0
    for p in tiny.truth.plays:
        if p.presnap_motion or p.play_type.startswith("Kickoff"):
            continue
        seg = tiny.truth.segment_at(p.snap - 0.8)
        if seg is None or seg.kind != "wide" or seg.end < p.snap + 0.5:
            continue
        s = p.snap_frame
        still = decoded.motion[s - round(0.7 * fps) + 1 : s]
        after = decoded.motion[s : s + round(0.4 * fps)]
        assert still.max() < 0.0015, still.max()
        assert after.max() > 4 * max(still.max(), 0.0005), (after.max(), still.max())
        assert decoded.motion[s] > still.max(), "the snap frame itself must show movement"
        tested += 1
    assert tested >= 1


def _band_energy(
    audio: np.ndarray, sr: int, lo: float, hi: float, hop: float = 0.025
) -> np.ndarray:
    n = int(sr * 0.05)
    step = int(sr * hop)
    win = np.hanning(n)
    freqs = np.fft.rfftfreq(n, 1 / sr)
    band = (freqs >= lo) & (freqs <= hi)
    frames = np.lib.stride_tricks.sliding_window_view(audio, n)[::step]
    spec = np.abs(np.fft.rfft(frames * win, axis=1)) ** 2
    return spec[:, band].sum(axis=1) / (spec.sum(axis=1) + 1e-9)


def test_whistle_band_peaks_at_audible_whistles(tiny: GeneratedBroadcast, decoded: Decoded) -> None:
    hop = 0.025
    e = _band_energy(decoded.audio, decoded.sample_rate, 3000, 4500, hop)
    base = float(np.median(e))
    audible = [p for p in tiny.truth.plays if p.whistle_audible and p.complete]
    assert audible
    for p in audible:
        i0, i1 = int((p.whistle - 0.05) / hop), int((p.whistle + 0.5) / hop)
        assert e[i0:i1].max() > 8 * base, (p.index, e[i0:i1].max(), base)
    # and nothing like it in the middle of the still moment before a snap
    for p in audible:
        i = int((p.snap - 0.5) / hop)
        if i > 0:
            assert (
                e[i] < 0.5 * e[int((p.whistle - 0.05) / hop) : int((p.whistle + 0.5) / hop)].max()
            )
