"""Where the service keeps files: the data-dir layout, uploads, published outputs.

::

    layout.py     DataLayout (jobs.db, uploads/, jobs/<id>/{work,out}), disk-space checks
    uploads.py    UploadStore: uploads written chunk by chunk, size-limited, expired by age
    artifacts.py  ArtifactStore protocol (the seed's storage layer); LocalArtifacts
"""

from __future__ import annotations

from cutups.extras import require_extra

require_extra("service", __name__)
