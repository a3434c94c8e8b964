"""Playlists: the chosen plays as a reel by stream copy, with their manifest and exports."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import av
import pytest

from cutups.errors import ConfigError, QueryError
from cutups.media.ffmpeg import run
from cutups.media.probe import probe
from cutups.output.exports import FORMATS
from cutups.output.playlist import build_playlist
from tests.exports.conftest import RenderedJob, frames_in


def _video_packets(path: Path) -> list[str]:
    """Digests of the video packets' bytes, in order (no decoding)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [
            hashlib.sha1(bytes(packet)).hexdigest()
            for packet in container.demux(stream)
            if packet.size
        ]


def test_a_playlist_is_a_stream_copied_reel_of_the_chosen_plays(
    rendered: RenderedJob, tmp_path: Path
) -> None:
    out = tmp_path / "third-and-long"
    result = build_playlist(rendered.out, "odk = O and (down = 3 or gain >= 10)", out)
    chosen = [p.number for p in result.plays]
    assert chosen == [2, 4]
    clips = [out / p.file for p in result.plays]
    # Plays through: every frame of every chosen clip, in order, and nothing else.
    reel = out / "reel.mp4"
    assert frames_in(reel) == [n for c in clips for n in frames_in(c)]
    run(["ffmpeg", "-v", "error", "-xerror", "-i", str(reel), "-f", "null", "-"])
    # Lasts the sum of its clips.
    lengths = [probe(c, keyframes=False).video.duration for c in clips]
    assert probe(reel, keyframes=False).video.duration == pytest.approx(sum(lengths), abs=0.002)
    # Without re-encoding: the reel's video packets are the clips' own bytes.
    assert result.reel.method == "copy"
    assert _video_packets(reel) == [d for c in clips for d in _video_packets(c)]
    # Its manifest is the job's, cut down to those plays, and says how they were chosen.
    manifest = json.loads((out / "manifest.json").read_text())
    assert [c["id"] for c in manifest["clips"]] == [p.clip.id for p in result.plays]
    assert manifest["bucket_counts"] == {"team_offense": 2, "opp_offense": 0, "special_teams": 0}
    assert manifest["playlist"]["where"] == "odk = O and (down = 3 or gain >= 10)"
    assert manifest["playlist"]["plays"] == [2, 4]
    assert all(
        (out / c["file"]).is_file() and (out / c["thumb"]).is_file() for c in manifest["clips"]
    )
    # Every export is there, for those plays only.
    assert sorted(p.name for p in result.exports) == sorted(f.filename for f in FORMATS.values())
    assert (out / "timeline.edl").read_text().count(" C        ") == 2
    # Chapters: one per play, as the reel has them.
    chapters = json.loads(
        run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(reel)]).stdout
    )["chapters"]
    assert [c["tags"]["title"] for c in chapters] == [p.title for p in result.plays]
    vtt = (out / "chapters.vtt").read_text()
    assert all(p.title in vtt for p in result.plays)


def test_bad_or_empty_queries_build_nothing(rendered: RenderedJob, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="column 9: down is a number"):
        build_playlist(rendered.out, "down >= x", tmp_path / "bad")
    with pytest.raises(ConfigError, match="no play of the job's 6 matches"):
        build_playlist(rendered.out, "down = 4 and odk = D", tmp_path / "none")
    assert not (tmp_path / "bad").exists() and not (tmp_path / "none").exists()
