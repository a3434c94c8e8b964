"""The shorts recipe end to end: ``cutups run talk.mp4 --recipe shorts`` on a generated podcast.

The podcast: two drawn faces side by side taking turns sentence by sentence, over the espeak
talk of tests/speech (known sentences, known times). Checked on the output: 9:16 clips with
burned captions and .srt/.vtt beside them; every clip starts at a sentence's first word and ends
after a sentence's last word (no cut inside a word, against the transcript's word times); A/V
in sync; a second run with another caption style reuses the cached transcript and faces; bad
input gives a warning or a clear error.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from cutups.cli import main
from cutups.media.probe import probe
from cutups.recipes.registry import get_recipe, recipe_names
from cutups.recipes.shorts.sentences import split_sentences
from cutups.speech.align import ALIGNER
from cutups.speech.transcript import Transcript
from tests.shorts.media import make_no_face
from tests.shorts.talk_media import fresh_shorts_cache, make_talk_podcast
from tests.speech.talk import TALK, speak

SIZE = (640, 360)


@pytest.fixture(scope="module")
def shorts_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh cache for this module, sharing the speech model joined once per machine."""
    return fresh_shorts_cache(tmp_path_factory)


@pytest.fixture(scope="module")
def talk_podcast(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two drawn people taking turns by sentence, the espeak talk as the sound."""
    return make_talk_podcast(tmp_path_factory.mktemp("shorts-talk"), size=SIZE)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _check_clean_cuts(out: Path) -> None:
    """Every clip starts at a sentence's first word and ends after a sentence's last word."""
    transcript = Transcript.read(out / "transcript.json")
    assert transcript.engine.endswith(f"+{ALIGNER}")  # word times from the forced aligner
    words = transcript.words
    sentences = split_sentences(words)
    firsts = {words[s.first].start for s in sentences}
    lasts = {words[s.last].end for s in sentences}
    for clip in json.loads((out / "manifest.json").read_text())["clips"]:
        start, end = clip["start"], clip["end"]
        assert not any(w.start < start < w.end or w.start < end < w.end for w in words), clip
        inside = [w for w in words if start <= w.start and w.end <= end]
        assert inside[0].start in firsts and inside[-1].end in lasts, clip
        assert inside[0].start - start <= 0.2 and end - inside[-1].end <= 0.4


def test_shorts_recipe_is_registered() -> None:
    assert "shorts" in recipe_names()
    assert get_recipe("shorts").options({"max_clips": 2}).max_clips == 2


def test_cutups_run_makes_captioned_vertical_shorts_and_caches(
    talk_podcast: Path,
    shorts_cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CUTUPS_CACHE_DIR", str(shorts_cache))
    out = tmp_path / "first"
    started = time.monotonic()
    args = ["run", str(talk_podcast), "--recipe", "shorts", "--max-clips", "3"]
    code, _, err = _run([*args, "--out", str(out)], capsys)
    first = time.monotonic() - started
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    clips = manifest["clips"]
    assert 1 <= len(clips) <= 3 and manifest["recipe"] == "shorts"
    for index, clip in enumerate(clips, 1):
        video = probe(out / clip["file"], keyframes=False)
        assert abs(video.video.width / video.video.height - 9 / 16) < 0.01
        assert video.video.height == SIZE[1]
        assert clip["av_offset_ms"] <= 40 and clip["layout_type"] == "focus"
        assert 15 <= clip["duration_ms"] / 1000 <= 61
        assert clip["summary"] and clip["tags"] and 0 <= clip["virality_score"] <= 100
        for kind in ("srt", "vtt"):
            assert (out / clip["captions"][kind]).read_text().count("-->") >= 2
        assert clip["end_time_ms"] - clip["start_time_ms"] == pytest.approx(
            clip["duration_ms"], abs=80
        )
        assert {"clip_index", "file"} <= set(clip) and index in {c["clip_index"] for c in clips}
    plan = json.loads((out / "plan.json").read_text())
    assert len(plan["clips"]) == len(clips) and plan["planner"] == "local"
    assert not manifest["warnings"], manifest["warnings"]
    assert manifest["detector_meta"]["shorts"]["transcript_cached"] is False
    _check_clean_cuts(out)

    # Another caption style: the transcript and the faces come from the cache.
    style = tmp_path / "style.json"
    style.write_text(json.dumps({"font_size": 50, "highlight_color": "#00FF00"}))
    again = tmp_path / "second"
    started = time.monotonic()
    code, _, err = _run([*args, "--caption-style", str(style), "--out", str(again)], capsys)
    second = time.monotonic() - started
    assert code == 0, err
    meta = json.loads((again / "manifest.json").read_text())["detector_meta"]["shorts"]
    assert meta["transcript_cached"] is True and meta["faces_cached"] == len(clips)
    assert meta["options"]["caption_style"]["font_size"] == 50
    assert second < first
    print(f"\nshorts run: first {first:.1f} s, cached re-render {second:.1f} s")


def test_burned_captions_change_the_picture(
    talk_podcast: Path, shorts_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """With captions, the middle of the frame (where they sit) differs from without."""
    monkeypatch.setenv("CUTUPS_CACHE_DIR", str(shorts_cache))
    frames = []
    for flag in ("--captions", "--no-captions"):
        out = tmp_path / flag.strip("-")
        args = ["run", str(talk_podcast), "--recipe", "shorts", "--max-clips", "1", flag]
        code, _, err = _run([*args, "--out", str(out)], capsys)
        assert code == 0, err
        clip = json.loads((out / "manifest.json").read_text())["clips"][0]
        frames.append(_frame(out / clip["file"], 3.0))
    height = frames[0].shape[0]
    band = slice(int(0.4 * height), int(0.6 * height))  # captions sit centred by default
    changed = np.abs(frames[0][band].astype(int) - frames[1][band].astype(int)) > 40
    assert changed.mean() > 0.01, changed.mean()


def _frame(path: Path, t: float) -> np.ndarray:
    info = probe(path, keyframes=False)
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(t), "-i", str(path), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, np.uint8).reshape(info.video.height, info.video.width)


def test_no_audio_track_is_a_clear_error(
    tmp_path: Path, shorts_cache: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("CUTUPS_CACHE_DIR", str(shorts_cache))
    silent_film = tmp_path / "mute.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:d=3",
         "-c:v", "libx264", "-preset", "ultrafast", str(silent_film)],
        check=True,
    )  # fmt: skip
    code, _, err = _run(["run", str(silent_film), "--recipe", "shorts", "--out",
                         str(tmp_path / "o")], capsys)  # fmt: skip
    assert code == 2 and "no audio track" in err and "Traceback" not in err


def test_silence_only_warns_and_makes_no_clips(
    tmp_path: Path, shorts_cache: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("CUTUPS_CACHE_DIR", str(shorts_cache))
    quiet = tmp_path / "quiet.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:d=8",
         "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "8", "-c:v", "libx264",
         "-preset", "ultrafast", "-c:a", "aac", "-shortest", str(quiet)],
        check=True,
    )  # fmt: skip
    out = tmp_path / "o"
    code, _, err = _run(["run", str(quiet), "--recipe", "shorts", "--out", str(out)], capsys)
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["clips"] == [] and "no_speech" in {w["code"] for w in manifest["warnings"]}
    assert "no speech" in err and "Traceback" not in err


def test_a_faceless_talk_uses_the_static_layout_and_says_so(
    tmp_path: Path, shorts_cache: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Shapes instead of people, the talk as sound: clips, each static, with a warning."""
    monkeypatch.setenv("CUTUPS_CACHE_DIR", str(shorts_cache))
    folder = tmp_path / "media"
    folder.mkdir()
    spoken = speak(TALK[:8], folder / "talk.wav")
    shapes = make_no_face(folder / "shapes.mp4", seconds=spoken.duration, size=SIZE)
    source = folder / "faceless.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(shapes.path), "-i", str(spoken.path),
         "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-shortest", str(source)],
        check=True,
    )  # fmt: skip
    out = tmp_path / "o"
    code, _, err = _run(
        ["run", str(source), "--recipe", "shorts", "--max-clips", "1", "--out", str(out)], capsys
    )
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["clips"] and all(c["layout_type"] == "static" for c in manifest["clips"])
    assert "no_face" in {w["code"] for w in manifest["warnings"]}


GERMAN = (
    "Warum beenden die meisten Menschen nie die Projekte, die sie beginnen?",
    "Ich habe zehn Jahre lang diese Frage mit vielen Studenten untersucht.",
    "Die Antwort hat mich mehr überrascht als alles andere in meinem Beruf.",
    "Es ist kein Talent, und es ist auch kein Geld.",
    "Der größte Fehler ist, auf die Motivation zu warten.",
    "Hier sind drei Dinge, die wirklich funktionieren.",
)


def test_another_language_is_a_warning(
    tmp_path: Path, shorts_cache: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("CUTUPS_CACHE_DIR", str(shorts_cache))
    spoken = speak(GERMAN, tmp_path / "rede.wav", voice="de")
    source = tmp_path / "rede.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
         "-i", str(spoken.path), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
         "-shortest", str(source)],
        check=True,
    )  # fmt: skip
    out = tmp_path / "o"
    code, _, err = _run(["run", str(source), "--recipe", "shorts", "--out", str(out)], capsys)
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert "other_language" in {w["code"] for w in manifest["warnings"]}
    assert "another language (de)" in err
