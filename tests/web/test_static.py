"""The page's files as a real ``cutups serve`` sends them: every ES module with a JavaScript
MIME type, each import resolving to a served file, nothing outside the static folders, and the
package data listing every folder (so ``pip install .`` ships the page whole)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import httpx

from cutups.web import STATIC_DIR, SUBFOLDERS
from tests.api.conftest import Server

IMPORT = re.compile(r'^import [^;]*? from "\./([\w-]+\.js)";', re.MULTILINE | re.DOTALL)
ROOT = Path(__file__).resolve().parents[2]


def test_every_module_is_served_as_javascript(web_server: Server) -> None:
    page = httpx.get(f"{web_server.url}/").text
    assert '<script type="module" src="static/js/main.js"></script>' in page
    modules = sorted((STATIC_DIR / "js").glob("*.js"))
    assert len(modules) >= 10
    reached: set[str] = set()
    todo = ["main.js"]
    while todo:  # follow the imports from main.js: each one is served, and every file is used
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        answer = httpx.get(f"{web_server.url}/static/js/{name}")
        assert answer.status_code == 200, name
        assert answer.headers["content-type"] == "text/javascript; charset=utf-8"
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        todo += IMPORT.findall(answer.text)
    assert reached == {m.name for m in modules}


def test_nothing_else_is_served(web_server: Server) -> None:
    for path in (
        "/static/js/nope.js",
        "/static/css/app.css",
        "/static/js/..%2Fapp.css",
        "/static/..%2F__init__.py",
        "/static/js/main.py",
    ):
        answer = httpx.get(f"{web_server.url}{path}")
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] == "not_found", path
    assert httpx.get(f"{web_server.url}/static/app.css").status_code == 200


def test_package_data_lists_every_static_folder() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = set(data["tool"]["setuptools"]["package-data"]["cutups"])
    folders = {p.name for p in STATIC_DIR.iterdir() if p.is_dir()}
    assert folders == SUBFOLDERS
    assert {"web/static/*"} | {f"web/static/{f}/*" for f in folders} <= globs
