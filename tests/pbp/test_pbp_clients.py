"""CFBD and ESPN clients against a real HTTP server on 127.0.0.1 (see ``conftest.fake_api``)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cutups.errors import ConfigError, ExternalServiceError, PbpError
from cutups.pbp import CfbdClient, EspnClient, PlayKind
from cutups.remote import RetryPolicy
from cutups.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
KEY = "test-key-123"
FAST = RetryPolicy(max_retries=2, backoff=0.01, max_wait=1.0)


def _json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def cfbd(fake_api: Any, tmp_path: Path) -> Iterator[CfbdClient]:
    fake_api.token = KEY
    fake_api.route("/plays", fake_api.reply.json(_json("cfbd_plays_v1.json")))
    fake_api.route("/games", fake_api.reply.json(_json("cfbd_games_v2.json")))
    with CfbdClient(KEY, fake_api.url, tmp_path / "cache", retry=FAST, timeout=2.0) as client:
        yield client


@pytest.fixture
def espn(fake_api: Any, tmp_path: Path) -> Iterator[EspnClient]:
    fake_api.route("/site/summary", fake_api.reply.json(_json("espn_summary.json")))
    with EspnClient(f"{fake_api.url}/site", tmp_path / "cache", retry=FAST) as client:
        yield client


# -- success and caching ------------------------------------------------------------------------


def test_plays_sends_bearer_and_params(cfbd: CfbdClient, fake_api: Any) -> None:
    rows = cfbd.plays(2030, 2, "Michigan")
    assert len(rows) == 14
    (request,) = fake_api.requests
    assert request.path == "/plays"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.query == {
        "year": "2030",
        "week": "2",
        "team": "Michigan",
        "seasonType": "regular",
    }


def test_second_call_is_served_from_cache(cfbd: CfbdClient, fake_api: Any, tmp_path: Path) -> None:
    first = cfbd.plays(2030, 2, "Michigan")
    assert cfbd.plays(2030, 2, "Michigan") == first
    assert fake_api.count("/plays") == 1
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 1
    cfbd.plays(2030, 3, "Michigan")  # other parameters: another request
    assert fake_api.count("/plays") == 2
    cfbd.plays(2030, 2, "Michigan", refresh=True)
    assert fake_api.count("/plays") == 3


def test_cache_survives_a_new_client(fake_api: Any, tmp_path: Path) -> None:
    fake_api.route("/plays", fake_api.reply.json(_json("cfbd_plays_v1.json")))
    for _ in range(2):
        with CfbdClient(KEY, fake_api.url, tmp_path) as client:
            client.plays(2030, 2)
    assert fake_api.count() == 1


def test_corrupt_cache_file_is_refetched(cfbd: CfbdClient, fake_api: Any, tmp_path: Path) -> None:
    cfbd.plays(2030, 2)
    (cached,) = (tmp_path / "cache").rglob("*.json")
    cached.write_text("{torn")
    assert len(cfbd.plays(2030, 2)) == 14
    assert fake_api.count() == 2


def test_no_cache_dir_means_no_cache(fake_api: Any) -> None:
    fake_api.route("/plays", fake_api.reply.json([]))
    with CfbdClient(KEY, fake_api.url, None) as client:
        client.plays(2030, 2)
        client.plays(2030, 2)
    assert fake_api.count() == 2


def test_game_plays_resolves_week_and_filters_rows(cfbd: CfbdClient, fake_api: Any) -> None:
    rows = _json("cfbd_plays_v1.json")
    stranger = [{**row, "game_id": 900000009, "id": "9" + row["id"][1:]} for row in rows[:4]]
    fake_api.route("/plays", fake_api.reply.json(stranger + rows))
    game = cfbd.game_plays(900000001)
    assert game.game_id == "900000001" and len(game.plays) == 14
    assert (game.home.name, game.away.name) == ("Michigan", "Texas")
    games_request, plays_request = fake_api.requests
    assert games_request.query == {"id": "900000001"}
    assert plays_request.query == {
        "year": "2030",
        "week": "2",
        "team": "Michigan",
        "seasonType": "regular",
    }


def test_game_info(cfbd: CfbdClient) -> None:
    info = cfbd.game("900000001")
    assert (info.season, info.week, info.season_type) == (2030, 2, "regular")
    assert (info.home, info.away) == ("Michigan", "Texas")


def test_unknown_game_is_pbp_error(cfbd: CfbdClient, fake_api: Any) -> None:
    fake_api.route("/games", fake_api.reply.json([]))
    with pytest.raises(PbpError, match="no game with id 42"):
        cfbd.game_plays(42)


def test_game_without_plays_is_pbp_error(cfbd: CfbdClient, fake_api: Any) -> None:
    fake_api.route("/plays", fake_api.reply.json([]))
    with pytest.raises(PbpError, match="no plays for game 900000001"):
        cfbd.game_plays(900000001)


def test_bad_arguments_are_config_errors(cfbd: CfbdClient) -> None:
    with pytest.raises(ConfigError):
        cfbd.plays(2030, 1, season_type="spring")
    with pytest.raises(ConfigError):
        cfbd.game("../etc")


def test_espn_summary_and_game(espn: EspnClient, fake_api: Any) -> None:
    game = espn.game(900000004)
    assert game.source == "espn_summary"
    assert any(p.kind is PlayKind.KICK for p in game.plays)
    (request,) = fake_api.requests
    assert (request.path, request.query) == ("/site/summary", {"event": "900000004"})
    assert "authorization" not in request.headers
    espn.summary("900000004")
    assert fake_api.count() == 1  # a final game is cached


def test_espn_live_game_is_not_cached(espn: EspnClient, fake_api: Any) -> None:
    live = _json("espn_summary.json")
    live["header"]["competitions"][0]["status"]["type"] = {"state": "in", "completed": False}
    fake_api.route("/site/summary", fake_api.reply.json(live))
    espn.summary(1)
    espn.summary(1)
    assert fake_api.count() == 2


# -- failures -----------------------------------------------------------------------------------


def test_wrong_key_is_rejected_without_retry(fake_api: Any, tmp_path: Path) -> None:
    fake_api.token = KEY
    with (
        CfbdClient("wrong", fake_api.url, tmp_path, retry=FAST) as client,
        pytest.raises(ExternalServiceError, match="CFBD rejected the API key") as caught,
    ):
        client.plays(2030, 1)
    assert (caught.value.service, caught.value.status) == ("cfbd", 401)
    assert "CUTUPS_CFBD_API_KEY" in str(caught.value)
    assert fake_api.count() == 1


def test_429_then_200_honours_retry_after(cfbd: CfbdClient, fake_api: Any) -> None:
    fake_api.script(
        "/plays", fake_api.reply.json({"message": "slow down"}, 429, **{"Retry-After": "0.3"})
    )
    started = time.monotonic()
    assert len(cfbd.plays(2030, 2)) == 14
    assert time.monotonic() - started >= 0.28
    assert fake_api.count("/plays") == 2


def test_retry_after_is_capped(fake_api: Any, tmp_path: Path) -> None:
    fake_api.route("/plays", fake_api.reply.json([]))
    fake_api.script("/plays", fake_api.reply.json({}, 429, **{"Retry-After": "3600"}))
    waits: list[float] = []
    policy = RetryPolicy(max_retries=1, backoff=0.01, max_wait=0.05)
    with CfbdClient(KEY, fake_api.url, tmp_path, retry=policy, sleep=waits.append) as client:
        assert client.plays(2030, 2) == []
    assert waits == [0.05]


def test_429_forever_gives_up(cfbd: CfbdClient, fake_api: Any) -> None:
    fake_api.route("/plays", fake_api.reply.json({}, 429, **{"Retry-After": "0"}))
    with pytest.raises(ExternalServiceError, match="rate-limiting") as caught:
        cfbd.plays(2030, 2)
    assert caught.value.status == 429
    assert fake_api.count() == FAST.max_retries + 1


def test_500s_give_up_after_bounded_retries(cfbd: CfbdClient, fake_api: Any) -> None:
    fake_api.route("/plays", fake_api.reply(500, b"oops"))
    with pytest.raises(ExternalServiceError, match="CFBD answered HTTP 500") as caught:
        cfbd.plays(2030, 2)
    assert (caught.value.service, caught.value.status) == ("cfbd", 500)
    assert fake_api.count() == FAST.max_retries + 1


def test_500s_then_success(cfbd: CfbdClient, fake_api: Any) -> None:
    fake_api.script("/plays", fake_api.reply(502, b""), fake_api.reply(503, b""))
    assert len(cfbd.plays(2030, 2)) == 14
    assert fake_api.count() == 3


def test_backoff_doubles(fake_api: Any, tmp_path: Path) -> None:
    fake_api.route("/plays", fake_api.reply(500, b""))
    waits: list[float] = []
    policy = RetryPolicy(max_retries=3, backoff=0.5, max_wait=1.5)
    with (
        CfbdClient(KEY, fake_api.url, tmp_path, retry=policy, sleep=waits.append) as client,
        pytest.raises(ExternalServiceError),
    ):
        client.plays(2030, 2)
    assert waits == [0.5, 1.0, 1.5]


def test_404_is_not_retried(espn: EspnClient, fake_api: Any) -> None:
    fake_api.route("/site/summary", fake_api.reply.json({"code": 404}, 404))
    with pytest.raises(ExternalServiceError, match="HTTP 404") as caught:
        espn.summary(5)
    assert (caught.value.service, caught.value.status) == ("espn", 404)
    assert fake_api.count() == 1


def test_non_json_answer(espn: EspnClient, fake_api: Any) -> None:
    fake_api.route(
        "/site/summary", fake_api.reply(200, b"<html>hi</html>", {"Content-Type": "text/html"})
    )
    with pytest.raises(ExternalServiceError, match="non-JSON"):
        espn.summary(5)


def test_espn_json_of_the_wrong_shape(espn: EspnClient, fake_api: Any) -> None:
    fake_api.route("/site/summary", fake_api.reply.json([1, 2]))
    with pytest.raises(ExternalServiceError, match="other than a JSON object"):
        espn.summary(5)


def test_espn_forbidden(espn: EspnClient, fake_api: Any) -> None:
    fake_api.route("/site/summary", fake_api.reply.json({}, 403))
    with pytest.raises(ExternalServiceError, match="ESPN refused the request \\(HTTP 403\\)"):
        espn.summary(5)


def test_cfbd_json_of_the_wrong_shape(cfbd: CfbdClient, fake_api: Any) -> None:
    fake_api.route("/plays", fake_api.reply.json({"plays": []}))
    with pytest.raises(ExternalServiceError, match="other than a list"):
        cfbd.plays(2030, 9)


def test_timeout(fake_api: Any, tmp_path: Path) -> None:
    fake_api.route("/plays", fake_api.reply(200, b"[]", delay=0.6))
    policy = RetryPolicy(max_retries=1, backoff=0.01)
    with (
        CfbdClient(KEY, fake_api.url, tmp_path, retry=policy, timeout=0.15) as client,
        pytest.raises(ExternalServiceError, match=r"did not answer within 0\.15 s"),
    ):
        client.plays(2030, 2)
    assert fake_api.count() == 2


def test_unreachable_service(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        EspnClient(f"http://127.0.0.1:{port}", tmp_path, retry=FAST) as client,
        pytest.raises(ExternalServiceError, match="ESPN is unreachable"),
    ):
        client.summary(1)


# -- off unless configured ----------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "   "])
def test_cfbd_without_key_is_off(key: str | None) -> None:
    with pytest.raises(ConfigError, match="CUTUPS_CFBD_API_KEY"):
        CfbdClient(key, "http://127.0.0.1:9")


def test_cfbd_without_base_url_is_off() -> None:
    with pytest.raises(ConfigError, match="CUTUPS_CFBD_BASE_URL"):
        CfbdClient(KEY, "")


@pytest.mark.parametrize("base", [None, ""])
def test_espn_without_base_url_is_off(base: str | None) -> None:
    with pytest.raises(ConfigError, match="CUTUPS_ESPN_BASE_URL"):
        EspnClient(base)


def test_from_settings(monkeypatch: pytest.MonkeyPatch, fake_api: Any, tmp_path: Path) -> None:
    for name in ("CUTUPS_CFBD_API_KEY", "CFBD_API_KEY", "CUTUPS_ESPN_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CUTUPS_CACHE_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match="CUTUPS_CFBD_API_KEY"):
        CfbdClient.from_settings(Settings())
    with pytest.raises(ConfigError, match="CUTUPS_ESPN_BASE_URL"):
        EspnClient.from_settings(Settings())
    monkeypatch.setenv("CUTUPS_CFBD_API_KEY", KEY)
    monkeypatch.setenv("CUTUPS_CFBD_BASE_URL", fake_api.url)
    fake_api.token = KEY
    fake_api.route("/plays", fake_api.reply.json([]))
    with CfbdClient.from_settings(Settings()) as client:
        assert client.plays(2030, 1) == []
    assert list(tmp_path.rglob("*.json"))  # cached under the configured cache dir


def test_retry_policy_validation() -> None:
    with pytest.raises(ConfigError):
        RetryPolicy(max_retries=-1)
