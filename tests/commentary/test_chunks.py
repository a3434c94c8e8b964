"""Chunks: exact spans, the game's audio ducked under the voice, one encoder setup so the
final video is a stream copy with no drift, and a growing HLS event playlist."""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

import m3u8
import numpy as np
import numpy.typing as npt
import pytest

from cutups.commentary.chunks import ChunkFile, ChunkSpec, EncoderSetup, frame_span, render_chunk
from cutups.commentary.hls import HlsEventPlaylist, track_timescales
from cutups.commentary.speech import Speech
from cutups.media.ffmpeg import file_arg, run
from cutups.media.probe import MediaInfo, probe
from cutups.media.reel import build_reel
from tests.commentary.media import decode_audio, make_source, rms_db, silence, tone

FPS = Fraction(30000, 1001)
AAC_FRAME = 1024 / 48_000


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> MediaInfo:
    return probe(make_source(tmp_path_factory.mktemp("src") / "game.mp4", 24))


def _chunk(info: MediaInfo, folder: Path, index: int, start: float, end: float,
           voice: Path | None = None, voice_at: float = 1.0, voice_seconds: float = 0.0,
           ) -> ChunkFile:  # fmt: skip
    first, frames = frame_span(start, end, info.video.frame_rate)
    spec = ChunkSpec(index, first, frames, voice, voice_at, voice_seconds, duck_db=-12.0)
    setup = EncoderSetup.for_source(info)
    return render_chunk(info, spec, setup, folder / f"chunk_{index}.mp4")


def _frames(path: Path) -> int:
    argv = ["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries",
            "stream=nb_read_packets", "-of", "csv=p=0", file_arg(path)]  # fmt: skip
    out = run(argv)
    return int(out.stdout.decode().split()[0].strip(","))


def test_a_chunk_is_exactly_its_frames_with_as_many_samples(
    source: MediaInfo, tmp_path: Path
) -> None:
    chunk = _chunk(source, tmp_path, 0, 2.0, 7.5)
    assert chunk.frames == 165 and chunk.samples == round(165 * 1001 / 30000 * 48_000)
    info = probe(chunk.path)
    assert info.video.frame_rate == FPS and _frames(chunk.path) == chunk.frames
    assert info.audio is not None and (info.audio.sample_rate, info.audio.channels) == (48_000, 2)
    assert abs(info.audio.duration - chunk.samples / 48_000) < 1e-3
    assert info.keyframes[:3] == pytest.approx([0.0, 60 / FPS, 120 / FPS], abs=1e-3)


def test_a_chunk_has_no_reordered_frames(source: MediaInfo, tmp_path: Path) -> None:
    """With B-frames a chunk's first decode time lies before the last frames the chunk before
    it shows, and Chromium's MSE dropped those frames where the two met: a two-frame gap in
    ``buffered`` that stopped playback (a 10-minute stream, issue 20)."""
    info = probe(_chunk(source, tmp_path, 0, 2.0, 7.5).path)
    assert info.video.reorders is False and info.video.reorder_delay == 0


def test_the_game_audio_dips_under_the_voice_and_comes_back(
    source: MediaInfo, tmp_path: Path
) -> None:
    quiet = tmp_path / "quiet.wav"
    quiet.write_bytes(silence(3.0).wav_bytes())
    chunk = _chunk(source, tmp_path, 0, 2.0, 10.0, quiet, voice_at=2.0, voice_seconds=3.0)
    audio = decode_audio(chunk.path)
    before, under, after = rms_db(audio, 0.2, 1.5), rms_db(audio, 2.5, 4.5), rms_db(audio, 6, 7.5)
    assert under - before == pytest.approx(-12.0, abs=1.0)
    assert after == pytest.approx(before, abs=0.5)
    loud = tmp_path / "tone.wav"
    loud.write_bytes(tone(3.0).wav_bytes())
    voiced = decode_audio(_chunk(source, tmp_path, 1, 2.0, 10.0, loud, 2.0, 3.0).path)
    assert rms_db(voiced, 2.5, 4.5) > before + 3


def test_a_source_without_audio_gets_silence_under_the_voice(tmp_path: Path) -> None:
    mute = probe(make_source(tmp_path / "mute.mp4", 8, audio=False))
    voice = tmp_path / "v.wav"
    voice.write_bytes(tone(2.0).wav_bytes())
    chunk = _chunk(mute, tmp_path, 0, 1.0, 6.0, voice, 1.0, 2.0)
    info = probe(chunk.path)
    assert info.audio is not None and abs(info.audio.duration - chunk.samples / 48_000) < 1e-3
    audio = decode_audio(chunk.path)
    assert rms_db(audio, 0.1, 0.9) < -80 and rms_db(audio, 1.2, 2.8) > -20


def _tfdts(segment: Path) -> list[int]:
    data, out, at = segment.read_bytes(), [], 0
    while (at := data.find(b"tfdt", at + 1)) > 0:
        box = at - 4
        out.append(struct.unpack(">Q", data[box + 12 : box + 20])[0] if data[box + 8] == 1
                   else struct.unpack(">I", data[box + 12 : box + 16])[0])  # fmt: skip
    return out


def test_chunks_join_by_stream_copy_and_grow_one_hls_timeline(
    source: MediaInfo, tmp_path: Path
) -> None:
    spans = [(1.0, 6.3), (8.0, 15.9), (17.2, 23.0)]
    chunks = [_chunk(source, tmp_path, n, a, b) for n, (a, b) in enumerate(spans)]
    hls = HlsEventPlaylist(tmp_path / "hls")
    hls.folder.mkdir()
    hls.append(chunks[0], 0)
    hls.append(chunks[1], 1)
    growing = m3u8.load(str(hls.path))
    assert growing.playlist_type == "event" and not growing.is_endlist
    assert growing.segment_map[0].uri == "init.mp4" and growing.target_duration == 6
    listed = len(growing.segments)
    hls.append(chunks[2], 2)
    hls.finish()
    final = m3u8.load(str(hls.path))
    assert final.is_endlist and len(final.segments) > listed
    assert sum(s.duration for s in final.segments) == pytest.approx(
        sum(float(c.seconds) for c in chunks), abs=0.01)  # fmt: skip
    # Every chunk's first fragment starts where the chunks before it end, on both tracks.
    tracks = track_timescales((hls.folder / "init.mp4").read_bytes())
    video_scale = next(scale for kind, scale in tracks.values() if kind == "vide")
    firsts = [hls.folder / f"c{n:04d}_000.m4s" for n in range(3)]
    ends = [sum(c.frames for c in chunks[:n]) for n in range(3)]
    assert [_tfdts(p)[0] for p in firsts] == [round(f / FPS * video_scale) for f in ends]
    assert [_tfdts(p)[1] for p in firsts] == [sum(c.samples for c in chunks[:n]) for n in range(3)]
    assert _frames(hls.path) == sum(c.frames for c in chunks)

    reel = build_reel([c.path for c in chunks], tmp_path / "final.mp4",
                      durations=[float(c.seconds) for c in chunks])  # fmt: skip
    assert reel.method == "copy"
    joined = probe(reel.output)
    assert joined.audio is not None
    assert _frames(reel.output) == sum(c.frames for c in chunks)
    assert abs(joined.video.duration - joined.audio.duration) <= AAC_FRAME


def test_a_chunk_that_starts_after_the_voice_began_holds_the_rest_of_it(
    source: MediaInfo, tmp_path: Path
) -> None:
    """A fast start's pieces split a line between chunks: the second hears the voice from
    where the first left off (1.5 s at 600 Hz, then 1.5 s at 1400 Hz), not from its start."""
    low, high = tone(1.5, 600.0), tone(1.5, 1400.0)
    voice = tmp_path / "two-tones.wav"
    voice.write_bytes(Speech(np.concatenate([low.samples, high.samples]), 22_050, "t").wav_bytes())
    first = _chunk(source, tmp_path, 0, 2.0, 4.0, voice, voice_at=1.0, voice_seconds=3.0)
    second = _chunk(source, tmp_path, 1, 4.0, 6.0, voice, voice_at=1.0 - 2.002, voice_seconds=3.0)
    a, b = decode_audio(first.path), decode_audio(second.path)
    assert _loudest_hz(a, 1.1, 1.9) == pytest.approx(600, abs=10)
    assert _loudest_hz(b, 0.0, 0.4) == pytest.approx(600, abs=10)  # voice time 1.0-1.4 s
    assert _loudest_hz(b, 0.6, 1.9) == pytest.approx(1400, abs=10)  # voice time 1.6-2.9 s
    assert rms_db(b, 0.05, 1.9) > rms_db(a, 0.1, 0.6) + 6  # voiced all along, the game ducked


def _loudest_hz(samples: npt.NDArray[np.float32], start: float, end: float) -> float:
    part = samples[int(start * 48_000) : int(end * 48_000)].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part))))
    return float(np.fft.rfftfreq(len(part), 1 / 48_000)[int(np.argmax(spectrum))])
