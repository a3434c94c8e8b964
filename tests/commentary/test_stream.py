"""The streaming pipeline on generated media: stages overlap, events arrive in order, a line
that cannot be voiced is skipped with a warning and the stream completes, every line starts in
its play and ends before the next, and the final video is a drift-free stream copy."""

from __future__ import annotations

import itertools
import json
import threading
import time
import wave
from pathlib import Path
from typing import Any

import m3u8
import pytest

from cutups.commentary.events import StreamEvent
from cutups.commentary.lines import LineWriter
from cutups.commentary.slots import play_slots
from cutups.commentary.speech import EspeakSynth, Speech, Synthesizer
from cutups.commentary.stream import StreamConfig, StreamResult, run_commentary
from cutups.errors import CanceledError, SpeechError
from cutups.media.ffmpeg import run
from cutups.media.probe import MediaInfo, probe
from cutups.timeline import ClipPlan, PlayFacts
from tests.commentary.media import make_source


class BrokenOn:
    """espeak-ng, made to fail on lines naming ``name``: a voice failing mid-stream."""

    name = "espeak"

    def __init__(self, name: str) -> None:
        self.broken, self.voice = name, EspeakSynth()

    def synthesize(self, text: str) -> Speech:
        if self.broken in text:
            raise SpeechError("the voice service is down")
        return self.voice.synthesize(text)


def _clips(count: int, every: float) -> list[ClipPlan]:
    clips = []
    for n in range(count):
        snap = 1.5 + n * every
        runner = "Kyle Broken" if n == 2 else f"Runner Number{n}"
        facts = PlayFacts(
            period=1, down=1 + n % 3, distance=10 - n % 3, yards_to_goal=60 - n, yards_gained=3,
            play_type="Rush", offense="Michigan", defense="Texas", offense_score=0,
            defense_score=0, text=f"{runner} run for 3 yds to the TEX {60 - n - 3}",
        )  # fmt: skip
        clips.append(ClipPlan(f"clip_{n}", snap - 1.0, snap + 2.5, snap, snap + 1.5, facts=facts))
    return clips


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> MediaInfo:
    return probe(make_source(tmp_path_factory.mktemp("src") / "game.mp4", 42))


def _run(
    source: MediaInfo,
    folder: Path,
    clips: list[ClipPlan],
    cancel: threading.Event | None = None,
    events: list[StreamEvent] | None = None,
    *,
    synth: Synthesizer | None = None,
    fast_start: bool = True,
) -> tuple[list[StreamEvent], StreamResult]:
    """Stream ``clips`` with seeded lines, spoken by ``synth`` (default: espeak failing on
    lines naming "Broken"); ``cancel`` is set at the first chunk."""
    events = [] if events is None else events

    def sink(event: StreamEvent) -> None:
        events.append(event)
        if cancel is not None and event.type == "chunk_ready":
            cancel.set()

    result = run_commentary(
        play_slots(clips, source.duration), source, folder, writer=LineWriter(seed=5),
        synth=synth or BrokenOn("Broken"), on_event=sink,
        config=StreamConfig(queue_size=1, fast_start=fast_start), cancel=cancel,
    )  # fmt: skip
    return events, result


def _chunks(events: list[StreamEvent]) -> list[dict[str, Any]]:
    """The chunk_ready events, as sent."""
    return [e.to_dict() for e in events if e.type == "chunk_ready"]


def test_the_stream_overlaps_its_stages_and_survives_a_voice_failure(
    source: MediaInfo, tmp_path: Path
) -> None:
    clips = _clips(10, 4.0)
    events, result = _run(source, tmp_path, clips)
    kinds = [e.type for e in events]
    assert kinds[0] == "status" and kinds[-1] == "complete"
    assert kinds.count("events_detected") == kinds.count("chunk_ready") == 10
    # Streaming: the first chunk is out before the last play has been written about.
    last_text = max(n for n, k in enumerate(kinds) if k == "commentary_ready")
    assert kinds.index("chunk_ready") < last_text
    # Nothing more is looked for until the first chunk is out (it gets both cores).
    second_play = [n for n, k in enumerate(kinds) if k == "events_detected"][1]
    assert kinds.index("chunk_ready") < second_play
    chunks = _chunks(events)
    assert [c["index"] for c in chunks] == list(range(10))
    warnings = [e.to_dict() for e in events if e.type == "warning"]
    assert [w["code"] for w in warnings] == ["speech_failed"]
    assert chunks[2]["text"] is None and all(c["text"] for c in chunks if c["index"] != 2)
    complete = events[-1].to_dict()
    assert complete["chunks"] == 10 and Path(complete["final_video"]).exists()
    assert m3u8.load(complete["playlist"]).is_endlist
    assert result.drift is not None and result.drift <= 1024 / 48_000


def test_every_line_starts_in_its_play_and_ends_before_the_next(
    source: MediaInfo, tmp_path: Path
) -> None:
    clips = _clips(6, 6.5)
    events, _ = _run(source, tmp_path, clips)
    lines = {e.to_dict()["index"]: e.to_dict() for e in events if e.type == "commentary_ready"}
    chunks = {e.to_dict()["index"]: e.to_dict() for e in events if e.type == "chunk_ready"}
    for n, clip in enumerate(clips):
        assert clip.snap <= lines[n]["start"] <= clip.end_of_play + 2.0
        if chunks[n]["text"] is None:
            continue
        with wave.open(str(tmp_path / "voice" / f"line_{n:04d}.wav")) as wav:
            spoken = wav.getnframes() / wav.getframerate()
        # The line ends inside its own chunk, so before the next chunk's line begins.
        assert lines[n]["start"] + spoken <= chunks[n]["end"] + 1e-3
        if n + 1 < len(clips):
            assert chunks[n]["end"] <= clips[n + 1].start + 1e-3


def test_cancel_stops_the_stream_with_an_error_event(source: MediaInfo, tmp_path: Path) -> None:
    cancel, events = threading.Event(), []
    with pytest.raises(CanceledError):
        _run(source, tmp_path, _clips(6, 6.0), cancel, events)
    kinds = [e.type for e in events]
    assert kinds[-1] == "error" and "complete" not in kinds
    assert kinds.count("chunk_ready") == 1
    assert not (tmp_path / "commentary.mp4").exists()


def test_a_chunk_stage_slower_than_the_others_still_gets_every_play(
    source: MediaInfo, tmp_path: Path
) -> None:
    """A loaded machine: chunks take over 5 s each while the text and speech stages have
    finished and filled their queues. Their end markers must wait for room (they were dropped
    after 5 s, and the stream then hung before its last chunk)."""
    events: list[StreamEvent] = []
    done = threading.Event()

    def slow_first_chunk(event: StreamEvent) -> None:
        events.append(event)
        if event.type == "chunk_ready" and len([e for e in events if e.type == event.type]) < 3:
            time.sleep(5.5)

    def run() -> None:
        run_commentary(
            play_slots(_clips(3, 4.0), source.duration), source, tmp_path,
            writer=LineWriter(seed=5), synth=BrokenOn("nobody"), on_event=slow_first_chunk,
            config=StreamConfig(queue_size=1),
        )  # fmt: skip
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(60), [e.type for e in events]
    assert [e.type for e in events].count("chunk_ready") == 3


def test_fast_start_sends_the_first_plays_first_gops_before_its_line(
    source: MediaInfo, tmp_path: Path
) -> None:
    """The first play's first GOPs (before its line's audio dip) come first, as a chunk without
    voice; the rest of the play follows with the line; together they hold the play's frames
    and samples exactly, and the final video is still a drift-free join of every chunk."""
    clips = []
    for n, snap in enumerate((4.5, 14.5, 24.5)):
        clips.append(ClipPlan(f"clip_{n}", snap - 4.0, snap + 3.0, snap, snap + 1.5))
    events, result = _run(source, tmp_path, clips, synth=EspeakSynth())
    chunks = _chunks(events)
    # Every chunk its own index, in stream order; the head and the rest share their play.
    assert [c["index"] for c in chunks] == [0, 1, 2, 3]
    assert [(c["play"], c["play_done"]) for c in chunks] == [
        (0, False), (0, True), (1, True), (2, True)
    ]  # fmt: skip
    head, rest = chunks[0], chunks[1]
    assert head["text"] is None and rest["text"]
    # Two GOPs (2 x 60 frames at 29.97: 4.004 s, the default head_seconds), ending before the
    # line (snap + 0.3) dips the audio.
    assert head["start"] == pytest.approx(0.5, abs=0.02)
    assert head["end"] - head["start"] == pytest.approx(120 * 1001 / 30000, abs=2e-3)
    assert head["end"] <= clips[0].snap + 0.3 - 0.25
    assert rest["start"] == head["end"] and rest["stream_start"] == pytest.approx(
        head["end"] - head["start"], abs=2e-3
    )  # spans rounded to the ms
    # The line still starts in its play, now in the second chunk.
    line = next(e.to_dict() for e in events if e.type == "commentary_ready")
    assert rest["start"] < line["start"] < rest["end"]
    assert [r.path.name for r in result.chunks] == [f"chunk_{n:04d}.mp4" for n in range(4)]
    final = probe(tmp_path / "commentary.mp4", keyframes=False)
    assert final.video.duration == pytest.approx(sum(r.seconds for r in result.chunks), abs=0.04)
    assert result.drift is not None and result.drift <= 1024 / 48_000
    assert m3u8.load(str(tmp_path / "hls" / "stream.m3u8")).is_endlist


def test_without_fast_start_every_play_is_one_chunk_numbered_as_its_play(
    source: MediaInfo, tmp_path: Path
) -> None:
    clips = [ClipPlan(f"clip_{n}", s - 4.0, s + 3.0, s, s + 1.5) for n, s in enumerate((4.5, 14.5))]
    events, result = _run(source, tmp_path, clips, synth=EspeakSynth(), fast_start=False)
    chunks = _chunks(events)
    assert [(c["index"], c["play"], c["play_done"]) for c in chunks] == [(0, 0, True), (1, 1, True)]
    assert [r.path.name for r in result.chunks] == ["chunk_0000.mp4", "chunk_0001.mp4"]


def test_a_fast_start_sends_a_long_first_play_as_head_pieces_and_rest(
    source: MediaInfo, tmp_path: Path
) -> None:
    """A 16-s first play with room for a one-GOP head before its line: the play up to where its
    voice has ended (whole GOPs) follows in one-GOP pieces, each landing while the one before
    plays, the first with the line; the rest, without voice, follows. They join exactly, the
    final video is still a drift-free join, and it has one chapter per play."""
    clips = [
        ClipPlan("clip_0", 0.5, 16.5, 3.0, 14.0),
        ClipPlan("clip_1", 20.5, 27.5, 24.5, 26.0),
    ]
    events, result = _run(source, tmp_path, clips, synth=EspeakSynth())
    chunks = _chunks(events)
    first, last = chunks[:-1], chunks[-1]
    assert [c["index"] for c in chunks] == list(range(len(chunks)))
    assert [(c["play"], c["play_done"]) for c in chunks] == [(0, False)] * (len(first) - 1) + [
        (0, True), (1, True)
    ]  # fmt: skip
    head, pieces, rest = first[0], first[1:-1], first[-1]
    assert all(a["end"] == b["start"] for a, b in itertools.pairwise(first))
    gop = 60 * 1001 / 30000
    assert [c["end"] - c["start"] for c in [head, *pieces]] == pytest.approx(
        [gop] * (1 + len(pieces)), abs=2e-3
    )
    assert [c["text"] is not None for c in first] == [False, True] + [False] * (len(first) - 2)
    voice = tmp_path / "voice" / "line_0000.wav"
    with wave.open(str(voice)) as wav:
        spoken = wav.getnframes() / wav.getframerate()
    line = next(e.to_dict() for e in events if e.type == "commentary_ready")
    back = line["start"] + spoken + 0.25  # the voice over, the game's audio back up
    assert pieces[0]["start"] < line["start"] < pieces[0]["end"]
    assert len(pieces) >= 2 and pieces[-2]["end"] < back <= pieces[-1]["end"]  # no more needed
    assert rest["text"] is None and rest["end"] == pytest.approx(result.chunks[-2].end)
    assert rest["end"] > 14.0
    assert result.drift is not None and result.drift <= 1024 / 48_000
    # One chapter per play, the first over all its chunks, titled with its line.
    first_play = sum(r.seconds for r in result.chunks[:-1])
    total = first_play + result.chunks[-1].seconds
    assert _chapters(tmp_path / "commentary.mp4") == [
        (0.0, pytest.approx(first_play, abs=2e-3), pieces[0]["text"]),
        (pytest.approx(first_play, abs=2e-3), pytest.approx(total, abs=2e-3), last["text"]),
    ]


def _chapters(video: Path) -> list[tuple[float, float, str]]:
    """``(start, end, title)`` of each chapter of ``video``, as ffprobe reads them."""
    out = run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(video)]).stdout
    return [
        (float(c["start_time"]), float(c["end_time"]), c["tags"]["title"])
        for c in json.loads(out)["chapters"]
    ]
