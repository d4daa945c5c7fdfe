"""toes stage: toe splay and forefoot shape from a top-down photo or video of a bare foot on paper.

Pipeline: ``imageio`` (EXIF-upright photo, video frames) → ``sheet`` (corners, tilt, rectified
top view in mm) → ``segment`` (skin vs paper) → ``measure`` (pure numpy geometry) →
``outputs`` / ``draw`` (toes.json, annotated PNG).  ``synth`` draws ground-truth test photos.
"""
from .errors import FootPlacementError, SheetError, ToesError
from .pipeline import measure_frame, measure_photo, measure_video

#: free space asked for toes.json and toes.png: a bound for a 12-megapixel photo, whose annotated
#: picture (photo and side panel) is about 55 MB uncompressed
OUTPUT_BYTES = 64 << 20

__all__ = ["ToesError", "SheetError", "FootPlacementError", "measure_frame", "measure_photo",
           "measure_video", "run"]


def run(path, paper: str = "a4", out_dir=None, overlay: bool = True):
    """Measure a photo or video and write toes.json (+ toes.png); returns (json dict, paths)."""
    from pathlib import Path

    from .draw import annotate
    from .imageio import is_video, read_photo
    from .outputs import photo_json, summary_lines, video_json, write_outputs

    from .outputs import claim_toes_dir

    path = Path(path)
    if out_dir is not None:
        # before the work: the folder is footcam's (or new), writable, with room for the outputs
        claim_toes_dir(Path(out_dir), need_bytes=OUTPUT_BYTES)
    if is_video(path):
        v = measure_video(path, paper)
        d = video_json(path, v)
        img = None
        if overlay and v.best_active is not None:
            from .imageio import iter_video_frames

            i_act = v.best_active[0]
            for i, _, bgr in iter_video_frames(path):
                if i == i_act:
                    img = annotate(bgr, v.best_active[2], summary_lines(d)[:3])
                    break
    else:
        res, meta = measure_photo(path, paper)
        d = photo_json(path, res, meta)
        img = annotate(read_photo(path).bgr, res, summary_lines(d)[:5]) if overlay else None
    paths = write_outputs(Path(out_dir), d, img) if out_dir is not None else []
    return d, paths
