"""The analysis pass: decode part of a video once and feed every analyser; parts side by side.

One process cannot keep two cores busy with one pass. Decoding releases the GIL, but the
analysers' many small numpy steps hold it, and the decode thread then waits for it after every
packet: on a 10-minute 720p broadcast the pass took 23-28 s of wall time for ~12 s of decoding
and ~15 s of everything else, on two cores. So a long video is cut into as many spans as there
are workers (:data:`MIN_SPAN_SECONDS` at least), each span is analysed in its own process, and
the per-tick arrays are joined: two halves side by side took 12-13 s.

Every span but the first starts :data:`LEAD_TICKS` early, so analysers that compare a tick with
the one before (motion, bug change, stored bug crops) have their history; those ticks are dropped
again at the join. The joined signals are those of one whole pass (tested), apart from audio
resampled in different chunks (differences far below a decibel).
"""

from __future__ import annotations

import logging
import pickle
import selectors
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.base import TICK_RATE, AudioAnalyser, FrameAnalyser, PassContext
from cutups.analysis.bug_crops import (
    BugCropAnalyser,
    BugCrops,
    CropPart,
    SpilledCrops,
    StoredCrops,
)
from cutups.errors import AnalysisError, CanceledError
from cutups.media.decode import CancelFlag, decode_once
from cutups.media.probe import MediaInfo

__all__ = [
    "LEAD_TICKS",
    "MIN_SPAN_SECONDS",
    "PassAnalysers",
    "Span",
    "SpanChild",
    "SpanPool",
    "SpanRequest",
    "SpanResult",
    "analyse_spans",
    "join_crops",
    "join_spans",
    "new_spill_dir",
    "plan_spans",
]

MIN_SPAN_SECONDS = 120.0
"""Shorter spans are not worth a process: starting one (imports) costs ~1 s of CPU."""
LEAD_TICKS = 10
"""Ticks decoded before a span's start so that stateful analysers have history (1 s)."""
_POLL = 0.1

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Span:
    """Ticks ``start`` to ``end`` (exclusive) of the video."""

    start: int
    end: int
    last: bool
    """The span runs to the end of the file (its decode is not cut at ``end``)."""


@dataclass(frozen=True, slots=True)
class SpanResult:
    """What the analysers made of one span: arrays indexed from ``span.start``."""

    span: Span
    arrays: dict[str, NDArray[Any]]
    crops: StoredCrops | None
    """The bug crops stored during the span, lead-in included (see :func:`join_crops`)."""


def plan_spans(n_ticks: int, workers: int, min_ticks: int) -> list[Span]:
    """Up to ``workers`` equal spans covering ``n_ticks``, none shorter than ``min_ticks``."""
    count = max(1, min(workers, n_ticks // max(1, min_ticks)))
    bounds = [round(i * n_ticks / count) for i in range(count + 1)]
    return [Span(bounds[i], bounds[i + 1], i == count - 1) for i in range(count)]


@dataclass(frozen=True, slots=True)
class PassAnalysers:
    """The analysers fed by the decode pass, and what they are told when it starts.

    Each span runs these objects (a span in a child process, copies of them): they are
    started (:meth:`~cutups.analysis.base.PassAnalyser.start`) at the span's beginning."""

    frames: tuple[FrameAnalyser, ...]
    audio: tuple[AudioAnalyser, ...]
    context: PassContext


def analyse_span(
    info: MediaInfo,
    analysers: PassAnalysers,
    span: Span,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: CancelFlag | None = None,
    threads: int = 0,
) -> SpanResult:
    """One decode pass over ``span`` feeding every analyser (in this process).

    ``threads``: decoder threads, 0 for as many as suit the codec and machine."""
    first = max(0, span.start - LEAD_TICKS)
    context = analysers.context
    frames = [a for a in analysers.frames if a.start(context)]
    audio = [a for a in analysers.audio if a.start(context)]
    # Non-reference frames (most B-frames) are not decoded at all: every signal is sampled at
    # 10 Hz, so a tick may land one or two frames away from its exact time (<= 67 ms at 29.97),
    # well inside a tick, and decoding gets ~40 % cheaper.
    decode_once(
        info.path,
        frames,
        audio,
        progress=progress,
        cancel=cancel,
        skip_nonref=True,
        threads=threads,
        start=Fraction(first) / TICK_RATE,
        end=None if span.last else Fraction(span.end) / TICK_RATE,
    )
    length = span.end - first
    arrays: dict[str, NDArray[Any]] = {}
    for analyser in (*analysers.frames, *analysers.audio):
        arrays.update(analyser.finish(length))
    crops = next((a.stored() for a in analysers.frames if isinstance(a, BugCropAnalyser)), None)
    lead = span.start - first
    return SpanResult(span, {k: v[lead:] for k, v in arrays.items()}, crops)


def analyse_spans(
    info: MediaInfo,
    analysers: PassAnalysers,
    spans: Sequence[Span],
    spill_dir: Path,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[SpanResult]:
    """Every span analysed: in this process if there is one, else one child process per span.

    The children are plain ``python -m cutups.analysis.span_worker`` processes, not
    ``multiprocessing`` ones: spawning those re-imports the caller's main script (which breaks
    any script without a ``__main__`` guard), and forking a threaded server is unsafe.
    """
    with SpanPool(len(spans), spill_dir) as pool:
        return pool.analyse(info, analysers, spans, progress=progress, cancel=cancel)


class SpanPool:
    """Span workers started before their work is known.

    A worker's start-up (interpreter and imports) takes ~0.75 s; started first, it overlaps
    what the parent does before the spans can be handed out (locating the scorebug). With one
    span no process is started and the span is analysed in this process.
    """

    def __init__(self, count: int, spill_dir: Path) -> None:
        self._children = [SpanChild.spawn(i, spill_dir) for i in range(count)] if count > 1 else []

    def __enter__(self) -> SpanPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker still running (one that never got its span is waiting for it)."""
        for child in self._children:
            child.stop()

    def analyse(
        self,
        info: MediaInfo,
        analysers: PassAnalysers,
        spans: Sequence[Span],
        *,
        progress: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[SpanResult]:
        """Every span analysed, one per worker (``spans`` as many as the pool was made for)."""
        if not self._children:
            if len(spans) != 1:
                raise ValueError(f"a pool without workers analyses one span, not {len(spans)}")
            return [analyse_span(info, analysers, spans[0], progress=progress, cancel=cancel)]
        if len(spans) != len(self._children):
            raise ValueError(f"{len(spans)} spans for {len(self._children)} workers")
        for child, span in zip(self._children, spans, strict=True):
            child.send(info, analysers, span)
        try:
            _supervise(self._children, progress, cancel)
        finally:
            self.close()
        outcomes = [child.outcome() for child in self._children]
        # The first real failure, not the stops it caused in the other children.
        errors = [o for o in outcomes if isinstance(o, BaseException)]
        if errors:
            raise min(errors, key=lambda e: isinstance(e, CanceledError))
        return [o for o in outcomes if isinstance(o, SpanResult)]


def _supervise(
    children: Sequence[SpanChild],
    progress: Callable[[float], None] | None,
    cancel: threading.Event | None,
) -> None:
    """Relay the children's progress and logs until all have exited; stop them all on the first
    failure or on cancel."""
    with selectors.DefaultSelector() as selector:
        for child in children:
            selector.register(child.stdout, selectors.EVENT_READ, child)
        open_streams = len(children)
        while open_streams:
            if cancel is not None and cancel.is_set():
                raise CanceledError("canceled while decoding")
            for key, _ in selector.select(timeout=_POLL):
                child = key.data
                if not child.read_line():
                    selector.unregister(key.fileobj)
                    open_streams -= 1
                    if child.process.wait() != 0:
                        return  # outcome() has its error; the others are stopped
            if progress is not None:
                progress(sum(c.done for c in children) / len(children))


def join_spans(results: Sequence[SpanResult]) -> dict[str, NDArray[Any]]:
    """The spans' arrays end to end, in tick order."""
    ordered = sorted(results, key=lambda r: r.span.start)
    names = ordered[0].arrays.keys()
    return {name: np.concatenate([r.arrays[name] for r in ordered]) for name in names}


def join_crops(results: Sequence[SpanResult]) -> BugCrops | None:
    """The spans' stored bug crops as one sequence.

    A crop is stored when the bug changes, and shows until the next one. A span's lead-in crops
    overlap the span before; only the last of them is kept, as the crop on screen at the span's
    start, unless the span stored one at its very first tick.
    """
    parts: list[CropPart] = []
    ticks: list[NDArray[np.int64]] = []
    support: NDArray[np.bool_] | None = None
    size: tuple[int, int] | None = None
    for result in sorted(results, key=lambda r: r.span.start):
        stored = result.crops
        if stored is None or len(stored.ticks) == 0:
            continue
        support, size = stored.support, stored.size
        start = result.span.start
        first = int(np.searchsorted(stored.ticks, start))  # first crop inside the span
        span_ticks = stored.ticks[first:]
        if first > 0 and (len(span_ticks) == 0 or span_ticks[0] > start):
            first -= 1
            span_ticks = np.concatenate([[start], span_ticks]).astype(np.int64)
        if len(span_ticks):
            parts.append(CropPart(stored.path, first, len(span_ticks)))
            ticks.append(span_ticks)
    if size is None:
        return None
    return BugCrops(np.concatenate(ticks), SpilledCrops(parts, size), TICK_RATE, support)


# -- child processes ---------------------------------------------------------------------------


@dataclass
class SpanChild:
    """One span being analysed by a ``cutups.analysis.span_worker`` process.

    The request goes in pickled on stdin; the child answers with lines on stdout (progress and
    log records) and leaves its pickled :class:`SpanResult` (or exception) in ``result_path``.
    Its stderr goes to a file, not a pipe nobody reads while it runs (a chatty decoder would
    fill the pipe and stall it); the last line explains a crash.
    """

    index: int
    process: subprocess.Popen[bytes]
    result_path: Path
    stderr_path: Path
    done: float = 0.0

    @classmethod
    def spawn(cls, index: int, spill_dir: Path) -> SpanChild:
        """Start the process; it imports, then waits for its request (see :meth:`send`)."""
        result_path = spill_dir / f"span-{index}.pickle"
        stderr_path = spill_dir / f"span-{index}.stderr"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "cutups.analysis.span_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
        return cls(index, process, result_path, stderr_path)

    def send(self, info: MediaInfo, analysers: PassAnalysers, span: Span) -> None:
        """Hand the child its span; it starts decoding as soon as it has imported."""
        request = SpanRequest(info, analysers, span, self.result_path)
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(pickle.dumps(request))
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # it died at start; outcome() reports why

    @property
    def stdout(self) -> IO[bytes]:
        assert self.process.stdout is not None
        return self.process.stdout

    def read_line(self) -> bool:
        """Handle one line from the child; False at the end of its output."""
        line = self.stdout.readline()
        if not line:
            return False
        kind, _, rest = line.decode("utf-8", "replace").rstrip("\n").partition(" ")
        if kind == "progress":
            self.done = max(self.done, float(rest))
        elif kind == "log":
            level, _, text = rest.partition(" ")
            log.log(int(level), "span %d: %s", self.index, text)
        return True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()

    def outcome(self) -> SpanResult | BaseException:
        """The child's result, or the exception that stopped it (after :meth:`stop`)."""
        if self.result_path.exists():
            outcome = pickle.loads(self.result_path.read_bytes())
            self.result_path.unlink()
            assert isinstance(outcome, SpanResult | BaseException)
            return outcome
        if self.process.returncode and self.process.returncode < 0:
            return CanceledError("analysis stopped")  # killed by us: another span failed
        lines = self.stderr_path.read_text("utf-8", "replace").strip().splitlines()
        return AnalysisError(f"analysis of span {self.index} failed: {(lines or ['?'])[-1]}")


@dataclass(frozen=True, slots=True)
class SpanRequest:
    """What a span worker is asked to do (pickled onto its stdin)."""

    info: MediaInfo
    analysers: PassAnalysers
    span: Span
    result_path: Path


def new_spill_dir() -> tempfile.TemporaryDirectory[str]:
    """Where the passes write stored bug crops; removed once the clock has been read."""
    return tempfile.TemporaryDirectory(prefix="cutups-crops-")
