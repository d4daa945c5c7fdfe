"""Overlay stage: the annotated video (``overlay.mp4``) and key-frame stills, drawn from a
finished analysis folder without running pose estimation again.

- :func:`render_overlay` — ``overlay.mp4``: skeleton, joint angles with arcs, a live strip
  chart, gait-event markers, findings; H.264 that plays in browsers and on phones.
- :func:`write_stills` — ``stills/*.png`` at each heel strike and toe off, for the report.

Both passes draw from :mod:`.frames` (the folder joined with the decoded video, and the
painter of one frame); the folder is read through :class:`footcam.results.ClipResult`.
"""
from .render import OVERLAY_NAME, render_overlay
from .stills import write_stills

__all__ = ["OVERLAY_NAME", "render_overlay", "write_stills"]
