"""Overlay stage: the annotated video (``overlay.mp4``) and key-frame stills, drawn from a
finished analysis folder without running pose estimation again.

- :func:`render_overlay` — ``overlay.mp4``: skeleton, joint angles with arcs, a live strip
  chart, gait-event markers, findings; H.264 that plays in browsers and on phones.
- :func:`write_stills` — ``stills/*.png`` at each heel strike and toe off, for the report.
"""
from .render import OVERLAY_NAME, AnalysisFolderError, render_overlay
from .stills import write_stills

__all__ = ["OVERLAY_NAME", "AnalysisFolderError", "render_overlay", "write_stills"]
