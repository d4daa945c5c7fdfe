"""pose stage: the only package that imports mediapipe.

Importing it first switches MediaPipe's usage reports off (``network.py``), so that they are
off before ``libmediapipe.so`` is loaded by any module of the package.
"""
from .network import block_usage_reports

block_usage_reports()
