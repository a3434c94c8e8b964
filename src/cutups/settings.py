"""One typed ``Settings`` object, read once at start-up by the CLI or the service.

Environment variables use the ``CUTUPS_`` prefix. For compatibility with the predecessor's
deployments, its un-prefixed names (``PLAY_PRE_PAD_SEC``, ``CFBD_API_KEY``, ...) are accepted too;
the prefixed name wins when both are set.

Nothing here is read at import time: build ``Settings()`` in an entry point and pass it down.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from cutups.cores import side_by_side
from cutups.errors import ConfigError

__all__ = ["Settings", "SpeechModelName", "default_cache_dir", "load_settings"]

SpeechModelName = Literal["whisper-base", "whisper-tiny.en"]
"""The Whisper models shipped with Cutups (see :mod:`cutups.speech.models`)."""


def _env(name: str, legacy: str | None = None) -> AliasChoices:
    names = [f"CUTUPS_{name}"]
    if legacy:
        names.append(legacy)
    return AliasChoices(*names)


def default_cache_dir() -> Path:
    """Where analysis signals are cached when nothing else is configured."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cutups"


class Settings(BaseSettings):
    """Every tunable of Cutups, with the environment variable that sets it."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    # -- clip windows (seed: PLAY_*_SEC) -------------------------------------------------------
    play_pre_pad_sec: float = Field(
        2.0, ge=0, le=30, validation_alias=_env("PLAY_PRE_PAD_SEC", "PLAY_PRE_PAD_SEC")
    )
    """Seconds of video kept before the snap. Left unset, clips start 0.5 to 3 s before it
    (preferably 2) so they can start on a keyframe; set for ``cutups run`` (here or with
    ``--pre``), within 0.5 s of it (see :mod:`cutups.recipes.windows`)."""
    play_post_pad_sec: float = Field(
        2.0, ge=0, le=30, validation_alias=_env("PLAY_POST_PAD_SEC", "PLAY_POST_PAD_SEC")
    )
    """Seconds of video kept after the whistle. Left unset, 1 to 4 s (preferably 2) so clips can
    end where a stream copy ends cleanly; set for ``cutups run`` (here or with ``--post``),
    within 0.5 s of it."""
    play_min_sec: float = Field(
        4.0, ge=0.5, le=120, validation_alias=_env("PLAY_MIN_SEC", "PLAY_MIN_SEC")
    )
    play_max_sec: float = Field(
        40.0, ge=1, le=600, validation_alias=_env("PLAY_MAX_SEC", "PLAY_MAX_SEC")
    )

    # -- processing ---------------------------------------------------------------------------
    jobs: int = Field(0, ge=0, le=64, validation_alias=_env("JOBS"))
    """Parallel processes for analysis (parts of the video side by side) and for cutting;
    0 means one per core."""
    cache_dir: Path = Field(default_factory=default_cache_dir, validation_alias=_env("CACHE_DIR"))
    """Analysis-signal cache (``.npz`` keyed by content hash + params + code version)."""
    data_dir: Path = Field(Path("cutups-data"), validation_alias=_env("DATA_DIR"))
    """Service data: job store, uploads, job outputs."""
    max_concurrency: int = Field(
        2, ge=1, le=64, validation_alias=_env("MAX_CONCURRENCY", "MAX_CONCURRENCY")
    )
    ffmpeg: str = Field("ffmpeg", validation_alias=_env("FFMPEG"))
    ffprobe: str = Field("ffprobe", validation_alias=_env("FFPROBE"))

    # -- confidence (seed: CONF_HIDE_THRESHOLD) -------------------------------------------------
    conf_hide_threshold: float = Field(
        40.0, ge=0, le=100, validation_alias=_env("CONF_HIDE_THRESHOLD", "CONF_HIDE_THRESHOLD")
    )

    # -- external services: all off unless configured --------------------------------------------
    cfbd_api_key: str | None = Field(None, validation_alias=_env("CFBD_API_KEY", "CFBD_API_KEY"))
    cfbd_base_url: str = Field(
        "https://api.collegefootballdata.com", validation_alias=_env("CFBD_BASE_URL")
    )
    espn_base_url: str | None = Field(None, validation_alias=_env("ESPN_BASE_URL"))
    """ESPN summary endpoint base; None keeps the ESPN client off."""
    pbp_clock_at: Literal["auto", "end", "snap"] = Field(
        "auto", validation_alias=_env("PBP_CLOCK_AT")
    )
    """Whether listed play clocks are end-of-play stamps (CFBD/ESPN since ~2005) or snap times;
    ``auto`` tries both and keeps the one that lines up with the video's clock."""

    # -- commentary recipe: the optional LLM writer and cloud voice are off unless configured ---
    commentary_llm_url: str | None = Field(None, validation_alias=_env("COMMENTARY_LLM_URL"))
    """Base URL of an OpenAI-compatible chat API (``.../v1``; ``/chat/completions`` is added).
    None: lines come from the templates alone."""
    commentary_llm_model: str = Field("default", validation_alias=_env("COMMENTARY_LLM_MODEL"))
    commentary_llm_api_key: str | None = Field(
        None, validation_alias=_env("COMMENTARY_LLM_API_KEY")
    )
    commentary_llm_timeout: float = Field(
        8.0, gt=0, le=120, validation_alias=_env("COMMENTARY_LLM_TIMEOUT")
    )
    """Seconds one line may take; a slower answer falls back to the template line."""
    commentary_tts_url: str | None = Field(None, validation_alias=_env("COMMENTARY_TTS_URL"))
    """Base URL of a text-to-speech service speaking ElevenLabs' API (``voice: cloud``)."""
    commentary_tts_api_key: str | None = Field(
        None, validation_alias=_env("COMMENTARY_TTS_API_KEY")
    )
    commentary_tts_voice_id: str = Field("", validation_alias=_env("COMMENTARY_TTS_VOICE_ID"))
    commentary_tts_model: str = Field(
        "eleven_flash_v2_5", validation_alias=_env("COMMENTARY_TTS_MODEL")
    )
    commentary_speech_parallel: int = Field(
        2, ge=1, le=16, validation_alias=_env("COMMENTARY_SPEECH_PARALLEL")
    )
    """Lines voiced at once (local voices share the cores; cloud services rate-limit)."""
    commentary_stream_detection: bool = Field(
        True, validation_alias=_env("COMMENTARY_STREAM_DETECTION")
    )
    """Without play-by-play, find the plays while the commentary is made (the first chunk
    comes after the first play, not after the whole video); false: analyse everything first."""
    commentary_fast_start: bool = Field(True, validation_alias=_env("COMMENTARY_FAST_START"))
    """The first play's first seconds (before its line) go out as a chunk of their own, so the
    stream starts sooner (that play then comes in several chunks); false: every play in
    one chunk. A job's ``fast_start`` option (``--fast-start/--no-fast-start``) overrides it."""

    recipe_modules: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias=_env("RECIPE_MODULES")
    )
    """Python modules that register more recipes when imported (comma-separated); the CLI,
    the server and every worker import them at start (:mod:`cutups.recipes.registry`)."""

    # == service (job server: `cutups serve`) ====================================================
    # Added for the job service (issue #5). Sizes are bytes, times seconds unless named otherwise.
    api_keys: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias=_env("API_KEYS"))
    """Bearer keys the API accepts (comma-separated in the environment); empty: no auth."""
    webhook_secret: str | None = Field(None, validation_alias=_env("WEBHOOK_SECRET"))
    """Standard Webhooks signing secret, ``whsec_<base64>``; None sends webhooks unsigned."""
    webhook_hmac_secret: str | None = Field(
        None, validation_alias=_env("WEBHOOK_HMAC_SECRET", "WEBHOOK_HMAC_SECRET")
    )
    """The predecessor's secret: adds its ``X-Webhook-Signature: sha256=<hex>`` header too."""
    allow_private_urls: bool = Field(False, validation_alias=_env("ALLOW_PRIVATE_URLS"))
    """Let video, presigned and webhook URLs reach private/loopback addresses (tests, LANs)."""
    public_url: str | None = Field(None, validation_alias=_env("PUBLIC_URL"))
    """Base URL clients reach the service at (result URLs); default: the bound host and port."""
    max_upload_bytes: int = Field(20 * 1024**3, ge=1, validation_alias=_env("MAX_UPLOAD_BYTES"))
    """Largest upload accepted by ``POST /upload``."""
    max_body_bytes: int = Field(8 * 1024**2, ge=1024, validation_alias=_env("MAX_BODY_BYTES"))
    """Largest request body of every other route (JSON): larger play-by-play goes through
    ``POST /upload?kind=pbp``. Refused with 413 before it is read (Content-Length) or as soon as
    a streamed body passes it."""
    max_download_bytes: int = Field(50 * 1024**3, ge=1, validation_alias=_env("MAX_DOWNLOAD_BYTES"))
    """Largest video a job downloads from a URL."""
    min_free_bytes: int = Field(1024**3, ge=0, validation_alias=_env("MIN_FREE_BYTES"))
    """Free disk kept in reserve: uploads and downloads that would eat into it are refused."""
    max_queue: int = Field(100, ge=1, validation_alias=_env("MAX_QUEUE"))
    """Queued jobs at most; ``POST /jobs`` answers 429 beyond it."""
    heartbeat_seconds: float = Field(5.0, gt=0, validation_alias=_env("HEARTBEAT_SECONDS"))
    """How often a worker renews the lease on its job."""
    lease_seconds: float = Field(30.0, gt=0, validation_alias=_env("LEASE_SECONDS"))
    """A job whose worker has not renewed for this long is taken over by another worker."""
    max_attempts: int = Field(3, ge=1, validation_alias=_env("MAX_ATTEMPTS"))
    """Claims of one job before a job whose worker keeps dying is failed (poison job)."""
    job_ttl_hours: float = Field(6.0, gt=0, validation_alias=_env("JOB_TTL_HOURS"))
    """A job still processing this long after it first started is stopped and failed."""
    sweep_seconds: float = Field(5.0, gt=0, validation_alias=_env("SWEEP_SECONDS"))
    """Distributed mode: how often the sweeper (in every worker and the API, one at a time)
    re-enqueues jobs whose lease ran out and queued jobs whose message may be lost."""
    requeue_grace_seconds: float = Field(60.0, gt=0, validation_alias=_env("REQUEUE_GRACE_SECONDS"))
    """Distributed mode: a job queued this long without being claimed gets a new message (its
    first may have been lost with a broker restart); a duplicate is dropped by the claim."""
    watchdog_seconds: float = Field(5.0, gt=0, validation_alias=_env("WATCHDOG_SECONDS"))
    """How often the watchdog looks for stalled, exhausted and overdue jobs."""
    upload_ttl_hours: float = Field(24.0, gt=0, validation_alias=_env("UPLOAD_TTL_HOURS"))
    """Uploads older than this are deleted by the watchdog."""
    download_retries: int = Field(4, ge=0, le=20, validation_alias=_env("DOWNLOAD_RETRIES"))
    """Times a dropped download is resumed (HTTP Range) before the job fails."""
    webhook_max_attempts: int = Field(5, ge=1, le=20, validation_alias=_env("WEBHOOK_MAX_ATTEMPTS"))
    webhook_timeout: float = Field(10.0, gt=0, validation_alias=_env("WEBHOOK_TIMEOUT"))
    webhook_backoff_seconds: float = Field(
        1.0, ge=0, validation_alias=_env("WEBHOOK_BACKOFF_SECONDS")
    )
    """First retry delay; doubles per attempt (with jitter), capped at 60 s."""
    sse_heartbeat_seconds: float = Field(15.0, gt=0, validation_alias=_env("SSE_HEARTBEAT_SECONDS"))
    """Seconds between keep-alive comments on an idle event stream."""
    worker_nice: int = Field(10, ge=0, le=19, validation_alias=_env("WORKER_NICE"))
    """How much nicer (lower CPU priority) the embedded workers run than the API, with their
    decoding threads and ffmpeg children (Linux): status polls stay fast while jobs run. 0: the
    same priority."""
    status_max_age: float = Field(0.25, ge=0, le=60, validation_alias=_env("STATUS_MAX_AGE"))
    """Seconds a status poll (``GET /jobs/{id}``) may answer from the API's snapshot of the job
    without reading the store again, when other processes write the store (PostgreSQL). Writes
    made in the API's process are seen at once; this bounds how late a change made by another
    process (a ``cutups worker``) shows. 0: read on every poll."""
    access_log: bool = Field(False, validation_alias=_env("ACCESS_LOG"))
    """Log every HTTP request (one JSON line each). Off by default: under load the line costs
    the event loop a tenth of a status poll, and the job log already says what each job did."""
    gdrive_base_url: str = Field(
        "https://drive.google.com", validation_alias=_env("GDRIVE_BASE_URL")
    )
    """Google Drive download host (overridable so a local server can stand in)."""
    test_cut_delay: float = Field(0.0, ge=0, le=60, validation_alias=_env("TEST_CUT_DELAY"))
    """TEST ONLY: seconds a worker sleeps after each finished clip, to make jobs slow enough to
    interrupt (kill/cancel tests). It delays the job, it never changes what is cut. Keep at 0."""

    @field_validator("api_keys", "recipe_modules", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(k.strip() for k in value.split(",") if k.strip())
        return value

    # == distributed / storage / metrics (issue #6: scale-out and operations) =====================
    database_url: str | None = Field(None, validation_alias=_env("DATABASE_URL"))
    """``postgresql://user:pass@host:port/db``: jobs live in PostgreSQL, shared by every server
    and worker. None keeps the embedded SQLite store in the data dir."""
    broker_url: str | None = Field(None, validation_alias=_env("BROKER_URL"))
    """``redis://host:port/0``: distributed mode. ``cutups serve`` only enqueues (no embedded
    workers) and ``cutups worker`` processes run the jobs (Celery on Redis). Needs
    ``database_url``. None: the embedded workers run jobs in the server process."""
    broker_visibility_timeout: float = Field(
        7 * 3600.0, ge=1, validation_alias=_env("BROKER_VISIBILITY_TIMEOUT")
    )
    """Seconds Redis keeps an unacknowledged job message before handing it to another worker:
    a backstop only (the sweeper re-enqueues a dead worker's job once its lease runs out). It
    must be longer than the longest job (``job_ttl_hours``, 6 h, plus a margin): Celery's
    default of 1 h would start a 3-hour job a second time while the first worker still runs it
    (the claim would drop that second message, but it should not have to)."""
    worker_concurrency: int = Field(1, ge=1, le=64, validation_alias=_env("WORKER_CONCURRENCY"))
    """Jobs one ``cutups worker`` process runs at once (seed 001: one job per worker)."""
    storage_backend: Literal["local", "s3"] = Field(
        "local", validation_alias=_env("STORAGE_BACKEND", "STORAGE_BACKEND")
    )
    """Where finished outputs go: ``local`` (the data dir, served by the API) or ``s3``."""
    s3_bucket: str | None = Field(None, validation_alias=_env("S3_BUCKET", "S3_BUCKET"))
    s3_endpoint_url: str | None = Field(None, validation_alias=_env("S3_ENDPOINT_URL"))
    """An S3-compatible endpoint (MinIO, ...); None for AWS. Credentials and region come from
    the standard AWS environment (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
    ``AWS_REGION``/``AWS_DEFAULT_REGION``, profiles, instance roles)."""
    s3_prefix: str = Field("cutups", validation_alias=_env("S3_PREFIX"))
    """Key prefix: objects are ``<prefix>/jobs/<job id>/<file>``."""
    s3_presign_seconds: int = Field(
        3600, ge=60, le=7 * 24 * 3600, validation_alias=_env("S3_PRESIGN_SECONDS")
    )
    """Lifetime of a presigned download URL; the API issues a fresh one on every request."""
    s3_upload_url_seconds: int = Field(
        3600, ge=60, le=7 * 24 * 3600, validation_alias=_env("S3_UPLOAD_URL_SECONDS")
    )
    """Lifetime of the presigned PUT URL ``POST /upload`` hands out for a direct upload (seed
    001: ephemeral, one hour); the upload itself is kept ``upload_ttl_hours``."""
    metrics_enabled: bool = Field(True, validation_alias=_env("METRICS_ENABLED"))
    """Serve Prometheus metrics at ``GET /metrics`` (no auth: bind it to a trusted network)."""
    worker_metrics_port: int | None = Field(
        None, ge=0, le=65535, validation_alias=_env("WORKER_METRICS_PORT")
    )
    """``cutups worker``: serve its own Prometheus metrics on this port (127.0.0.1)."""
    max_video_seconds: float = Field(6 * 3600.0, gt=0, validation_alias=_env("MAX_VIDEO_SECONDS"))
    """Longest video a job processes (checked after probing; longer ones fail with a message)."""

    # == speech and shorts planning (issue #19) ==================================================
    speech_model: SpeechModelName = Field("whisper-base", validation_alias=_env("SPEECH_MODEL"))
    """Local Whisper model, shipped in a pinned package and hash-checked (no download):
    ``whisper-base`` (multilingual, the default) or ``whisper-tiny.en`` (faster, English only)."""
    speech_beam_size: int = Field(5, ge=1, le=10, validation_alias=_env("SPEECH_BEAM_SIZE"))
    """Whisper's beam width. 1 (greedy) costs only ~15 % less CPU than 5 on 2 cores (the
    encoder, not the search, is most of the cost) and misheard more of the talking-head clips
    ("Europe ignores essential bank" for "European notes as central bank"), so 5 is kept."""
    speech_language: str | None = Field(None, validation_alias=_env("SPEECH_LANGUAGE"))
    """Force the spoken language (ISO 639-1); None detects it."""
    speech_align: bool = Field(True, validation_alias=_env("SPEECH_ALIGN"))
    """Re-time English words with the forced aligner (pocketsphinx, shipped and hash-checked):
    caption onsets within 100 ms 92 -> 100 % of aligned words on the espeak talk, ~1 % of real
    time in CPU. Off keeps Whisper's own times, snapped to pauses."""
    transcribe_url: str | None = Field(None, validation_alias=_env("TRANSCRIBE_URL"))
    """An OpenAI-compatible API root (``.../v1``) to transcribe with instead of the local
    model; None (the default) transcribes locally."""
    transcribe_api_key: str | None = Field(
        None, validation_alias=_env("TRANSCRIBE_API_KEY", "GROQ_API_KEY")
    )
    transcribe_model: str = Field(
        "whisper-large-v3-turbo", validation_alias=_env("TRANSCRIBE_MODEL", "TRANSCRIPTION_MODEL")
    )
    planner_url: str | None = Field(None, validation_alias=_env("PLANNER_URL"))
    """An OpenAI-compatible API root for the LLM clip planner; None (the default) plans locally.
    Any failure of the service falls back to the local planner."""
    planner_api_key: str | None = Field(
        None, validation_alias=_env("PLANNER_API_KEY", "OPENROUTER_API_KEY")
    )
    planner_model: str = Field(
        "google/gemini-2.5-flash", validation_alias=_env("PLANNER_MODEL", "GEMINI_MODEL")
    )

    def chosen(self, name: str) -> Any | None:
        """The field's value when it was set (environment, .env, argument), else None: tells
        a deliberate choice from a default, e.g. padding that keeps a narrow slack."""
        return getattr(self, name) if name in self.model_fields_set else None

    @property
    def workers(self) -> int:
        """Processes to run side by side: ``jobs``, or one per core when it is 0."""
        return side_by_side(self.jobs)

    @property
    def distributed(self) -> bool:
        """True when jobs run on ``cutups worker`` processes behind a broker."""
        return self.broker_url is not None


def load_settings() -> Settings:
    """The settings from the environment, for an entry point.

    Raises:
        ConfigError: a variable holds a value out of range; the message names it.
    """
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"bad setting {first['loc']}: {first['msg']}") from None
