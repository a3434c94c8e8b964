"""Where the service keeps files: the data-dir layout, uploads, published outputs.

::

    layout.py     DataLayout (jobs.db, uploads/, jobs/<id>/{work,out}), disk-space checks
    uploads.py    UploadStore: uploads written chunk by chunk, size-limited, expired by age
    artifacts.py  ArtifactStore protocol (the seed's storage layer); LocalArtifacts
    s3.py         S3Artifacts: outputs in a bucket, uploaded as made, served by presigned URLs
    checkpoints.py  a job's checkpoints in the bucket, so it resumes on any machine
    direct_uploads.py  uploads PUT straight to the bucket with a presigned URL (seed 001)
"""

from __future__ import annotations

from cutups.extras import require_extra

require_extra("service", __name__)
