"""The shipped models: joined once, every file checked against its pinned SHA-256."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cutups.errors import ModelError
from cutups.speech.models import MODELS, PinnedFile, prepare_model, sha256_of


def test_base_model_is_joined_and_checked(tmp_path: Path) -> None:
    model = MODELS["whisper-base"]
    folder = prepare_model(model, tmp_path)
    assert sha256_of(folder / "model.bin") == model.model_sha256
    assert {p.name for p in folder.iterdir()} == {
        "model.bin",
        "config.json",
        "tokenizer.json",
        "vocabulary.json",
    }
    assert prepare_model(model, tmp_path) == folder  # reused, checked again


def test_a_tampered_file_is_refused(tmp_path: Path) -> None:
    model = MODELS["whisper-tiny.en"]
    folder = prepare_model(model, tmp_path)
    with (folder / "config.json").open("a") as f:
        f.write(" ")
    with pytest.raises(ModelError, match="does not match its pinned SHA-256"):
        prepare_model(model, tmp_path)


def test_a_part_with_another_hash_or_a_missing_package_is_refused(tmp_path: Path) -> None:
    model = MODELS["whisper-tiny.en"]
    wrong = dataclasses.replace(model.parts[0], sha256="0" * 64)
    with pytest.raises(ModelError, match="pinned SHA-256"):
        prepare_model(dataclasses.replace(model, parts=(wrong,)), tmp_path)
    with pytest.raises(ModelError, match="not installed"):
        PinnedFile("no_such_model_package", "model.bin", "0" * 64).locate()
