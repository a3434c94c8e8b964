"""A framing as an ffmpeg filter graph: source video in (``[0:v]``), the 9:16 picture out.

The moving crop is ``crop``'s ``x`` as an expression of ``t``, evaluated per frame. A
piecewise-linear path is written as a flat sum (no nesting, so hundreds of keys stay cheap)::

    x0 + (x1-x0)*clip((t-t0)/(t1-t0),0,1) + ... + (x3-x2)*gte(t,t2) + ...

where a term with ``gte`` is a cut. ``t`` is the clip's own time: pass ``clip_start`` (source
seconds) for a clip that is trimmed before the filter (``-ss`` before ``-i`` resets ``t``).
"""

from __future__ import annotations

from itertools import pairwise

from cutups.recipes.shorts.framing import (
    CropPath,
    FocusFraming,
    Framing,
    Rect,
    StackFraming,
    StaticFraming,
)

__all__ = ["crop_x_expression", "framing_filter"]

_BLUR = "boxblur=luma_radius=20:luma_power=2"


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def crop_x_expression(path: CropPath, clip_start: float = 0.0) -> str:
    """``path``'s left edge as an ffmpeg expression of the clip time ``t``."""
    keys = path.keys
    terms = [_num(keys[0].x)]
    for a, b in pairwise(keys):
        dx = b.x - a.x
        if abs(dx) < 1e-3:
            continue
        t0, t1 = a.t - clip_start, b.t - clip_start
        if t1 - t0 <= 1e-9:
            terms.append(f"{_num(dx)}*gte(t,{_num(t0)})")
        else:
            terms.append(f"{_num(dx)}*clip((t-{_num(t0)})/{_num(t1 - t0)},0,1)")
    return "+".join(terms).replace("+-", "-")


def _crop(rect: Rect) -> str:
    return f"crop={rect.width}:{rect.height}:{rect.x}:{rect.y}"


def _fit_over_blur(src: str, size: tuple[int, int], out: str) -> str:
    """``src`` scaled to fit ``size``, centred over a blurred copy filling it."""
    w, h = size
    return (
        f"{src}split=2[bg_{out}][fg_{out}];"
        f"[bg_{out}]scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},{_BLUR}[b_{out}];"
        f"[fg_{out}]scale={w}:{h}:force_original_aspect_ratio=decrease[f_{out}];"
        f"[b_{out}][f_{out}]overlay=(W-w)/2:(H-h)/2[{out}]"
    )


def framing_filter(
    framing: Framing, size: tuple[int, int], clip_start: float = 0.0, *, out: str = "vout"
) -> str:
    """The ``-filter_complex`` graph turning ``[0:v]`` into ``[out]`` of ``size`` (w, h)."""
    w, h = size
    if isinstance(framing, FocusFraming):
        p = framing.path
        x = crop_x_expression(p, clip_start)
        return f"[0:v]crop=w={p.width}:h={p.height}:x='{x}':y={p.y},scale={w}:{h},setsar=1[{out}]"
    if isinstance(framing, StaticFraming):
        if framing.mode == "center":
            return f"[0:v]{_crop(framing.crop)},scale={w}:{h},setsar=1[{out}]"
        return _fit_over_blur("[0:v]", size, "fit") + f";[fit]setsar=1[{out}]"
    return _stack_filter(framing, size, out)


def _stack_filter(framing: StackFraming, size: tuple[int, int], out: str) -> str:
    w, h = size
    top = round(h * framing.screen_share) // 2 * 2
    return (
        "[0:v]split=2[screen][face];"
        + _fit_over_blur(f"[screen]{_crop(framing.screen)},", (w, top), "top")
        + f";[face]{_crop(framing.face)},scale={w}:{h - top}[bottom];"
        + f"[top][bottom]vstack,setsar=1[{out}]"
    )
