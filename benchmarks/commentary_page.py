"""The commentary page on a long broadcast, live: headless Chromium plays the stream while the
project's commentary pipeline is still making it (issue 20's page acceptance, at full length).

A generated broadcast (testsrc2 with a tone, ``--minutes`` long, ``--size``) with a play every
``--every`` seconds, its snap ``--snap-at`` seconds into its clip, is commented by
``run_commentary`` (template lines, espeak-ng, one encoder setup, fast start unless
``--no-fast-start``) inside :class:`tests.web.commentary_server.CommentaryServer`, which sends
each event to the page as it happens, in the service's SSE format. The page is the real one
(``#/commentary/<id>``). Reported: the first frame's delay after the first ``chunk_ready`` (the
page's clock), stalls (``waiting`` after playback began, with how much was buffered ahead),
chunks, stream length, how fast chunks were made against real time, the first play's chunks
and each join's margin (how far ahead of playback a chunk landed), and the load average. A
``waiting`` at a join (where one chunk meets the next) is the stream's fault; one within a
chunk with seconds buffered ahead is Chromium's decoder starved by a loaded machine.

    python benchmarks/commentary_page.py --minutes 10

The snap 2.5 s into each clip (the plays recipe keeps 0.5-3 s before it) leaves room before the
line for a one-GOP head: the first play streams as head, one-GOP pieces up to where its
voice ends, and rest. With ``--snap-at 1``
(its earlier default) no head fits, and fast start changed nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import ViewportSize, sync_playwright
from tests.web.commentary_server import JOB_ID, CommentaryServer, make_commentary, paced_clips
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.web.test_commentary_page import PROBE, RESULT

from cutups.commentary.chunks import EncoderSetup
from cutups.commentary.stream import StreamConfig, StreamResult
from cutups.media.ffmpeg import file_arg, run
from cutups.media.probe import MediaInfo, probe

STATE = """() => {
  const v = document.getElementById("commentary-video");
  const r = v.buffered;
  return { t: v.currentTime, ready: v.readyState, paused: v.paused, ended: v.ended,
           duration: v.duration, error: v.error && v.error.message, probe: window.__probe,
           buffered: Array.from({ length: r.length }, (_, i) => [r.start(i), r.end(i)]),
           state: document.getElementById("commentary-state").textContent };
}"""

QUALITY = """() => {
  const q = document.getElementById("commentary-video").getVideoPlaybackQuality();
  return { dropped: q.droppedVideoFrames, total: q.totalVideoFrames };
}"""
"""Frames Chromium dropped: a decoder or renderer that fell behind (a starved machine)."""


def broadcast(path: Path, minutes: float, size: str) -> MediaInfo:
    seconds = minutes * 60
    run(["ffmpeg", "-nostdin", "-y", "-v", "error",
         "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30000/1001:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-ac", "2", file_arg(path)])  # fmt: skip
    return probe(path)


def play_live(
    server: CommentaryServer, source: MediaInfo, args: argparse.Namespace
) -> dict[str, Any]:
    """Live (no ``--replay``): the pipeline runs while the page plays. Else the chunks are made
    first and published each ``--replay`` s before the stream needs it (the page alone)."""
    every, lead, config = args.every, args.replay, StreamConfig(fast_start=args.fast_start)
    clips = paced_clips(int(source.duration // every), every, snap_at=args.snap_at)
    made: list[StreamResult] = []
    if lead is not None:
        made.append(make_commentary(source, clips, server.folder / "made", lambda e: None, config))
        setup = EncoderSetup.for_source(source)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=ViewportSize(width=1280, height=900))
        # Time enough to play it all: from now on if the chunks are made, else after making.
        limit = source.duration * 2 if lead is None else sum(r.seconds for r in made[0].chunks)
        limit += 120
        page.goto(f"{server.url}/#/commentary/{JOB_ID}")
        page.wait_for_selector("#commentary-video", state="attached")
        page.evaluate(PROBE)
        server.wait_for_listener()
        started = time.monotonic()
        if lead is None:
            producer = threading.Thread(
                target=lambda: made.append(server.live(source, clips, config))
            )
        else:
            producer = threading.Thread(
                target=server.replay, args=(made[0], setup), kwargs={"lead": lead}
            )
        producer.start()
        try:
            page.wait_for_function(
                "() => window.__probe.ended !== null", timeout=limit * 1000, polling=500
            )
        except PlaywrightTimeout:
            print("never ended:", page.evaluate(STATE), file=sys.stderr)
            raise
        producer.join()
        seen = dict(page.evaluate(RESULT))
        seen["quality"] = page.evaluate(QUALITY)
        browser.close()
    result = made[0]
    seen["made_in"] = max(s.at for s in server.sent if s.type == "chunk_ready") - started
    seen["first_chunk_after"] = result.first_chunk_after
    seen["chunks"] = len(result.chunks)
    seen["stream_seconds"] = sum(r.seconds for r in result.chunks)
    seen["joins"] = [r.stream_start for r in result.chunks[1:]]
    seen["first_play"] = [r.seconds for r in result.chunks if r.play == 0]
    seen["margins"] = _margins(server, result)
    return seen


def _margins(server: CommentaryServer, result: StreamResult) -> list[float]:
    """Per join: seconds of stream still ahead of a playhead that started at the first
    chunk_ready when the next chunk was announced (negative: it came late, a stall)."""
    sent = [s.at for s in server.sent if s.type == "chunk_ready"]
    return [
        record.stream_start - (at - sent[0])
        for record, at in zip(result.chunks[1:], sent[1:], strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--every", type=float, default=20.0, help="seconds between plays")
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--snap-at", type=float, default=2.5, help="seconds from clip to snap")
    parser.add_argument(
        "--fast-start", action=argparse.BooleanOptionalAction, default=True,
        help="the first play's head as a chunk of its own (default: on)",
    )  # fmt: skip
    parser.add_argument("--source", type=Path, help="a broadcast made before (skips making one)")
    parser.add_argument(
        "--replay", type=float, metavar="LEAD", help="make the chunks first, then publish each "
        "LEAD s before playback needs it (measures the page alone, whatever the machine's load)",
    )  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cutups-commentary-page-") as tmp:
        folder = Path(tmp)
        if args.source:
            source = probe(args.source)
        else:
            source = broadcast(folder / "game.mp4", args.minutes, args.size)
        server = CommentaryServer(folder / "job").start()
        try:
            seen = play_live(server, source, args)
        finally:
            server.stop()
    first = seen["frame"] - float(seen["firstChunkMs"])
    data_stalls = [w for w in seen["waiting"] if w["ahead"] < 0.2]
    at_joins = [w for w in seen["waiting"] if _at_join(w["at"], seen["joins"])]
    print(
        "| broadcast | chunks | stream | chunks made in | first chunk after | first frame "
        "after first chunk_ready | waiting (no data ahead, at a join) | played "
        "| load avg (1 min) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.minutes:g} min {args.size}, a play every {args.every:g} s, snap at "
        f"{args.snap_at:g} s, {'fast start' if args.fast_start else 'no fast start'}, "
        f"{'live' if args.replay is None else f'replay, lead {args.replay:g} s'} "
        f"| {seen['chunks']} "
        f"| {seen['stream_seconds']:.1f} s | {seen['made_in']:.1f} s "
        f"| {seen['first_chunk_after']:.2f} s | {first / 1000:.2f} s "
        f"| {len(seen['waiting'])} ({len(data_stalls)}, {len(at_joins)}) "
        f"| {seen['played'][0][1]:.1f} s in {len(seen['played'])} range(s) "
        f"| {os.getloadavg()[0]:.1f} |"
    )
    first_play = " + ".join(f"{s:.2f}" for s in seen["first_play"])
    margins = seen["margins"]
    late = [n + 1 for n, m in enumerate(margins) if m < 0]
    print(f"first play: {len(seen['first_play'])} chunk(s) of {first_play} s")
    print(
        "join margins (s ahead when announced): "
        + " ".join(f"{m:+.2f}" for m in margins[:4])
        + (f" ... least {min(margins):+.2f} s" if margins else "")
        + (f"; late at chunks {late}" if late else "")
    )
    quality = seen["quality"]
    print(f"video frames dropped by Chromium: {quality['dropped']} of {quality['total']}")
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    for stall in seen["waiting"]:
        where = "at a join" if _at_join(stall["at"], seen["joins"]) else "within a chunk"
        print(f"waiting at {stall['at']:.2f} s ({where}) with {stall['ahead']:.2f} s ahead")


def _at_join(at: float, joins: list[float]) -> bool:
    """Whether the playhead stood at (or just past) where one chunk meets the next."""
    return any(-0.1 <= at - join <= 0.3 for join in joins)


if __name__ == "__main__":
    main()
