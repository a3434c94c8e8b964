"""Cutups: turn long video into exact clips.

The engine is a library first; the CLI (``cutups``), the job service and the web page are thin
layers over it. Public names are re-exported here; everything else is an implementation detail.
"""

from __future__ import annotations

from cutups.errors import (
    CanceledError,
    ConfigError,
    CutError,
    CutupsError,
    ExternalServiceError,
    FFmpegError,
    InputError,
    MediaError,
    MissingExtraError,
    NoVideoStreamError,
    PbpError,
    SourceError,
    WrongGameError,
)

__version__ = "0.1.0"

__all__ = [
    "CanceledError",
    "ConfigError",
    "CutError",
    "CutupsError",
    "ExternalServiceError",
    "FFmpegError",
    "InputError",
    "MediaError",
    "MissingExtraError",
    "NoVideoStreamError",
    "PbpError",
    "SourceError",
    "WrongGameError",
    "__version__",
]
