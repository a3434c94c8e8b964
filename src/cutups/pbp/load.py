"""One entry point for play-by-play files: :func:`load_pbp` detects the format and parses it.

Detection, in order:

1. Decoded JSON handed in directly (a list or dict) is used as is; bytes starting with ``{`` or
   ``[`` (after whitespace and a BOM) are decoded as JSON.
2. A JSON object with ``header`` and ``drives`` is an ESPN summary.
3. A JSON list of objects with ``period``, ``offense`` and ``play_type``/``playType`` is a CFBD
   ``/plays`` answer, v2 when any key is camelCase (``playType``), else v1.
4. Anything else is read as CSV and must carry CFBD's columns.

Whatever goes wrong, the caller sees a :class:`~cutups.errors.PbpError` whose message ends with
what we accept; no ``KeyError``/``ValueError`` escapes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cutups.errors import ConfigError, PbpError
from cutups.pbp._build import pbp_error
from cutups.pbp.cfbd import parse_cfbd_csv, parse_cfbd_rows
from cutups.pbp.espn import looks_like_espn_summary, parse_espn_summary
from cutups.pbp.model import ClockAt, Game

__all__ = ["MAX_INPUT_BYTES", "PbpInput", "load_pbp"]

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""Largest input we read; one game is well under 1 MB (an ESPN summary is about 0.4 MB)."""

PbpInput = bytes | str | os.PathLike[str] | list[Any] | dict[str, Any]
"""A path (``str`` or ``PathLike``), the file's bytes, or already-decoded JSON."""


def load_pbp(source: PbpInput, *, clock_at: ClockAt = "end", game_id: str | None = None) -> Game:
    """Read play-by-play in any supported format into a :class:`Game`.

    Arguments:
        source: A path to a file, its content as bytes, or decoded JSON (list or dict). A
            ``str`` is always a path, never content.
        clock_at: ``"end"`` when listed clocks are end-of-play stamps (CFBD and ESPN), ``"snap"``
            when they are snap times.
        game_id: For CFBD answers holding several games (a whole week), the game to keep.

    Returns:
        The game, plays in game order.

    Raises:
        ConfigError: ``clock_at`` is neither ``"end"`` nor ``"snap"``.
        PbpError: The input is unreadable, empty or of an unknown shape.
        WrongGameError: ``game_id`` is given and the input holds other games only.
    """
    if clock_at not in ("end", "snap"):
        raise ConfigError(f"clock_at must be 'end' or 'snap', not {clock_at!r}")
    try:
        if isinstance(source, list | dict):
            return _from_json(source, clock_at=clock_at, game_id=game_id)
        data = source if isinstance(source, bytes) else _read(source)
        return _from_bytes(data, clock_at=clock_at, game_id=game_id)
    except PbpError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        # The parsers read defensively; this is the backstop so a shape we did not foresee
        # still reaches the user as a PbpError rather than a traceback.
        raise pbp_error(f"unexpected content ({type(exc).__name__}: {exc})") from exc


def _read(path: str | os.PathLike[str]) -> bytes:
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise pbp_error(f"{file} is {size} bytes, more than play-by-play ever is")
        return file.read_bytes()
    except OSError as exc:
        raise PbpError(f"cannot read {file}: {exc.strerror or exc}") from exc


def _from_bytes(data: bytes, *, clock_at: ClockAt, game_id: str | None) -> Game:
    if len(data) > MAX_INPUT_BYTES:
        raise pbp_error(f"{len(data)} bytes, more than play-by-play ever is")
    text = _decode(data)
    if not text.strip():
        raise pbp_error("the input is empty")
    if text.lstrip()[:1] in ("{", "["):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise pbp_error(f"invalid JSON ({_short(exc)})") from exc
        return _from_json(document, clock_at=clock_at, game_id=game_id)
    if "\x00" in text:
        raise pbp_error("binary data, not text")
    return parse_cfbd_csv(text, clock_at=clock_at, game_id=game_id)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Spreadsheet exports of the CSV are sometimes Windows-1252; a decode that needs more than
    # that is not text.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise pbp_error("not UTF-8 or Windows-1252 text") from exc


def _from_json(document: object, *, clock_at: ClockAt, game_id: str | None) -> Game:
    if looks_like_espn_summary(document) and isinstance(document, Mapping):
        return parse_espn_summary(document, clock_at=clock_at)
    if isinstance(document, Sequence) and not isinstance(document, str):
        return parse_cfbd_rows(document, clock_at=clock_at, game_id=game_id)
    if isinstance(document, Mapping):
        if not document:
            raise pbp_error("an empty JSON object")
        keys = ", ".join(sorted(str(k) for k in document)[:6])
        raise pbp_error(f"a JSON object with keys {keys}")
    raise pbp_error(f"a JSON {type(document).__name__}")


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
