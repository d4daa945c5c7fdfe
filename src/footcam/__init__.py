"""footcam: gait kinematics from an ordinary phone video.

A measurement tool, never a diagnosis.
"""

__version__ = "0.1.0"
