"""footcam's version: one place, imported by every module that records it (no import of the
package itself, so no module imports back into footcam/__init__)."""

__version__ = "0.1.0"
