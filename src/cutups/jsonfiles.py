"""Pydantic models saved as JSON files (``transcript.json``, ``plan.json``) and read back."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from cutups.errors import InputError

__all__ = ["read_model", "write_model"]

ModelT = TypeVar("ModelT", bound=BaseModel)


def write_model(model: BaseModel, path: Path) -> None:
    """Save ``model`` as indented JSON."""
    path.write_text(model.model_dump_json(indent=1) + "\n", encoding="utf-8")


def read_model(cls: type[ModelT], path: Path, what: str) -> ModelT:
    """Load a ``cls`` saved by :func:`write_model`; ``what`` names it in errors ("transcript").

    Raises:
        InputError: missing, unreadable or not a ``what``.
    """
    try:
        return cls.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except ValidationError as exc:
        raise InputError(f"not a {what}: {path} ({exc.errors()[0]['msg']})") from None
