"""Acceptance numbers of the shorts recipe on media with known truth (issue 19).

On an espeak talk with every word's time known (``--speech connected``, the default: each
sentence spoken in one go, word starts from espeak-ng's word events; ``--speech word-by-word``:
each word synthesised alone, 60 ms apart), with a flash+beep in every pause between sentences
(``tests/shorts/accuracy.py``), it runs ``cutups run --recipe shorts`` and reports:

- cut points: clips not starting at a sentence's first word or not ending after its last, and
  cuts inside a word (target: 0);
- captions: share of spoken words whose word-by-word caption lights up within 100 ms of the
  word's true start (target >= 95 %), a word missing from the captions counting as a miss; the
  onset is the first frame (25 fps) at or after the caption event's start, as libass shows it;
- A/V: every flash against its beep in every rendered clip (target: |offset| <= 40 ms);
- WER of the shipped model on that talk, and on the real speech of ``shared/datasets/speech``
  (JFK, against the text its README gives; target <= 10 %).

    python benchmarks/shorts_accuracy.py [--sentences 26] [--speech connected|word-by-word]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))

from tests.shorts.accuracy import (
    FPS,
    WordTalk,
    av_offsets,
    caption_onsets,
    connected_talk,
    cut_errors,
    matched_onset_offsets,
    word_by_word_talk,
)
from tests.speech.talk import TALK, datasets, wer

from cutups.cli import main as cutups_main
from cutups.media.audio import extract_speech
from cutups.output.captions import CaptionStyle
from cutups.settings import default_cache_dir
from cutups.speech.local import LocalOptions, LocalTranscriber
from cutups.speech.transcript import Transcript

JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
CAPTION_TOLERANCE = 0.100


def run_shorts(talk: WordTalk, out: Path, cache: Path) -> dict[str, object]:
    os.environ["CUTUPS_CACHE_DIR"] = str(cache)
    argv = ["run", str(talk.path), "--recipe", "shorts", "--max-clips", "5",
            "--durations", "short", "--out", str(out)]  # fmt: skip
    if cutups_main(argv) != 0:
        raise SystemExit("the shorts run failed")
    manifest: dict[str, object] = json.loads((out / "manifest.json").read_text())
    return manifest


def caption_report(talk: WordTalk, out: Path, clips: list[dict[str, object]]) -> str:
    transcript = Transcript.read(out / "transcript.json")
    style = CaptionStyle()
    offsets: list[float | None] = []
    for clip in clips:
        start, end = float(clip["start"]), float(clip["end"])  # type: ignore[arg-type]
        shown = caption_onsets(list(transcript.words), start, end, style, fps=FPS)
        truth = [w for w in talk.words if start <= w.start and w.end <= end]
        offsets += matched_onset_offsets(shown, truth)
    return _caption_summary(offsets)


def _caption_summary(offsets: list[float | None]) -> str:
    """The share within tolerance, then how the errors spread (signed: + late, - early)."""
    found = [o for o in offsets if o is not None]
    near = sum(abs(o) <= CAPTION_TOLERANCE for o in found)
    size = sorted(abs(o) for o in found)
    p95 = size[int(0.95 * (len(size) - 1))] if size else float("nan")
    share = near / max(1, len(offsets)) * 100
    early = sum(o < -CAPTION_TOLERANCE for o in found)
    late = sum(o > CAPTION_TOLERANCE for o in found)
    spread = [float(v) * 1000 for v in np.percentile(found, [5, 25, 50, 75, 95])] if found else []
    percentiles = " / ".join(f"{v:+.0f}" for v in spread)
    return (f"captions: {near}/{len(offsets)} words ({share:.1f} %) "
            f"within {CAPTION_TOLERANCE * 1000:.0f} ms; misses: {early} early, {late} late, "
            f"{len(offsets) - len(found)} unmatched (misheard); |error| p95 {p95 * 1000:.0f} ms, "
            f"worst {(size[-1] if size else 0.0) * 1000:.0f} ms; caption - speech, "
            f"5/25/50/75/95th percentiles: {percentiles} ms")  # fmt: skip


def jfk_wer(cache: Path, work: Path) -> str:
    flac = datasets() / "speech" / "jfk.flac"
    if not flac.exists():
        return "WER on real speech: skipped (shared/datasets/speech absent)"
    audio = extract_speech(flac, work / "jfk.f32")
    transcript = LocalTranscriber(LocalOptions(threads=2), cache).transcribe(audio)
    return (f"WER on real speech (JFK, 11 s): {wer(JFK_TEXT, transcript.text) * 100:.1f} % "
            f"(heard: {transcript.text.strip()!r})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=len(TALK))
    parser.add_argument("--speech", choices=("connected", "word-by-word"), default="connected")
    parser.add_argument("--keep", type=Path, help="build the talk and the outputs here")
    args = parser.parse_args()
    build = connected_talk if args.speech == "connected" else word_by_word_talk
    with tempfile.TemporaryDirectory(prefix="shorts-accuracy-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        cache = work / "cache"
        cache.mkdir(exist_ok=True)
        if not (cache / "speech-models").exists():
            (cache / "speech-models").symlink_to(default_cache_dir() / "speech-models")
        started = time.perf_counter()
        talk = build(TALK[: args.sentences], work)
        print(
            f"talk ({args.speech}): {len(talk.words)} words, {talk.duration:.0f} s, "
            f"{len(talk.marks)} marks, built in {time.perf_counter() - started:.0f} s"
        )
        manifest = run_shorts(talk, work / "out", cache)
        clips = manifest["clips"]
        assert isinstance(clips, list)
        spans = [(float(c["start"]), float(c["end"])) for c in clips]
        print(f"clips: {len(clips)}: " + ", ".join(f"{s:.2f}-{e:.2f}" for s, e in spans))
        bad = cut_errors(spans, talk.words)
        print(f"cut errors: {len(bad)} {bad if bad else ''}")
        print(caption_report(talk, work / "out", clips))
        offsets = [(c["id"], av_offsets(work / "out" / c["file"])) for c in clips]
        worst = max((abs(o) for _, found in offsets for o in found), default=float("nan"))
        print(f"A/V: worst |offset| {worst * 1000:.1f} ms over "
              f"{sum(len(f) for _, f in offsets)} flash+beep marks; per clip "
              + ", ".join(f"{i}: {[round(o * 1000) for o in f]}" for i, f in offsets))  # fmt: skip
        said = Transcript.read(work / "out" / "transcript.json").text
        text = " ".join(TALK[: args.sentences])
        print(f"WER on the generated talk: {wer(text, said) * 100:.1f} %")
        print(jfk_wer(cache, work))


if __name__ == "__main__":
    main()
