"""The report checked for real: opened in headless Chromium (Debian's ``chromium``), which must
see no console error, no uncaught exception, no dialog and no network request; screenshotted;
printed to an A4 PDF with nothing wider than the page.

Skips when Chromium is not installed (a user's machine); CI installs it (``.ci/run``).
Set FOOTCAM_REPORT_SHOTS=<folder> to keep the screenshots and PDFs for a look.
"""
from __future__ import annotations

import os
import re
import shutil
import struct
from pathlib import Path

import pytest

from footcam.report.html import write_report

from .chromium import A4_PRINTABLE_PX, ChromiumError, find_chromium, open_page
from .conftest import HOSTILE, set_name

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian: apt-get install chromium); "
                                                         "CI installs it")

#: what the page looks like once loaded, gathered in the browser
CHECKS_JS = """(() => ({
  title: document.title,
  h1: document.querySelector('h1') && document.querySelector('h1').textContent,
  h1_count: document.querySelectorAll('h1').length,
  scripts: document.scripts.length,
  images: [...document.images].map(i => ({complete: i.complete, w: i.naturalWidth})),
  curves: document.querySelectorAll('svg.curve').length,
  curve_widths: [...document.querySelectorAll('svg.curve')].map(s => Math.round(s.getBoundingClientRect().width)),
  timeline_w: (document.querySelector('svg.timeline') || {getBoundingClientRect: () => ({width: 0})}).getBoundingClientRect().width,
  nones: [...document.querySelectorAll('.none')].map(e => e.textContent),
  body_font_px: parseFloat(getComputedStyle(document.body).fontSize),
}))()"""


def _png_wh(b: bytes) -> tuple[int, int]:
    assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", b[16:24])


def _keep(run, name: str, tmp_path: Path) -> Path:
    out = Path(os.environ.get("FOOTCAM_REPORT_SHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.png").write_bytes(run.screenshot_png)
    (out / f"{name}.print.png").write_bytes(run.print_screenshot_png)
    (out / f"{name}.pdf").write_bytes(run.pdf)
    return out


def _a4_pages(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def _assert_clean(run):
    assert run.errors == [], f"console errors: {run.errors}"
    assert run.requests == [], f"network requests: {run.requests}"
    assert run.dialogs == [], f"dialogs opened: {run.dialogs}"


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("full") / "clip"
    shutil.copytree(Path(__file__).parent / "data" / "clip", d)
    path = write_report(d)
    return open_page(path, binary=CHROMIUM, checks_js=CHECKS_JS), d


def test_full_report_opens_offline_without_errors(full_run, tmp_path):
    run, d = full_run
    out = _keep(run, "full", tmp_path)
    _assert_clean(run)
    f = run.facts
    assert f["title"] == "footcam report: restricted_ankle_compensated_side.mp4"
    assert f["scripts"] == 0 and f["h1_count"] == 1
    assert len(f["images"]) == 2 and all(i["complete"] and i["w"] > 0 for i in f["images"]), \
        f"stills did not decode: {f['images']}"
    assert f["curves"] == 4 and min(f["curve_widths"]) >= 300, "curves missing or squeezed"
    assert f["timeline_w"] > 600
    assert f["nones"] == [], f"a complete folder must not say data is missing: {f['nones']}"
    w, h = _png_wh(run.screenshot_png)
    assert w == 1100 and h > 2000, f"screenshot {w}x{h} in {out}"


def test_full_report_prints_on_a4(full_run):
    run, _ = full_run
    assert run.pdf.startswith(b"%PDF")
    pages = _a4_pages(run.pdf)
    assert 2 <= len(pages) <= 8, f"{len(pages)} pages"
    for w, h in pages:
        assert w == pytest.approx(595.3, abs=1.5) and h == pytest.approx(841.9, abs=1.5), "not A4"
    assert run.print_overflow == [], f"wider than A4 in print: {run.print_overflow}"
    w, _ = _png_wh(run.print_screenshot_png)
    assert w == A4_PRINTABLE_PX


def test_hostile_clip_name_is_shown_verbatim_and_runs_nothing(tmp_path):
    d = tmp_path / "clip"
    shutil.copytree(Path(__file__).parent / "data" / "clip", d)
    set_name(d, HOSTILE)
    run = open_page(write_report(d), binary=CHROMIUM, checks_js=CHECKS_JS)
    _keep(run, "hostile", tmp_path)
    # an unescaped <script> would open a dialog, an unescaped <img src=x> would request a file
    _assert_clean(run)
    assert run.facts["h1"] == HOSTILE
    assert run.facts["title"] == f"footcam report: {HOSTILE}"
    assert run.facts["scripts"] == 0 and run.facts["h1_count"] == 1
    assert len(run.facts["images"]) == 2


def test_bare_folder_says_what_is_missing(tmp_path):
    d = tmp_path / "clip"
    d.mkdir()
    src = Path(__file__).parent / "data" / "clip"
    for name in ("analysis.json", "angles.csv"):
        shutil.copy(src / name, d / name)
    run = open_page(write_report(d), binary=CHROMIUM, checks_js=CHECKS_JS)
    _keep(run, "bare", tmp_path)
    _assert_clean(run)
    nones = " | ".join(run.facts["nones"])
    assert "no gait events: events.csv is missing (rerun footcam analyze)" in nones
    assert "no findings" in nones and "no still frames" in nones
    assert run.print_overflow == []


def test_the_check_catches_requests_errors_and_dialogs(tmp_path):
    """The check itself can fail: a page that fetches, logs an error, throws and alerts."""
    bad = tmp_path / "bad.html"
    bad.write_text("""<!DOCTYPE html><html><head><meta charset="utf-8">
        <link rel="stylesheet" href="https://cdn.example.invalid/x.css"></head><body>
        <img src="http://example.invalid/pixel.png"><img src="other.png">
        <script>console.error("boom"); alert("hi"); throw new Error("uncaught");</script>
        </body></html>""", encoding="utf-8")
    run = open_page(bad, binary=CHROMIUM)
    assert any(u.startswith("https://cdn.example.invalid") for u in run.requests)
    assert any(u.startswith("http://example.invalid") for u in run.requests)
    assert any(u.endswith("/other.png") and u.startswith("file://") for u in run.requests)
    assert any("boom" in e for e in run.errors)
    assert any("uncaught" in e for e in run.errors)
    assert run.dialogs == ["hi"]


def test_missing_chromium_is_a_clear_error(tmp_path):
    with pytest.raises((ChromiumError, OSError)):
        open_page(tmp_path / "x.html", binary=str(tmp_path / "no-such-chromium"))
