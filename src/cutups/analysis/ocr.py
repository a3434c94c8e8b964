"""Text recognition for scorebug fields: Tesseract to bootstrap, then a learned glyph reader.

Tesseract (through ``tesserocr``, in-process) reads a clock in ~5-8 ms. A broadcast shows the
same ten digits in one font all game, so after a few dozen confident Tesseract readings the
:class:`GlyphReader` knows each digit's shape and reads the rest by template matching in well
under a millisecond, falling back to Tesseract whenever it is unsure.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from cutups.errors import ConfigError

__all__ = [
    "Glyph",
    "GlyphReader",
    "TesseractReader",
    "binarize",
    "glyph_boxes",
    "otsu_threshold",
]

log = logging.getLogger(__name__)

TESSDATA_DIRS = (
    Path("/usr/share/tesseract-ocr/5/tessdata"),
    Path("/usr/share/tesseract-ocr/4.00/tessdata"),
    Path("/usr/share/tessdata"),
)
_TARGET_HEIGHT = 48
"""Pixels of text height Tesseract reads most reliably at."""
_GLYPH = (24, 16)
"""(h, w) every glyph is normalised to for template matching."""


def binarize(
    gray: NDArray[np.uint8],
    *,
    target_height: int = _TARGET_HEIGHT,
    invert: bool = False,
) -> NDArray[np.uint8]:
    """Upscale and threshold a text crop into dark text (0) on white (255).

    Broadcast bugs draw light text on dark boxes as often as the reverse; text is whatever
    class of pixels is the minority, so polarity is decided by counting. A tight crop of bold
    text can be mostly text (teal's "4:00" was 55 % dark glyph): ``invert`` takes the majority
    as the text instead, for a second try when the first reads as nothing.
    """
    h, w = gray.shape
    if h == 0 or w == 0:
        return np.full((target_height, target_height), 255, np.uint8)
    scale = max(1.0, target_height / h)
    zoom = ndimage.zoom(gray.astype(np.float32), scale, order=1)
    threshold = otsu_threshold(zoom)
    bright = zoom > threshold
    text = bright if (bright.mean() < 0.5) != invert else ~bright
    out = np.full(zoom.shape, 255, np.uint8)
    out[text] = 0
    pad = max(4, int(0.15 * out.shape[0]))
    return np.pad(out, pad, constant_values=255)


def otsu_threshold(values: NDArray[np.float32] | NDArray[np.uint8], bins: int = 64) -> float:
    """The luma level that best splits ``values`` (levels 0-255) into two classes (Otsu), as a
    bin centre; ``bins`` a power of two.

    With ``bins=256`` on uint8 data every level is its own bin, so ``values > threshold``
    splits exactly at an integer level.
    """
    # np.histogram(values, bins, range=(0, 256)), without its general-purpose overhead (~10x):
    # with a power-of-two bin width the scaled value's floor is exactly its bin.
    width = 256 / bins
    index = (np.asarray(values, dtype=np.float64) / width).astype(np.intp).ravel()
    np.clip(index, 0, bins - 1, out=index)
    weights = np.bincount(index, minlength=bins).astype(np.float64)
    edges = np.arange(bins + 1) * width
    centers = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(weights)
    w1 = w0[-1] - w0
    m0 = np.cumsum(weights * centers) / np.maximum(w0, 1)
    m1 = (np.sum(weights * centers) - np.cumsum(weights * centers)) / np.maximum(w1, 1)
    between = w0 * w1 * (m0 - m1) ** 2
    return float(centers[int(np.argmax(between))])


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character's box in a binarized line; ``parts`` > 1 for a colon's two dots."""

    ys: slice
    xs: slice
    parts: int

    @property
    def height(self) -> int:
        return int(self.ys.stop - self.ys.start)

    @property
    def width(self) -> int:
        return int(self.xs.stop - self.xs.start)


def glyph_boxes(binary: NDArray[np.uint8]) -> list[Glyph]:
    """The dark glyphs of a binarized line, left to right; stacked parts (colons) joined."""
    labels, _ = ndimage.label(binary == 0)
    height = binary.shape[0]
    found = [b for b in ndimage.find_objects(labels) if b is not None]
    found = [b for b in found if (b[0].stop - b[0].start) >= 0.05 * height]
    found.sort(key=lambda b: b[1].start)
    glyphs: list[Glyph] = []
    for ys, xs in found:
        if glyphs:
            prev = glyphs[-1]
            overlap = min(prev.xs.stop, xs.stop) - max(prev.xs.start, xs.start)
            narrower = min(prev.width, xs.stop - xs.start)
            if overlap > 0.5 * narrower:
                glyphs[-1] = Glyph(
                    slice(min(prev.ys.start, ys.start), max(prev.ys.stop, ys.stop)),
                    slice(min(prev.xs.start, xs.start), max(prev.xs.stop, xs.stop)),
                    prev.parts + 1,
                )
                continue
        glyphs.append(Glyph(ys, xs, 1))
    return glyphs


class TesseractReader:
    """One Tesseract engine per thread, restricted to a character whitelist."""

    def __init__(self, tessdata: Path | None = None) -> None:
        self._tessdata = tessdata or next((d for d in TESSDATA_DIRS if d.exists()), None)
        if self._tessdata is None:
            raise ConfigError("Tesseract language data not found: run `make install`")
        self._local = threading.local()

    @contextmanager
    def _api(self, whitelist: str) -> Iterator[object]:
        import tesserocr

        api = getattr(self._local, "api", None)
        if api is None:
            # One engine per thread, its whitelist switched per read: loading the language
            # data takes ~0.12 s, more than a dozen reads.
            api = self._local.api = tesserocr.PyTessBaseAPI(
                path=str(self._tessdata) + "/", psm=tesserocr.PSM.SINGLE_LINE
            )
            self._local.whitelist = None
        if self._local.whitelist != whitelist:
            api.SetVariable("tessedit_char_whitelist", whitelist)
            self._local.whitelist = whitelist
        yield api

    def read(self, binary: NDArray[np.uint8], whitelist: str) -> tuple[str, float]:
        """Text and mean confidence (0-1) of a binarized line."""
        from PIL import Image

        with self._api(whitelist) as api:
            api.SetImage(Image.fromarray(binary))  # type: ignore[attr-defined]
            text = api.GetUTF8Text().strip().replace(" ", "")  # type: ignore[attr-defined]
            conf = api.MeanTextConf() / 100.0  # type: ignore[attr-defined]
        return text, float(conf)


def _normalise(glyph: NDArray[np.uint8]) -> NDArray[np.float32]:
    h, w = glyph.shape
    zoom = ndimage.zoom((glyph == 0).astype(np.float32), (_GLYPH[0] / h, _GLYPH[1] / w), order=1)
    out = np.zeros(_GLYPH, np.float32)
    out[: zoom.shape[0], : zoom.shape[1]] = zoom[: _GLYPH[0], : _GLYPH[1]]
    norm = float(np.linalg.norm(out))
    return out / norm if norm else out


@dataclass
class GlyphReader:
    """Per-broadcast digit templates learned from confident Tesseract readings."""

    min_examples: int = 2
    min_similarity: float = 0.92
    templates: dict[str, list[NDArray[np.float32]]] = field(default_factory=dict)
    _stacked: tuple[list[str], NDArray[np.float32]] | None = field(default=None, repr=False)
    """Every template as one row, with its character, in ``templates`` order (rebuilt after
    each lesson): one product per glyph instead of one per template."""

    @property
    def ready(self) -> bool:
        return all(len(self.templates.get(d, [])) >= self.min_examples for d in "0123456789")

    def learn(self, binary: NDArray[np.uint8], text: str) -> None:
        """Store each digit glyph when the glyph count matches the recognised text."""
        chars = [c for c in text if c.isdigit() or c in ":."]
        glyphs = glyph_boxes(binary)
        if len(glyphs) != len(chars):
            return
        for glyph, char in zip(glyphs, chars, strict=True):
            if char.isdigit() and len(self.templates.setdefault(char, [])) < 6:
                self.templates[char].append(_normalise(binary[glyph.ys, glyph.xs]))
                self._stacked = None

    def _matrix(self) -> tuple[list[str], NDArray[np.float32]]:
        if self._stacked is None:
            chars = [c for c, examples in self.templates.items() for _ in examples]
            rows = [e.ravel() for examples in self.templates.values() for e in examples]
            self._stacked = (chars, np.stack(rows))
        return self._stacked

    def read(self, binary: NDArray[np.uint8]) -> tuple[str, float] | None:
        """The text if every glyph matches a template closely enough, else None."""
        if not self.ready:
            return None
        glyphs = glyph_boxes(binary)
        if not glyphs:
            return None
        height = max(g.height for g in glyphs)
        text = []
        worst = 1.0
        for glyph in glyphs:
            if glyph.parts >= 2:
                text.append(":")
                continue
            if glyph.height < 0.4 * height:  # a lone small mark on the baseline: a decimal point
                text.append(".")
                continue
            vec = _normalise(binary[glyph.ys, glyph.xs])
            chars, matrix = self._matrix()
            # Row sums, not a matrix product: the same summation as one template at a time,
            # so similarities (and ties, won by the first template) are exactly as before.
            sims = (matrix * vec.ravel()).sum(axis=1)
            pick = int(np.argmax(sims))
            best = float(sims[pick])
            if best < self.min_similarity:
                return None
            worst = min(worst, best)
            text.append(chars[pick])
        return "".join(text), worst
