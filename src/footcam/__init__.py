"""footcam: gait kinematics from an ordinary phone video.

A measurement tool, never a diagnosis.

From Python (see the README's "Using footcam from Python")::

    import footcam
    a = footcam.analyze("walk.mp4", "out/walk", height_cm=172)   # -> footcam.pipeline.Analysis
    a.angles["knee_flexion_deg_r"]                              # degrees, one row per frame
    r = footcam.open_results("out/walk")                         # read a folder back

Importing footcam is light: MediaPipe, PyAV and OpenCV load only when a clip is analysed.
"""

from ._version import __version__  # noqa: E402

from .api import analyze, open_results  # noqa: E402
from .config import Config  # noqa: E402

__all__ = ["Config", "__version__", "analyze", "open_results"]
