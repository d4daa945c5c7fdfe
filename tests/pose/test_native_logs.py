"""MediaPipe's native log lines (TFLite/absl start-up, ``NORM_RECT`` and alignment warnings
during inference, ``DestroyAccelerator`` at close) never reach footcam's stderr; with
FOOTCAM_NATIVE_LOGS=1 they do. Run as real subprocesses: the lines are written to file
descriptor 2 by C++, which no Python-level capture (CliRunner, capsys) would see."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO, SYNTH, need

pytestmark = pytest.mark.slow

SAMPLE = REPO / "sample_videos" / "normal_side.mp4"
#: absl/glog lines (``W0000 00:00:17... file.cc:81] ...``), LiteRT's ``INFO: [file.cc:43] ...``,
#: ``WARNING: Logging before InitGoogle()``, and the names seen escaping before
NATIVE = re.compile(r"^(?:[IWEF]\d{4} \d\d:\d\d:\d\d|(?:INFO|WARNING|ERROR): \[?[\w./-]+\.cc:\d+\]"
                    r"|WARNING: Logging before InitGoogle)|DestroyAccelerator|NORM_RECT"
                    r"|RegisterAccelerator|XNNPACK|LiteRt", re.M)


def _footcam(*args: str, native: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("FOOTCAM_NATIVE_LOGS", None)
    if native:
        env["FOOTCAM_NATIVE_LOGS"] = "1"
    code = "import sys; from footcam.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, timeout=600)


def _native_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if NATIVE.search(line)]


def test_analyze_stderr_has_no_native_line(tmp_path):
    r = _footcam("analyze", str(SAMPLE), "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert _native_lines(r.stderr) == []
    # footcam's own log still gets through (it is written while no native call runs)
    assert "stills in stills/" in r.stderr


def test_native_lines_show_with_footcam_native_logs(tmp_path):
    """The pattern above is real: the same run with FOOTCAM_NATIVE_LOGS=1 shows the lines."""
    r = _footcam("analyze", str(SAMPLE), "-o", str(tmp_path / "out"), native=True)
    assert r.returncode == 0, r.stderr
    lines = _native_lines(r.stderr)
    assert any("DestroyAccelerator" in line for line in lines), r.stderr[-2000:]


def test_validate_stderr_has_no_native_line():
    r = _footcam("validate", str(REPO / "sample_videos"), "--only", "normal_side")
    assert r.returncode == 0, r.stderr
    assert _native_lines(r.stderr) == []
    assert "validating normal_side" in r.stderr


@pytest.mark.parametrize("clip", [SYNTH / "normal_front" / "normal_front.mp4",
                                  SYNTH / "normal_back" / "normal_back.mp4"])
def test_analyze_shared_clips_stderr_has_no_native_line(tmp_path, clip):
    """The front clip logged NORM_RECT and an alignment warning mid-clip before."""
    r = _footcam("analyze", str(need(Path(clip))), "-o", str(tmp_path / "out"), "-q")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
