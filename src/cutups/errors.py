"""Every exception Cutups raises, in one tree.

Callers catch at the level they care about::

    CutupsError                      base; ``expected`` says whether it is the user's input
    ├── InputError                   bad input from the user (CLI exit 2, API 4xx)   expected
    │   ├── MediaError               a file that is not usable video
    │   │   ├── NoVideoStreamError   a file with no video stream (audio only, text, ...)
    │   │   └── NoAudioStreamError   a file with no audio stream (nothing to transcribe)
    │   ├── PbpError                 a play-by-play file or response we cannot read
    │   │   └── WrongGameError       play-by-play that belongs to another game
    │   ├── SourceError              a URL or upload we cannot fetch
    │   ├── ConfigError              an option or setting out of range
    │   │   └── QueryError           a playlist query that does not parse (with its column)
    │   └── MissingExtraError        a part of Cutups whose extra is not installed (also an
    │                                ImportError: ``import cutups.api`` raises it)
    ├── FFmpegError                  ffmpeg/ffprobe failed; carries argv and stderr's last line
    ├── CutError                     a cut failed verification even after the fallback
    ├── AnalysisError                a process analysing part of the video died
    ├── ExternalServiceError         CFBD, ESPN, S3, ... answered badly or not at all
    ├── SpeechError                  a text-to-speech engine could not voice a line
    ├── ModelError                   a shipped model is missing or fails its hash check
    └── CanceledError                the job was canceled while work was running

Library code raises these and never exits or prints; the CLI and the API turn them into exit
codes and HTTP answers in exactly one place each.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AnalysisError",
    "CanceledError",
    "ConfigError",
    "CutError",
    "CutupsError",
    "ExternalServiceError",
    "FFmpegError",
    "InputError",
    "MediaError",
    "MissingExtraError",
    "ModelError",
    "NoAudioStreamError",
    "NoVideoStreamError",
    "PbpError",
    "QueryError",
    "SourceError",
    "SpeechError",
    "WrongGameError",
]


class CutupsError(Exception):
    """Root of the tree. ``expected`` is True when the cause is the user's input, not our bug."""

    expected: bool = False

    def __init__(self, message: str | None = None) -> None:
        self.message = message or type(self).__name__
        super().__init__(self.message)


class InputError(CutupsError):
    """The user's input cannot be used; the message says why in one line."""

    expected = True


class MediaError(InputError):
    """A file that cannot be decoded as video: corrupt, truncated, empty, or not video at all."""


class NoVideoStreamError(MediaError):
    """The file opens but has no video stream."""


class NoAudioStreamError(MediaError):
    """The file opens but has no audio stream, so there is no speech to transcribe."""


class PbpError(InputError):
    """Play-by-play data we cannot parse or that makes no sense."""


class WrongGameError(PbpError):
    """Play-by-play that does not belong to the video it was given with."""


class SourceError(InputError):
    """A source URL or upload that cannot be fetched or is not allowed."""


class ConfigError(InputError):
    """An option or setting outside its allowed range."""


class QueryError(ConfigError):
    """A playlist query that cannot be read; ``column`` (from 1) is where it goes wrong."""

    def __init__(self, message: str, *, column: int) -> None:
        super().__init__(f"query, column {column}: {message}")
        self.column = column


class MissingExtraError(InputError, ImportError):
    """An optional part of Cutups used without its extra, e.g. the job service without
    ``pip install 'cutups[service]'``; the message names the extra and the missing modules."""


class FFmpegError(CutupsError):
    """ffmpeg or ffprobe exited non-zero.

    The message is stderr's last non-empty line (where ffmpeg states the reason); the whole
    command and stderr are attached for logs.
    """

    def __init__(
        self,
        message: str,
        *,
        argv: Sequence[str] = (),
        returncode: int | None = None,
        stderr: str = "",
    ) -> None:
        super().__init__(message)
        self.argv = tuple(argv)
        self.returncode = returncode
        self.stderr = stderr


class CutError(CutupsError):
    """A clip could not be produced to specification, even by the re-encoding fallback."""


class AnalysisError(CutupsError):
    """A process analysing part of the video ended without a result (crashed or killed)."""


class ExternalServiceError(CutupsError):
    """A remote service (CFBD, ESPN, S3, a webhook receiver) failed or answered nonsense."""

    def __init__(self, message: str, *, service: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.service = service
        self.status = status


class SpeechError(CutupsError):
    """A text-to-speech engine (local voice, espeak-ng, a cloud service) failed on a line or
    could not be loaded; the commentary skips that line with a warning."""


class ModelError(CutupsError):
    """A model shipped inside a pinned package is not installed or its files are not the ones
    we pinned (their SHA-256 differs): we refuse to run it."""


class CanceledError(CutupsError):
    """Work stopped because its job was canceled."""

    expected = True
