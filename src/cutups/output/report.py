"""``report.html``: one self-contained page to look through a job's clips.

Thumbnails are embedded as data URIs and styles and script are inline, so the page works when
opened straight from the output folder or the ZIP, offline. Clips play in place from the
relative ``clips/`` paths next to it.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cutups.timeline import PlayFacts, play_summary

__all__ = ["render_report", "write_report"]

_STYLE = """
body{font:15px/1.4 system-ui,sans-serif;margin:0;background:#111;color:#eee}
header{padding:16px 20px;background:#1b1b1b;border-bottom:1px solid #333}
h1{font-size:20px;margin:0 0 6px}
.filters button{background:#2a2a2a;color:#eee;border:1px solid #555;border-radius:14px;
 padding:4px 12px;margin:4px 6px 0 0;cursor:pointer}
.filters button[aria-pressed=true]{background:#e0a800;color:#111;border-color:#e0a800}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px;padding:20px}
article{background:#1d1d1d;border:1px solid #333;border-radius:8px;overflow:hidden}
video{width:100%;display:block;background:#000;aspect-ratio:16/9}
.meta{padding:8px 10px}.meta b{color:#e0a800}.text{color:#bbb;font-size:13px}
.tag{display:inline-block;font-size:12px;padding:1px 7px;border-radius:9px;background:#333}
"""

_SCRIPT = """
document.querySelectorAll('.filters button').forEach(function(b){
 b.addEventListener('click',function(){
  document.querySelectorAll('.filters button').forEach(function(x){
   x.setAttribute('aria-pressed','false')});
  b.setAttribute('aria-pressed','true');
  var want=b.dataset.bucket;
  document.querySelectorAll('article').forEach(function(a){
   a.hidden = want!=='all' && a.dataset.bucket!==want;});
 });});
"""


def _fmt_time(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60.0)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{secs:04.1f}" if hours else f"{minutes}:{secs:04.1f}"


def _thumb_uri(path: Path) -> str:
    if not path.exists():
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(path.read_bytes()).decode()


def _summary(clip: Mapping[str, Any]) -> str:
    """The manifest's one-line ``summary``; formatted here only for manifests older than it."""
    if clip.get("summary"):
        return str(clip["summary"])
    return play_summary(PlayFacts.from_dict(clip), float(clip.get("snap", clip["start"])))


def _card(clip: Mapping[str, Any], folder: Path) -> str:
    bucket = str(clip.get("bucket") or "unassigned")
    poster = _thumb_uri(folder / str(clip["thumb"]))
    text = html.escape(str(clip.get("text") or ""))
    return (
        f'<article data-bucket="{html.escape(bucket)}" id="{html.escape(str(clip["id"]))}">'
        f'<video controls preload="none" src="{html.escape(str(clip["file"]))}" '
        f'poster="{poster}" aria-label="clip {html.escape(str(clip["id"]))}"></video>'
        f'<div class="meta"><b>{html.escape(str(clip["id"]))}</b> '
        f'<span class="tag">{html.escape(bucket)}</span> '
        f'<span class="tag">score {float(clip.get("score", 0)):.0f}</span><br>'
        f"{_fmt_time(float(clip['start']))} – {_fmt_time(float(clip['end']))} "
        f"({float(clip['duration']):.1f} s)<br>{html.escape(_summary(clip))}"
        f'<div class="text">{text}</div></div></article>'
    )


def render_report(manifest: Mapping[str, Any], folder: Path) -> str:
    """The report page for a manifest whose files live under ``folder``."""
    clips: Sequence[Mapping[str, Any]] = manifest.get("clips", [])
    counts = {k: v for k, v in manifest.get("bucket_counts", {}).items() if v}
    buttons = [f'<button data-bucket="all" aria-pressed="true">all ({len(clips)})</button>']
    buttons += [
        f'<button data-bucket="{html.escape(k)}" aria-pressed="false">'
        f"{html.escape(k)} ({v})</button>"
        for k, v in counts.items()
    ]
    source = html.escape(str(manifest.get("source_url", "")))
    meta = html.escape(json.dumps(manifest.get("detector_meta", {})))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>Cutups report</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{len(clips)} clips</h1><div>{source}</div>"
        f'<div class="filters" role="group" aria-label="bucket filter">{"".join(buttons)}</div>'
        f"</header><main>{''.join(_card(c, folder) for c in clips)}</main>"
        f'<footer hidden data-meta="{meta}"></footer><script>{_SCRIPT}</script></body></html>'
    )


def write_report(manifest: Mapping[str, Any], folder: Path) -> Path:
    """Write ``report.html`` into ``folder`` and return its path."""
    path = folder / "report.html"
    path.write_text(render_report(manifest, folder), encoding="utf-8")
    return path
