"""A source's speech audio, extracted once by ffmpeg: mono float32 PCM on disk, read as a memmap.

Speech recognisers want mono audio at 16 kHz. ffmpeg decodes and resamples the first audio
stream into a raw little-endian float32 file; :meth:`SpeechAudio.samples` maps it read-only, so a
3-hour talk (690 MB of samples) is paged in as it is read instead of held in memory.

**One timeline.** Cutups' times are seconds from the first video frame (see
:mod:`cutups.media.probe`). The first audio sample may lie before or after it (MPEG-TS, edited
MP4s), so :attr:`SpeechAudio.offset` says where sample 0 sits on that timeline; times measured in
the samples are shifted by it. For an audio-only file it is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from av.stream import Disposition
from numpy.typing import NDArray

from cutups.errors import NoAudioStreamError
from cutups.media._pyav import first_audio_stream, open_input
from cutups.media.ffmpeg import ProcessRegistry, file_arg, run

__all__ = ["SPEECH_RATE", "SpeechAudio", "audio_offset", "encode_for_upload", "extract_speech"]

SPEECH_RATE = 16_000
"""Samples per second that speech recognisers (Whisper) expect."""

_BYTES_PER_SAMPLE = 4


@dataclass(frozen=True, slots=True)
class SpeechAudio:
    """Mono float32 PCM in a raw file, and where its first sample sits on the video timeline."""

    path: Path
    rate: int
    offset: float
    """Seconds from the first video frame to sample 0 (0.0 for audio-only sources)."""

    @property
    def sample_count(self) -> int:
        return self.path.stat().st_size // _BYTES_PER_SAMPLE

    @property
    def duration(self) -> float:
        """Seconds of audio."""
        return self.sample_count / self.rate

    def samples(self) -> NDArray[np.float32]:
        """The samples, mapped read-only (an empty array for an empty file)."""
        if self.sample_count == 0:
            return np.zeros(0, np.float32)
        return np.memmap(self.path, dtype="<f4", mode="r", shape=(self.sample_count,))


def audio_offset(source: Path) -> float:
    """Seconds from the first video frame to the first audio sample (0.0 without video).

    Raises:
        MediaError: the file cannot be opened.
        NoAudioStreamError: it has no audio stream.
    """
    with open_input(source) as container:
        audio = first_audio_stream(container)
        if audio is None:
            kinds = ", ".join(sorted({s.type for s in container.streams})) or "no streams"
            raise NoAudioStreamError(f"no audio stream in {source} (found: {kinds})")
        audio_start = _start_seconds(audio.start_time, audio.time_base)
        videos = [
            s for s in container.streams.video if not s.disposition & Disposition.attached_pic
        ]
        if not videos:
            return 0.0
        return audio_start - _start_seconds(videos[0].start_time, videos[0].time_base)


def _start_seconds(start: int | None, time_base: object) -> float:
    if start is None or time_base is None:
        return 0.0
    return float(start * time_base)  # type: ignore[operator]


def extract_speech(
    source: Path,
    dest: Path,
    *,
    rate: int = SPEECH_RATE,
    ffmpeg: str = "ffmpeg",
    registry: ProcessRegistry | None = None,
) -> SpeechAudio:
    """Decode ``source``'s first audio stream to mono float32 PCM at ``rate`` in ``dest``.

    Raises:
        MediaError: the file cannot be opened.
        NoAudioStreamError: it has no audio stream.
        FFmpegError: ffmpeg failed (a corrupt audio stream).
    """
    offset = audio_offset(source)
    dest.parent.mkdir(parents=True, exist_ok=True)
    argv = [
        ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y", "-i", file_arg(source),
        "-map", "0:a:0", "-vn", "-ac", "1", "-ar", str(rate), "-c:a", "pcm_f32le", "-f", "f32le",
        file_arg(dest),
    ]  # fmt: skip
    run(argv, registry=registry)
    return SpeechAudio(path=dest, rate=rate, offset=offset)


def encode_for_upload(
    source: Path, dest: Path, *, ffmpeg: str = "ffmpeg", registry: ProcessRegistry | None = None
) -> float:
    """Write a small file of ``source``'s speech for a transcription API: mono 16 kHz Opus in Ogg.

    At 24 kbit/s an hour is about 11 MB, under the upload limits of hosted Whisper services.

    Returns:
        The audio's offset on the video timeline (see :func:`audio_offset`).

    Raises:
        MediaError / NoAudioStreamError: as :func:`extract_speech`.
        FFmpegError: ffmpeg failed.
    """
    offset = audio_offset(source)  # the same clear errors as extract_speech, before ffmpeg
    dest.parent.mkdir(parents=True, exist_ok=True)
    argv = [
        ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y", "-i", file_arg(source),
        "-map", "0:a:0", "-vn", "-ac", "1", "-ar", str(SPEECH_RATE), "-c:a", "libopus",
        "-b:a", "24k", "-f", "ogg", file_arg(dest),
    ]  # fmt: skip
    run(argv, registry=registry)
    return offset
