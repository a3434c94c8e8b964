"""The commentary recipe end to end on the generated tiny broadcast: the CLI, the registry,
the hooks a job service listens on, and what lands in the output folder."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from typing import Any

import m3u8
import pytest

from cutups.cli import _build_parser, main
from cutups.commentary.checker import check_line
from cutups.commentary.facts import PlayContext
from cutups.errors import ConfigError
from cutups.media.ffmpeg import run
from cutups.pipeline import run_recipe
from cutups.recipes.base import RunContext
from cutups.recipes.commentary_recipe import CommentaryOptions
from cutups.recipes.flags import option_values
from cutups.recipes.registry import get_recipe, recipe_names
from cutups.settings import Settings, load_settings
from cutups.timeline import PlayFacts
from cutups_testkit import GeneratedBroadcast

AAC_FRAME = 1024 / 48_000


def test_cutups_run_comments_every_play(
    broadcast: GeneratedBroadcast, cache_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("CUTUPS_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("CUTUPS_COMMENTARY_FAST_START", "false")  # the setting, from the env
    out = tmp_path / "out"
    code = main(["run", str(broadcast.video), "--recipe", "commentary", "--pbp",
                 str(broadcast.pbp["cfbd_csv"]), "--team", "Michigan", "--seed", "3",
                 "--out", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["recipe"] == "commentary" and manifest["complete"]
    assert len(manifest["clips"]) == len(broadcast.truth.plays) == 3
    for clip in manifest["clips"]:
        assert (out / clip["file"]).exists() and (out / clip["thumb"]).exists()
        assert clip["chunks"][-1] == clip["file"]
        assert all((out / name).exists() for name in clip["chunks"])
        assert clip["commentary"], clip
        facts = PlayFacts.from_dict(clip)
        assert facts.row_id and check_line(clip["commentary"], PlayContext(facts)) == ()
    stats = manifest["commentary"]
    # Without a fast start (CUTUPS_COMMENTARY_FAST_START=false) every play is one chunk.
    assert [clip["chunks"] for clip in manifest["clips"]] == [
        [f"chunks/chunk_{n:04d}.mp4"] for n in range(3)
    ]
    assert stats["plays"] == stats["chunks"] == 3
    assert stats["drift_seconds"] <= AAC_FRAME
    chapters = _chapter_titles(out / "commentary.mp4")
    assert chapters == [clip["commentary"] for clip in manifest["clips"]]
    assert (out / "commentary.mp4").exists() and (out / "job.zip").exists()
    assert m3u8.load(str(out / "hls" / "stream.m3u8")).is_endlist
    print(f"\ncommentary run: {stats}")


def test_run_recipe_streams_events_to_the_hooks(
    broadcast: GeneratedBroadcast, cache_dir: Path, tmp_path: Path
) -> None:
    recipe = get_recipe("commentary")
    events: list[dict[str, Any]] = []
    clips: list[dict[str, Any]] = []
    started = time.monotonic()
    first_chunk: list[float] = []

    def on_event(event: Any) -> None:
        events.append(dict(event))
        if event["type"] == "chunk_ready" and not first_chunk:
            first_chunk.append(time.monotonic() - started)

    ctx = RunContext(
        settings=Settings(cache_dir=cache_dir), out_dir=tmp_path / "job", job_id="j1",
        on_event=on_event, on_clip=lambda entry: clips.append(dict(entry)),
    )  # fmt: skip
    options = recipe.options({"voice": "espeak", "duck_db": -18})
    result = run_recipe(recipe, options, broadcast.video, ctx, pbp=broadcast.pbp["espn_json"])
    kinds = [e["type"] for e in events]
    # The plays recipe may plan a play the listing lacks; every planned play gets a chunk,
    # and on_clip once: a fast start sends the first play's first seconds as a chunk of their
    # own (then its line's part in pieces as long, then maybe the rest), numbered like any
    # chunk, and the play is listed when its last chunk is out.
    chunks = [e for e in events if e["type"] == "chunk_ready"]
    assert [c["index"] for c in chunks] == list(range(len(chunks))) and kinds[-1] == "complete"
    assert [c["play"] for c in chunks if c["play_done"]] == list(range(len(clips)))
    first = [c for c in chunks if c["play"] == 0]
    assert len(clips) >= 3 and len(first) >= 2 and chunks[: len(first)] == first
    assert len(chunks) == len(clips) + len(first) - 1
    assert [c["play_done"] for c in first] == [False] * (len(first) - 1) + [True]
    assert first[0]["text"] is None and first[1]["text"]
    assert all(a["end"] == b["start"] for a, b in itertools.pairwise(first))
    assert [c["file"] for c in chunks] == [f"chunks/chunk_{n:04d}.mp4" for n in range(len(chunks))]
    assert [f for c in clips for f in c["chunks"]] == [c["file"] for c in chunks]
    assert [c["play"] for c in clips] == list(range(len(clips)))
    assert (clips[0]["start"], clips[0]["end"]) == (first[0]["start"], first[-1]["end"])
    assert clips[0]["commentary"] == first[1]["text"]
    assert result.reel == tmp_path / "job" / "commentary.mp4"
    print(f"\nfirst chunk {first_chunk[0]:.2f} s after the job started (analysis cached)")


def _chapter_titles(video: Path) -> list[str]:
    out = run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(video)]).stdout
    return [c["tags"]["title"] for c in json.loads(out)["chapters"]]


def test_fast_start_is_a_setting_that_the_option_and_the_flag_override(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options = get_recipe("commentary").options
    assert Settings().commentary_fast_start  # on by default
    monkeypatch.setenv("CUTUPS_COMMENTARY_FAST_START", "false")
    off = load_settings()
    assert not off.commentary_fast_start
    assert not options({}).chosen_fast_start(off)
    assert options({"fast_start": True}).chosen_fast_start(off)
    on = Settings(commentary_fast_start=True)
    assert not options({"fast_start": False}).chosen_fast_start(on)
    with pytest.raises(ConfigError, match="fast_start"):
        options({"fast_start": "sometimes"})
    # The CLI's flags: unset leaves the setting in charge; either flag overrides it.
    parser = _build_parser("commentary")
    for flags, chosen in (([], False), (["--fast-start"], True), (["--no-fast-start"], False)):
        args = parser.parse_args(["run", "g.mp4", "--recipe", "commentary", "--out", "o", *flags])
        values = option_values(args, CommentaryOptions)
        assert options(values).chosen_fast_start(off) is chosen, flags


def test_the_recipe_is_registered_and_checks_its_options() -> None:
    assert "commentary" in recipe_names()
    recipe = get_recipe("commentary")
    assert recipe.uses_pbp
    with pytest.raises(ConfigError, match="voice"):
        recipe.options({"voice": "robot"})
    with pytest.raises(ConfigError, match="duck_db"):
        recipe.options({"duck_db": 6})
    with pytest.raises(ConfigError, match="CUTUPS_COMMENTARY_TTS_URL"):
        recipe.check(recipe.options({"voice": "cloud"}), has_pbp=False, settings=Settings())


def test_without_play_by_play_the_plays_are_found_while_the_commentary_streams(
    broadcast: GeneratedBroadcast, cache_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A cold cache: the first chunk comes before the video is analysed to its end, and the
    chunks are the clips the plays recipe plans from the batch analysis."""
    recipe = get_recipe("commentary")
    events: list[dict[str, Any]] = []
    ctx = RunContext(
        settings=Settings(cache_dir=tmp_path / "cold"), out_dir=tmp_path / "job", job_id="j2",
        on_event=lambda e: events.append(dict(e)),
    )  # fmt: skip
    run_recipe(recipe, recipe.options({"voice": "espeak"}), broadcast.video, ctx)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "status" and kinds[-1] == "complete"
    # The first chunk is out before the last play is detected.
    assert kinds.index("chunk_ready") < max(
        i for i, k in enumerate(kinds) if k == "events_detected"
    )
    manifest = json.loads((tmp_path / "job" / "manifest.json").read_text())
    planned = json.loads((tmp_path / "job" / "timeline.json").read_text())
    assert planned["meta"]["detection"] == "windows"
    batch = tmp_path / "batch"
    monkeypatch.setenv("CUTUPS_CACHE_DIR", str(cache_dir))
    assert main(["run", str(broadcast.video), "--out", str(batch)]) == 0  # plays, cached analysis
    plays = json.loads((batch / "manifest.json").read_text())["clips"]
    assert [(c["snap"], c["end_of_play"]) for c in manifest["clips"]] == [
        (c["snap"], c["end_of_play"]) for c in plays
    ]
    chunks = [e for e in events if e["type"] == "chunk_ready"]
    assert [c["file"] for c in chunks] == [f for c in manifest["clips"] for f in c["chunks"]]
    assert not (tmp_path / "cold" / "analysis").exists() or not any(
        (tmp_path / "cold" / "analysis").iterdir()
    )
