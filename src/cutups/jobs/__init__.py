"""The job service's core: durable jobs, workers, checkpoints, webhooks.

::

    models.py        Job, JobStatus (queued → processing → completed | failed | canceled), Stage
    transitions.py   a job's state changes as pure functions; Selection: which jobs a query wants
    store.py         JobStore: every operation once, over a Reader/Writer; MemoryJobStore
    sql_store.py     SqlJobStore: tables, rows and queries both SQL stores share; their Dialect
    sqlite_store.py  SqliteJobStore: one WAL file, a connection per thread, BEGIN IMMEDIATE
    postgres_store.py PostgresJobStore: a connection pool, SKIP LOCKED claims; open_store
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
