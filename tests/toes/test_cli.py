"""`footcam toes` through Click: exit codes, outputs, exact error text."""
from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from footcam.cli import main


def test_photo_writes_json_and_png(synth_photo, tmp_path):
    path, truth = synth_photo
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["toes", str(path), "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    d = json.loads((out / "toes.json").read_text())
    assert d["schema_version"] == "1.0"
    assert d["foot"]["side"] == "right"
    assert abs(d["foot"]["foot_length_mm"] - truth.foot_length_mm) < 3
    assert abs(d["foot"]["splay_angle_deg"] - truth.splay_angle_deg) < 3
    assert 0 < d["confidence"] <= 1 and isinstance(d["warnings"], list)
    assert (out / "toes.png").stat().st_size > 10_000
    assert "splay (hallux-5th)" in r.stdout
    assert not list(out.glob(".*.tmp"))                 # atomic writes leave no temp files


def test_json_flag_prints_the_json(synth_photo, tmp_path):
    path, _ = synth_photo
    r = CliRunner().invoke(main, ["toes", str(path), "-o", str(tmp_path), "--json", "-q",
                                  "--no-overlay"])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["foot"]["toes_separated"] == 5
    assert not (tmp_path / "toes.png").exists()


def test_no_sheet_is_a_clean_error(tmp_path):
    import cv2

    p = tmp_path / "floor.jpg"
    cv2.imwrite(str(p), np.full((800, 600, 3), (60, 95, 140), np.uint8))
    r = CliRunner().invoke(main, ["toes", str(p), "-q", "-o", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {p}: no paper sheet found: expected a white A4 sheet")
    assert "Traceback" not in r.output


def test_not_an_image(tmp_path):
    p = tmp_path / "notes.jpg"
    p.write_text("hello")
    r = CliRunner().invoke(main, ["toes", str(p), "-q"])
    assert r.exit_code == 1
    assert r.stderr == f"Error: {p}: not a readable image (expected a JPEG/PNG photo of a foot on paper)\n"
