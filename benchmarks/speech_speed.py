"""Transcription speed of the shipped Whisper models, as a multiple of real time, on N threads.

The audio is the test suite's espeak-ng talk (26 sentences, about 105 s), repeated ``--repeat``
times, so the benchmark needs nothing outside the repository. It reports wall-clock and CPU
seconds per second of audio (CPU time is the steadier figure on a shared machine: wall time grows
with other load, CPU time much less), and the word error rate against the text.

    python benchmarks/speech_speed.py --threads 2 --models whisper-base whisper-tiny.en
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))

from tests.speech.talk import TALK, speak, wer

from cutups.media.audio import SpeechAudio, extract_speech
from cutups.settings import default_cache_dir
from cutups.speech.local import LocalOptions, LocalTranscriber


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _written(samples: np.ndarray, like: SpeechAudio, dest: Path) -> SpeechAudio:
    samples.astype("<f4").tofile(dest)
    return SpeechAudio(dest, like.rate, like.offset)


def measure(model: str, threads: int, audio: SpeechAudio, text: str, cache: Path) -> str:
    transcriber = LocalTranscriber(LocalOptions(model=model, threads=threads), cache)  # type: ignore[arg-type]
    warm = np.asarray(audio.samples()[: audio.rate * 5])
    transcriber.transcribe(_written(warm, audio, audio.path.with_suffix(".warm")))  # load once
    wall, cpu = time.perf_counter(), _cpu_seconds()
    transcript = transcriber.transcribe(audio)
    wall, cpu = time.perf_counter() - wall, _cpu_seconds() - cpu
    seconds = audio.duration
    return (
        f"| {model} | {threads} | {seconds:.0f} s | {wall / seconds:.3f}x | "
        f"{cpu / seconds:.3f}x | {wer(text, transcript.text) * 100:.1f} % |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--models", nargs="+", default=["whisper-base"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        talk = speak(TALK, work / "talk.wav")
        once = extract_speech(talk.path, work / "talk.f32")
        audio = _written(np.tile(np.asarray(once.samples()), args.repeat), once, work / "x.f32")
        print("| model | threads | audio | wall / audio | CPU / audio | WER |")
        print("|---|---|---|---|---|---|")
        for model in args.models:
            text = " ".join([talk.text] * args.repeat)
            print(measure(model, args.threads, audio, text, default_cache_dir()))


if __name__ == "__main__":
    main()
