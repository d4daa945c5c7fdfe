"""The whole configuration: frozen dataclasses with defaults and validation, built once.

``Config.to_dict()`` is what analysis.json records, so a run can be reproduced.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from .errors import ConfigError

ROTATIONS = ("auto", "0", "90", "180", "270")


@dataclass(frozen=True)
class VideoConfig:
    #: "auto": honour the display matrix, then detect a picture rotated without metadata;
    #: "0"/"90"/"180"/"270": rotate the displayed picture clockwise by that much, no detection
    rotate: str = "auto"

    def __post_init__(self):
        if str(self.rotate) not in ROTATIONS:
            raise ConfigError(f"rotate must be one of {', '.join(ROTATIONS)}, got {self.rotate!r}")
        object.__setattr__(self, "rotate", str(self.rotate))


@dataclass(frozen=True)
class PoseConfig:
    model: str = "full"                  # a model name from `footcam models list`, or a .task path
    #: people the landmarker may track per frame; 0 = auto: one (faster, and on a one-person
    #: clip more reliable), re-run with two when MediaPipe switches between people
    num_poses: int = 0
    min_pose_detection_confidence: float = 0.5
    min_pose_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    #: "auto" follows the walker; an integer picks that track (as listed in analysis.json)
    person: str = "auto"
    #: side views: take each foot's angle from the picture (template tracking) instead of
    #: MediaPipe's heel and toe points alone
    refine_feet: bool = True

    def __post_init__(self):
        if not 0 <= int(self.num_poses) <= 10:
            raise ConfigError(f"num_poses must be 0 (auto) or 1..10, got {self.num_poses}")
        for f in ("min_pose_detection_confidence", "min_pose_presence_confidence", "min_tracking_confidence"):
            v = getattr(self, f)
            if not 0.0 <= float(v) <= 1.0:
                raise ConfigError(f"{f} must be within 0..1, got {v}")
        p = str(self.person)
        if p != "auto" and not p.isdigit():
            raise ConfigError(f"person must be 'auto' or a track number, got {self.person!r}")
        object.__setattr__(self, "person", p)


@dataclass(frozen=True)
class CleanConfig:
    min_visibility: float = 0.3          # landmarks below this visibility are masked (NaN)
    max_gap_s: float = 0.25              # gaps up to this long are filled; longer stay NaN
    fix_leg_swaps: bool = True           # keep left/right leg identity consistent
    filter: str = "butterworth"          # "butterworth" or "none"
    cutoff_hz: float = 6.0               # low-pass cut-off
    filter_order: int = 4                # Butterworth order (applied forward-backward: zero lag)
    resample_hz: float = 0.0             # uniform time base for filtering; 0 = the clip's median rate

    def __post_init__(self):
        if not 0.0 <= self.min_visibility <= 1.0:
            raise ConfigError(f"min_visibility must be within 0..1, got {self.min_visibility}")
        if self.max_gap_s < 0:
            raise ConfigError(f"max_gap_s must be >= 0, got {self.max_gap_s}")
        if self.filter not in ("butterworth", "none"):
            raise ConfigError(f"filter must be 'butterworth' or 'none', got {self.filter!r}")
        if self.filter == "butterworth" and self.cutoff_hz <= 0:
            raise ConfigError(f"cutoff_hz must be > 0, got {self.cutoff_hz}")
        if not 1 <= int(self.filter_order) <= 8:
            raise ConfigError(f"filter_order must be 1..8, got {self.filter_order}")
        if self.resample_hz < 0:
            raise ConfigError(f"resample_hz must be >= 0, got {self.resample_hz}")


@dataclass(frozen=True)
class SubjectConfig:
    #: standing height in centimetres: gives stride/step length and walking speed in metres
    #: (side views); None = no scale, no lengths
    height_cm: float | None = None

    def __post_init__(self):
        if self.height_cm is not None and not 50.0 <= float(self.height_cm) <= 250.0:
            raise ConfigError(f"height_cm must be within 50..250 cm, got {self.height_cm}")


@dataclass(frozen=True)
class Config:
    video: VideoConfig = field(default_factory=VideoConfig)
    pose: PoseConfig = field(default_factory=PoseConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    subject: SubjectConfig = field(default_factory=SubjectConfig)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Config":
        parts = {}
        for f in fields(cls):
            sub = d.get(f.name, {}) or {}
            typ = {"video": VideoConfig, "pose": PoseConfig, "clean": CleanConfig,
                   "subject": SubjectConfig}[f.name]
            known = {x.name for x in fields(typ)}
            unknown = set(sub) - known
            if unknown:
                raise ConfigError(f"unknown {f.name} option(s): {', '.join(sorted(unknown))}")
            parts[f.name] = typ(**sub)
        return cls(**parts)

    def with_options(self, **sections: dict[str, Any]) -> "Config":
        """A copy with some options changed, e.g. ``with_options(clean={"cutoff_hz": 8})``."""
        new = self
        for name, changes in sections.items():
            changes = {k: v for k, v in changes.items() if v is not None}
            if changes:
                new = replace(new, **{name: replace(getattr(new, name), **changes)})
        return new
