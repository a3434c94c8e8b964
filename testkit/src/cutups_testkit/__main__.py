"""``python -m cutups_testkit``: the same as the ``cutups-testkit`` command."""

from __future__ import annotations

from cutups_testkit.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
