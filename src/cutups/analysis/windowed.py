"""The analysis pass in windows, for a caller that acts on the video while it is decoded.

The batch runner (:mod:`cutups.analysis.runner`) decodes the whole video, then answers. Here
the scorebug is located as there, then the video is decoded window after window in this
process (a short first window, so the first plays come soon; longer ones after, so the decoder
starts less often), and after each window the signals so far are handed out. Windows are
spans of :mod:`cutups.analysis.passes` with their lead-in, so the joined signals are those of
one whole pass.

The clock is read off each window's own bug crops (the batch runner reads them all at once,
which learns the clock's place from the whole video). Its place on the bug is found in the
first window that shows it running and kept for the windows after: found again in each window,
it was lost in every window where the clock stood still (a 133-s broadcast read 9 clock
changes instead of 39). Readings may still differ slightly from a batch analysis: such an
analysis is not written to the analysis cache.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cutups.analysis.base import TICK_RATE
from cutups.analysis.clock_model import ClockFitter, ClockReading
from cutups.analysis.clock_reader import ClockFields
from cutups.analysis.locate import Survey
from cutups.analysis.passes import (
    Span,
    SpanResult,
    analyse_span,
    join_crops,
    join_spans,
    new_spill_dir,
)
from cutups.analysis.result import Analysis
from cutups.analysis.runner import Analysers
from cutups.analysis.signals import Signals
from cutups.media.probe import MediaInfo

__all__ = ["Prefix", "analyse_windows", "window_spans"]


@dataclass(frozen=True, slots=True)
class Prefix:
    """The video analysed from its start to ``signals.duration``."""

    signals: Signals
    survey: Survey
    readings: tuple[ClockReading, ...]
    final: bool
    """The prefix is the whole video."""

    def analysis(self, fitter: ClockFitter) -> Analysis:
        """The prefix as an analysis, its clock model fitted by ``fitter``."""
        return Analysis(
            self.signals,
            self.survey.scorebug,
            self.readings,
            fitter.fit(self.readings),
            field=self.survey.field,
        )


def window_spans(n_ticks: int, first: int, ramp: int, largest: int) -> list[Span]:
    """Spans covering ``n_ticks``: ``first`` ticks each until tick ``ramp``, then each twice
    the one before, up to ``largest``."""
    spans, start, size = [], 0, max(1, first)
    while start < n_ticks:
        end = min(n_ticks, start + size)
        spans.append(Span(start, end, end == n_ticks))
        start = end
        if start >= ramp:
            size = min(largest, size * 2)
    return spans


def _prefix(
    results: list[SpanResult],
    survey: Survey,
    readings: list[ClockReading],
    final: bool,
) -> Prefix:
    ticks = results[-1].span.end
    # n_ticks of a Signals is int(duration * rate): half a tick more keeps float error out.
    duration = (ticks + 0.5) / float(TICK_RATE)
    signals = Signals(TICK_RATE, duration, join_spans(results))
    return Prefix(signals, survey, tuple(readings), final)


def analyse_windows(
    info: MediaInfo,
    *,
    analysers: Analysers | None = None,
    cancel: threading.Event | None = None,
    first_seconds: float = 10.0,
    ramp_seconds: float = 60.0,
    largest_seconds: float = 120.0,
) -> Iterator[Prefix]:
    """The analysis of ``info``'s video so far, after each window (the last one ``final``).

    Windows last ``first_seconds`` over the first ``ramp_seconds`` (a broadcast's first play
    comes within its first minute or so), then double up to ``largest_seconds``.

    Raises:
        CanceledError: ``cancel`` was set.
        AnalysisError, FFmpegError: the decode failed.
    """
    analysers = analysers or Analysers()
    rate = float(TICK_RATE)
    n_ticks = int(info.duration * TICK_RATE)
    spans = window_spans(
        n_ticks, int(first_seconds * rate), int(ramp_seconds * rate), int(largest_seconds * rate)
    )
    with new_spill_dir() as spill_dir:
        survey = analysers.locator.survey(info)
        in_pass = analysers.in_pass(info, survey, Path(spill_dir))
        results: list[SpanResult] = []
        readings: list[ClockReading] = []
        fields: ClockFields | None = None
        for span in spans:
            result = analyse_span(info, in_pass, span, cancel=cancel)
            results.append(result)
            readout = analysers.clock_reader.readout(join_crops([result]), fields)
            if readout is not None:
                readings.extend(readout.readings)
                if fields is None and readout.clock_field is not None:
                    fields = ClockFields(readout.clock_field, readout.period_field)
            yield _prefix(results, survey, readings, span.last)
