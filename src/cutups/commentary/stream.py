"""The streaming commentary pipeline: plays -> text -> speech -> chunks, each stage running as
soon as its input exists.

Stages are threads joined by bounded queues (backpressure: a fast stage waits for a slow one
instead of piling up work). The first stage reads an iterator of :class:`PlaySlot` (today the
planned clips; later an incremental detector), writes each play's line and hands it on; the
speech stage voices up to ``speech_parallel`` lines at once and passes them on in play order,
shortening a line whose voice would run into the next play or dropping it; the chunk stage (the
calling thread) encodes each chunk, adds it to the HLS playlist and announces it. While the
first chunk is being made the first stage waits, so the first chunk has every core. At the end
the chunks are joined by stream copy into the final video and the playlist is closed.

With ``StreamConfig.fast_start`` (the default) the first play's first GOPs (up to
``head_seconds``, ending before the line, so without voice or ducking) are encoded as a chunk
of their own before the line is voiced: the stream can start after a few seconds of video are
encoded instead of the whole play (the 133-s benchmark's 16-s first chunk cost 1.9 s of CPU,
one GOP 0.36 s). The play up to where its line's voice ends follows in pieces as long as the
head (each lands while the one before plays), then the rest of the play. Joined, they hold the
play's frames and samples exactly, like any chunks. Chunks are numbered in stream order (the
head is chunk 0, the pieces after it 1, 2...); each names its play and whether it is the
play's last.

A line that cannot be voiced, or a chunk that cannot be encoded, yields a ``warning`` and the
stream goes on; anything else stops the run with an ``error`` event and the exception.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from cutups.commentary.chunks import (
    RAMP,
    ChunkFile,
    ChunkSpec,
    EncoderSetup,
    frame_span,
    render_chunk,
)
from cutups.commentary.events import (
    ChunkReady,
    CommentaryReady,
    Complete,
    ErrorEvent,
    EventSink,
    PlaysDetected,
    Status,
    StreamEvent,
    WarningEvent,
)
from cutups.commentary.hls import HlsEventPlaylist
from cutups.commentary.lines import LineWriter, WrittenLine
from cutups.commentary.slots import PlaySlot
from cutups.commentary.speech import Speech, Synthesizer
from cutups.errors import CanceledError, CutupsError, FFmpegError, SpeechError
from cutups.media.ffmpeg import ProcessRegistry
from cutups.media.probe import MediaInfo, probe
from cutups.media.reel import build_reel
from cutups.timeline import JobWarning

__all__ = [
    "FINAL_NAME",
    "ChunkRecord",
    "StreamConfig",
    "StreamResult",
    "chunks_by_play",
    "run_commentary",
]

FINAL_NAME = "commentary.mp4"
_END = object()
"""Sent down a queue when its producer is done (or gave up)."""


@dataclass(frozen=True, slots=True)
class StreamConfig:
    duck_db: float = -12.0
    speech_parallel: int = 2
    queue_size: int = 4
    ffmpeg: str = "ffmpeg"
    fast_start: bool = True
    """The first play's first seconds as a chunk of their own, made before its line is voiced."""
    head_seconds: float = 4.0
    """A fast start's head: about this many seconds of whole GOPs (at least one), ending before
    the line dips the audio. One GOP (2 s) was the soonest start, but the rest of the play
    (its line voiced, then encoded) came up to 3.2 s after it under load: the page stalled at
    that join. A second GOP costs ~0.2 s more before the start and gives the rest 2 s more."""


@dataclass(frozen=True, slots=True)
class ChunkRecord:
    """A finished chunk: its file, its span of the source and its place in the stream
    (``index``: 0, 1, 2... one per chunk; ``play``: its play's index; ``play_done``: the
    play's last chunk)."""

    index: int
    play: int
    play_done: bool
    clip_id: str
    path: Path
    start: float
    end: float
    stream_start: float
    seconds: float
    text: str | None


@dataclass(frozen=True, slots=True)
class StreamResult:
    chunks: tuple[ChunkRecord, ...]
    final_video: Path | None
    playlist: Path
    warnings: tuple[JobWarning, ...]
    drift: float | None
    """|video - audio| duration of the final video, seconds."""
    first_chunk_after: float | None
    """Seconds from the start of the run to the first chunk_ready."""


@dataclass(frozen=True, slots=True)
class _Voiced:
    slot: PlaySlot
    text: str | None
    speech: Speech | None


@dataclass(frozen=True, slots=True)
class _Head:
    """The first play's first GOP, to encode before its line is voiced (fast start)."""

    slot: PlaySlot


@dataclass
class _Run:
    """What the stages share: queues, the stop flag, the event sink, the warnings."""

    sink: EventSink
    cancel: threading.Event | None
    size: int
    lines: queue.Queue[Any] = field(init=False)
    voiced: queue.Queue[Any] = field(init=False)
    stop: threading.Event = field(default_factory=threading.Event)
    first_chunk: threading.Event = field(default_factory=threading.Event)
    """Set once the first chunk is out (or could not be made)."""
    head_out: threading.Event = field(default_factory=threading.Event)
    """Set once a fast start's head chunk is out (or was not made)."""
    failure: BaseException | None = None
    warnings: list[JobWarning] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.lines = queue.Queue(self.size)
        self.voiced = queue.Queue(self.size)

    def emit(self, event: StreamEvent) -> None:
        with self.lock:
            self.sink(event)

    def warn(self, code: str, message: str, cost: str) -> None:
        with self.lock:
            self.warnings.append(JobWarning(code, message, cost))
        self.emit(WarningEvent(code, message))

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise CanceledError("canceled while the commentary was being made")
        if self.stop.is_set():
            raise CanceledError("another stage failed")

    def wait_for(self, event: threading.Event) -> None:
        while not event.wait(0.1):
            self.check()

    def put(self, into: queue.Queue[Any], item: object) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(queue.Full):
                into.put(item, timeout=0.1)
                return

    def put_end(self, into: queue.Queue[Any]) -> None:
        """The end marker. While the run goes on it waits for room however long the next
        stage is busy (dropped after 5 s, it left a stage slower than that waiting forever);
        after a failure, 5 s at most (the next stage may have stopped reading)."""
        give_up: float | None = None
        while True:
            with contextlib.suppress(queue.Full):
                into.put(_END, timeout=0.1)
                return
            if self.stop.is_set():
                give_up = give_up or time.monotonic() + 5
                if time.monotonic() > give_up:
                    return

    def stage(self, body: Callable[[], None], out: queue.Queue[Any]) -> threading.Thread:
        """Run ``body`` in a thread; whatever happens, ``out`` gets its end marker."""

        def guarded() -> None:
            try:
                body()
            except BaseException as exc:
                if self.failure is None:
                    self.failure = exc
                self.stop.set()
            finally:
                self.put_end(out)

        thread = threading.Thread(target=guarded, name=body.__name__, daemon=True)
        thread.start()
        return thread


def _text_stage(slots: Iterable[PlaySlot], writer: LineWriter, run: _Run) -> None:
    for count, slot in enumerate(slots, start=1):
        run.check()
        run.emit(PlaysDetected(count, round(slot.clip.snap, 3), round(slot.clip.end_of_play, 3)))
        written = writer.write(slot.play, slot.budget)
        if written.note:
            code = "llm_line_replaced" if written.text else "line_dropped"
            run.warn(code, f"play {slot.index + 1}: {written.note}", "the template line is said")
        if written.text:
            end = round(slot.max_end - 0.4, 3)
            run.emit(
                CommentaryReady(
                    slot.index, written.text, round(slot.line_at, 3), end, written.writer
                )
            )
        run.put(run.lines, (slot, written))
        if count == 1:
            # Nothing more is looked for (decoded, written, voiced) until the first chunk is
            # out: on two cores that work took CPU from the first chunk's voice and encoder,
            # and the plays after it are still found well before the stream reaches them.
            run.wait_for(run.first_chunk)


def _voice(slot: PlaySlot, written: WrittenLine, synth: Synthesizer, run: _Run) -> _Voiced:
    """The longest version of the line whose voice ends before the chunk must."""
    if written.text is None:
        return _Voiced(slot, None, None)
    for text in (written.text, *written.shorter):
        try:
            speech = synth.synthesize(text)
        except SpeechError as exc:
            run.warn(
                "speech_failed",
                f"play {slot.index + 1}: the line could not be voiced ({exc.message})",
                "that play has no commentary",
            )
            return _Voiced(slot, None, None)
        if speech.seconds <= slot.budget:
            return _Voiced(slot, text, speech)
    run.warn(
        "line_dropped",
        f"play {slot.index + 1}: no version of the line is short enough ({slot.budget:.1f} s)",
        "that play has no commentary",
    )
    return _Voiced(slot, None, None)


def _speech_stage(synth: Synthesizer, parallel: int, run: _Run, *, fast_start: bool) -> None:
    pending: deque[Future[_Voiced]] = deque()
    voiced = 0
    with ThreadPoolExecutor(parallel, thread_name_prefix="speech") as pool:
        try:
            while True:
                item = run.lines.get()
                if item is _END:
                    break
                slot, written = item
                if fast_start and not voiced and not pending:
                    # The head first, alone: voiced beside it, the line slowed it down and
                    # the rest of the play, which needs both, came no sooner.
                    run.put(run.voiced, _Head(slot))
                    run.wait_for(run.head_out)
                pending.append(pool.submit(_voice, slot, written, synth, run))
                # The first line is voiced alone, with every core, so the first chunk comes
                # soonest; then up to ``parallel`` lines at once.
                while len(pending) >= (parallel if voiced else 1):
                    run.put(run.voiced, pending.popleft().result())
                    voiced += 1
            while pending:
                run.put(run.voiced, pending.popleft().result())
        finally:
            for future in pending:
                future.cancel()


@dataclass
class _Chunker:
    """The chunk stage's state: encoder, playlist, where the stream has got to."""

    info: MediaInfo
    folder: Path
    config: StreamConfig
    registry: ProcessRegistry | None
    setup: EncoderSetup = field(init=False)
    playlist: HlsEventPlaylist = field(init=False)
    records: list[ChunkRecord] = field(default_factory=list)
    at: Fraction = Fraction(0)
    made_ahead: dict[int, int] = field(default_factory=dict)
    """Frames of a slot already out in its head chunk, by slot index."""

    def __post_init__(self) -> None:
        self.setup = EncoderSetup.for_source(self.info)
        for sub in ("chunks", "voice", "hls"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        self.playlist = HlsEventPlaylist(
            self.folder / "hls", registry=self.registry, ffmpeg=self.config.ffmpeg
        )

    def make_head(self, slot: PlaySlot) -> Iterator[ChunkRecord]:
        """The slot's first GOPs (up to ``head_seconds``) as a chunk of their own, when they
        end before the line's audio dip and the play goes on after them (else nothing). Few
        GOPs: little to encode before the stream can start; the rest of the play has their
        playing time to follow them."""
        fps = self.info.video.frame_rate
        first, frames = frame_span(slot.chunk_start, slot.min_end, fps)
        quiet = math.floor((Fraction(slot.line_at - RAMP) - first / fps) * fps)
        gop, room = self.setup.gop, min(quiet, frames - 1)
        wanted = max(1, round(self.config.head_seconds * float(fps) / gop))  # 2 at 29.97
        head = gop * min(wanted, room // gop)
        if head < gop:
            return
        spec = ChunkSpec(index=slot.index, first_frame=first, frames=head)
        record = self._encode(slot, spec, None, done=False)
        self.made_ahead[slot.index] = head
        yield record

    def make(self, item: _Voiced) -> Iterator[ChunkRecord]:
        """The play's chunk; after a head, the play up to where its line's voice has ended in
        pieces as long as the head, then the rest (see :meth:`_pieces`)."""
        slot, speech = item.slot, item.speech
        fps = self.info.video.frame_rate
        end = slot.chunk_end(speech.seconds if speech else None)
        first, frames = frame_span(slot.chunk_start, end, fps)
        ahead = self.made_ahead.pop(slot.index, 0)  # frames its head chunk holds
        first, frames = first + ahead, frames - ahead
        voice = None
        if speech is not None:
            voice = self.folder / "voice" / f"line_{slot.index:04d}.wav"
            voice.write_bytes(speech.wav_bytes())
        voice_at = slot.line_at - float(first / fps)
        spec = ChunkSpec(
            index=slot.index,
            first_frame=first,
            frames=frames,
            voice=voice,
            voice_at=voice_at,
            voice_seconds=speech.seconds if speech else 0.0,
            duck_db=self.config.duck_db,
        )
        if not ahead:
            yield self._encode(slot, spec, item.text, done=True)
            return
        yield from self._pieces(slot, spec, ahead, item.text)

    def _pieces(
        self, slot: PlaySlot, spec: ChunkSpec, piece: int, text: str | None
    ) -> Iterator[ChunkRecord]:
        """After a fast start's head: the play up to where its voice has ended (whole GOPs) in
        pieces of ``piece`` frames (the head's), each with the part of the voice it holds, then
        the rest in one chunk. Each piece costs about what the head cost and plays as long, so
        it lands while the one before it plays: the line's whole part, twice the head or more,
        came after the head had played out under load (a 'waiting' at the first join)."""
        fps = self.info.video.frame_rate
        split = min(self._voiced_part(spec, fps), spec.frames)
        for offset in range(0, split, piece):
            part = _piece(spec, offset, min(piece, split - offset), fps)
            starts_line = part.voice is not None and 0 <= part.voice_at < part.frames / fps
            done = offset + part.frames == spec.frames
            yield self._encode(slot, part, text if starts_line else None, done=done)
        if split < spec.frames:
            tail = ChunkSpec(spec.index, spec.first_frame + split, spec.frames - split)
            yield self._encode(slot, tail, None, done=True)

    def _voiced_part(self, spec: ChunkSpec, fps: Fraction) -> int:
        """Frames (whole GOPs) of ``spec`` up to where its voice has ended and the audio is back
        up: after a fast start's head, only that part waits for the line."""
        back = Fraction(spec.voice_at + spec.voice_seconds + RAMP) if spec.voice else Fraction(0)
        gop = self.setup.gop
        return max(1, math.ceil(back * fps / gop)) * gop

    def _encode(
        self, slot: PlaySlot, spec: ChunkSpec, text: str | None, *, done: bool
    ) -> ChunkRecord:
        path = self.folder / "chunks" / f"chunk_{len(self.records):04d}.mp4"  # chunk_ready's index
        chunk: ChunkFile = render_chunk(
            self.info, spec, self.setup, path, registry=self.registry, ffmpeg=self.config.ffmpeg
        )
        self.playlist.append(chunk, len(self.records))
        fps = self.info.video.frame_rate
        record = ChunkRecord(
            index=len(self.records),
            play=slot.index,
            play_done=done,
            clip_id=slot.clip.id,
            path=path,
            start=round(float(spec.first_frame / fps), 3),
            end=round(float((spec.first_frame + spec.frames) / fps), 3),
            stream_start=round(float(self.at), 3),
            seconds=float(chunk.seconds),
            text=text,
        )
        self.at += chunk.seconds
        self.records.append(record)
        return record


def _piece(spec: ChunkSpec, offset: int, frames: int, fps: Fraction) -> ChunkSpec:
    """Frames ``offset`` to ``offset + frames`` of ``spec``, with its voice when any of it (or
    the dip around it) falls there; ``voice_at`` < 0: the voice began in an earlier piece."""
    voice_at = spec.voice_at - float(offset / fps)
    heard = voice_at - RAMP < frames / fps and voice_at + spec.voice_seconds + RAMP > 0
    return dataclasses.replace(
        spec,
        first_frame=spec.first_frame + offset,
        frames=frames,
        voice=spec.voice if heard else None,
        voice_at=voice_at,
    )


def _chunk_stage(chunker: _Chunker, run: _Run, started: float) -> float | None:
    first_after = None
    while True:
        item = run.voiced.get()
        if item is _END:
            run.first_chunk.set()
            return first_after
        run.check()
        head = isinstance(item, _Head)
        try:
            for record in chunker.make_head(item.slot) if head else chunker.make(item):
                if first_after is None:
                    first_after = time.monotonic() - started
                run.emit(
                    ChunkReady(
                        record.index, record.path, record.start, record.end,
                        record.stream_start, record.text, record.play, record.play_done,
                    )
                )  # fmt: skip
        except FFmpegError as exc:
            run.warn(
                "chunk_failed",
                f"play {item.slot.index + 1}: its {'first GOPs' if head else 'chunk'} could not "
                f"be made ({exc.message})",
                "the play comes whole, later" if head else "that play is missing from the stream",
            )
        if head:
            run.head_out.set()
        else:
            # A head chunk leaves the rest of its play to come first: the next plays wait.
            run.first_chunk.set()


def run_commentary(
    slots: Iterable[PlaySlot],
    info: MediaInfo,
    folder: Path,
    *,
    writer: LineWriter,
    synth: Synthesizer,
    on_event: EventSink,
    config: StreamConfig | None = None,
    registry: ProcessRegistry | None = None,
    cancel: threading.Event | None = None,
) -> StreamResult:
    """Make the commentary for ``slots`` of ``info``'s video in ``folder``.

    Writes ``chunks/chunk_NNNN.mp4`` (NNNN: the chunk's index), ``voice/line_NNNN.wav`` (NNNN:
    the play's), ``hls/stream.m3u8`` (with ``init.mp4`` and ``*.m4s``) and :data:`FINAL_NAME`;
    every step is announced on ``on_event``.

    Raises:
        CanceledError: ``cancel`` was set or the registry canceled.
        CutupsError: a stage failed beyond one play (after an ``error`` event).
    """
    config = config or StreamConfig()
    started = time.monotonic()
    run = _Run(on_event, cancel, config.queue_size)
    chunker = _Chunker(info, folder, config, registry)
    run.emit(Status("writing, voicing and encoding the commentary", 0.0))
    threads = [
        run.stage(lambda: _text_stage(slots, writer, run), run.lines),
        run.stage(
            lambda: _speech_stage(synth, config.speech_parallel, run, fast_start=config.fast_start),
            run.voiced,
        ),
    ]
    try:
        first_after = _chunk_stage(chunker, run, started)
        if run.failure is not None:
            raise run.failure
    except BaseException as exc:
        run.stop.set()
        run.emit(ErrorEvent(exc.message if isinstance(exc, CutupsError) else repr(exc)))
        raise
    finally:
        for thread in threads:
            thread.join(timeout=30)
    return _finish(chunker, run, first_after)


def chunks_by_play(chunks: Sequence[ChunkRecord]) -> list[list[ChunkRecord]]:
    """The chunks grouped by play, in stream order (a play's chunks are consecutive)."""
    plays: list[list[ChunkRecord]] = []
    for record in chunks:
        if plays and plays[-1][-1].play == record.play and not plays[-1][-1].play_done:
            plays[-1].append(record)
        else:
            plays.append([record])
    return plays


def _chapters(records: list[ChunkRecord]) -> list[str | None]:
    """A chapter per play, titled with its line: a title for its first chunk, None (carry on)
    for the chunks after it (a fast start's first play comes in several)."""
    titles: list[str | None] = []
    for play in chunks_by_play(records):
        line = next((r.text for r in play if r.text), None)
        titles += [line or f"Play {play[0].play + 1}"] + [None] * (len(play) - 1)
    return titles


def _finish(chunker: _Chunker, run: _Run, first_after: float | None) -> StreamResult:
    records = chunker.records
    run.emit(Status(f"joining {len(records)} chunks", 0.95))
    final, drift = None, None
    if records:
        final = chunker.folder / FINAL_NAME
        build_reel(
            [r.path for r in records],
            final,
            chapters=_chapters(records),
            registry=chunker.registry,
            ffmpeg=chunker.config.ffmpeg,
            durations=[r.seconds for r in records],
        )
        made = probe(final, keyframes=False)
        drift = abs(made.video.duration - made.audio.duration) if made.audio else None
    chunker.playlist.finish()
    run.emit(Complete(len(records), final, chunker.playlist.path))
    return StreamResult(
        tuple(records), final, chunker.playlist.path, tuple(run.warnings), drift, first_after
    )
