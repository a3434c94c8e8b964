"""The job service's core: durable jobs, workers, checkpoints, webhooks.

::

    models.py        Job, JobStatus (queued → processing → completed | failed | canceled), Stage
    store.py         JobStore protocol, MemoryJobStore, the pure state transitions both use
    sql_store.py     SqlJobStore: the queries and job logic both SQL stores share
    sqlite_store.py  SqliteJobStore: one WAL file, BEGIN IMMEDIATE claims, event log
    postgres_store.py PostgresJobStore: SKIP LOCKED claims, row locks; open_store picks one
    spec.py          a stored request read back (the seed's option names → PlaysParams)
    runner.py        one attempt at a job: fetch once, run_plays(resume=True), settle the outcome
    worker.py        worker threads with a lease keeper (heartbeat, cancel, time limit)
    service.py       store + workers + watchdog + webhooks, started and stopped as one
    webhooks.py      Standard Webhooks signing, background delivery with retries
    progress.py      pipeline stages → public stage, monotone pct, EMA ETA
    logs.py          JSON log lines stamped with the job id
    orphans.py       ffmpeg processes a killed server left behind
"""

from __future__ import annotations

from cutups.extras import require_extra

require_extra("service", __name__)
