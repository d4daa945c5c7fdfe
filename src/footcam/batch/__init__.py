"""Batch: a whole folder of clips, in parallel, resumable, one failure never stopping the rest.

``run_batch(DIR, OUT, config)`` finds every video under DIR, skips clips whose folder under OUT
already holds the same analysis (same input sha256, configuration, footcam version and model),
runs the rest on local worker processes or a Dask cluster, and writes OUT/failures.csv,
OUT/summary.csv and OUT/index.html. See docs/batch.md.
"""
from ._discover import Clip, discover, output_rel
from ._local import default_workers
from ._progress import LogProgress, NoProgress, Progress
from ._resume import Expected, check_done
from ._run import BatchResult, run_batch
from ._task import ClipJob, ClipResult

__all__ = ["BatchResult", "Clip", "ClipJob", "ClipResult", "Expected", "LogProgress", "NoProgress",
           "Progress", "check_done", "default_workers", "discover", "output_rel", "run_batch"]
