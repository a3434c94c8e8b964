"""Packaging a job's outputs (clips, stills, JSON, HTML) into one ZIP download.

Usage::

    write_zip(out / "game.zip", {"clips/play-001.mp4": clip, "index.html": page})

Each file is streamed into the archive in chunks, so a 4 GB set of clips needs no second copy
on disk and no memory to speak of. Video and images are already compressed and are *stored*
(deflating them costs CPU and saves nothing); text formats are deflated. The archive is written
to ``<output>.tmp`` and renamed into place, so a reader never sees half a ZIP.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

__all__ = ["STORED_SUFFIXES", "write_zip"]

STORED_SUFFIXES = frozenset(
    {
        ".mp4",
        ".m4v",
        ".mov",
        ".mkv",
        ".webm",
        ".ts",
        ".m4a",
        ".aac",
        ".mp3",
        ".opus",
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".webp",
        ".zip",
        ".gz",
        ".bz2",
        ".xz",
        ".zst",
        ".npz",
    }
)
"""Suffixes of already-compressed formats, stored as they are."""
_DEFLATE_LEVEL = 6
_CHUNK = 1 << 20
"""Bytes copied at a time into stored entries (``ZipFile.write`` uses 8 KiB: 4 GB of clips
took 500 000 Python-level reads, CRC and writes)."""


def write_zip(output: Path, files: Mapping[str, Path]) -> Path:
    """Write a ZIP whose entries are ``files`` (archive name -> file on disk); return ``output``.

    Arguments:
        output: the archive to write (replaced atomically if it exists).
        files: archive names (``/``-separated, relative, no ``..``) to source files. Entries
            appear in the mapping's order.

    Raises:
        ValueError: an archive name is absolute, empty or climbs out with ``..``.
        FileNotFoundError: a source file is missing (nothing is written).
    """
    names = {name: _check_name(name) for name in files}
    for name, path in files.items():
        if not Path(path).is_file():
            raise FileNotFoundError(f"cannot package {name}: no such file {path}")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    try:
        with open(tmp, "wb") as fh:
            with zipfile.ZipFile(fh, "w", allowZip64=True) as archive:
                for name, path in files.items():
                    if Path(path).suffix.lower() in STORED_SUFFIXES:
                        _store(archive, Path(path), names[name])
                    else:
                        archive.write(
                            path,
                            arcname=names[name],
                            compress_type=zipfile.ZIP_DEFLATED,
                            compresslevel=_DEFLATE_LEVEL,
                        )
            fh.flush()
            os.fsync(fh.fileno())  # the rename must not publish data still in the page cache
        os.replace(tmp, output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return output


def _store(archive: zipfile.ZipFile, path: Path, name: str) -> None:
    """Add ``path`` uncompressed, copied in large chunks."""
    info = zipfile.ZipInfo.from_file(path, name)
    info.compress_type = zipfile.ZIP_STORED
    with open(path, "rb") as src, archive.open(info, "w") as dest:
        shutil.copyfileobj(src, dest, _CHUNK)


def _check_name(name: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    if not name or path.is_absolute() or ".." in path.parts or str(path) in ("", "."):
        raise ValueError(f"bad archive name: {name!r}")
    return str(path)
