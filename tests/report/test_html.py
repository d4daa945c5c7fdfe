"""report.html from a clip folder: every section present when its data is, a plain sentence when
it is not, nothing fetched, every name escaped, written atomically."""
from __future__ import annotations

import base64
import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from footcam.cli import main
from footcam.errors import ResultError
from footcam.findings.rules import KEY_VALUES
from footcam.kinematics.cycles import cycle_curves
from footcam.report import html as rh
from footcam.report import plots, view
from footcam.report.html import write_report
from footcam.report.view import curves_from_table, typical_band
from footcam.report.words import KEY_LABELS

from .conftest import HOSTILE, set_name


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text_in: dict[str, str] = {}
        self._stack: list[str] = []
        self.section_text: dict[str, str] = {}
        self._section: str | None = None
        self.feed(text)

    def handle_starttag(self, t, attrs):
        a = dict(attrs)
        self.tags.append((t, a))
        if t == "section":
            self._section = a.get("id")
        if a.get("id"):
            self._stack.append(a["id"])
            self.text_in.setdefault(a["id"], "")
        elif t not in ("meta", "link", "br", "img", "line", "rect", "path", "circle"):
            self._stack.append("")

    def handle_endtag(self, t):
        if self._stack and t not in ("meta", "link", "br", "img", "line", "rect", "path", "circle"):
            self._stack.pop()

    def handle_data(self, data):
        for i in self._stack:
            if i:
                self.text_in[i] += data
        if self._section:
            self.section_text[self._section] = self.section_text.get(self._section, "") + data

    def all(self, name, **attrs):
        return [a for t, a in self.tags if t == name and all(a.get(k) == v for k, v in attrs.items())]

    def with_class(self, cls):
        return [(t, a) for t, a in self.tags if cls in (a.get("class") or "").split()]


def render(folder: Path) -> tuple[str, Page]:
    path = write_report(folder)
    assert path == folder / "report.html"
    text = path.read_text(encoding="utf-8")
    return text, Page(text)


# --- a complete folder -------------------------------------------------------------------------

def test_complete_folder_fills_every_section(clip):
    text, page = render(clip)
    for sid in ("findings", "key-values", "curves", "timing", "stills", "quality", "references"):
        assert page.all("section", id=sid), sid
    assert not page.with_class("none"), "no section of a complete folder may say it lacks data"
    # findings: the two notable ones as cards, the checked one listed, what a side view misses
    cards = page.all("article")
    assert [c["data-id"] for c in cards] == ["restricted_dorsiflexion", "reduced_push_off"]
    assert len(page.with_class("sev-marked")) == 1 and len(page.with_class("sev-mild")) == 1
    f = page.section_text["findings"]
    assert "left 4.1°, right 3.2°" in f and "Knee flexion in swing" in f and "pelvic rotation" in f
    # key values: one row per key value in summary.json
    summary = json.loads((clip / "summary.json").read_text())
    rows = [a for t, a in page.tags if t == "th" and a.get("scope") == "row"]
    kv = page.section_text["key-values"]
    for name in summary["key_values"]:
        assert KEY_LABELS[name] in kv
    assert "Trunk (lumbar proxy)" in kv
    assert rows
    # curves: one figure per angle in curves.csv, each with both sides' mean lines
    curves = pd.read_csv(clip / "curves.csv")
    assert len(page.with_class("curve")) == 2 * curves["angle"].nunique()   # <figure> + <svg>
    assert len(page.with_class("mean-l")) == len(page.with_class("mean-r")) == curves["angle"].nunique()
    # the typical band is drawn for ankle, knee and hip (not for the trunk proxy) and the curve
    # legend is there
    assert len([1 for t, a in page.with_class("normal-band") if t == "path"]) == 3
    # timeline: one mark per event
    ev = pd.read_csv(clip / "events.csv")
    for side in "lr":
        for e in ("hs", "to"):
            assert len(page.with_class(f"{e}-{side}")) == ((ev.side == side) & (ev.event == e)).sum()
    # stills: every PNG embedded byte for byte
    imgs = page.all("img")
    pngs = sorted((clip / "stills").glob("*.png"))
    assert len(imgs) == len(pngs) == 2
    for img, p in zip(imgs, pngs):
        assert base64.b64decode(img["src"].split(",", 1)[1]) == p.read_bytes()
    assert "left heel strike at 1.67 s" in page.section_text["stills"]


def test_page_fetches_nothing(clip):
    text, page = render(clip)
    assert not page.all("script"), "the report needs no script"
    for t, a in page.tags:
        for k, v in a.items():
            if k in ("src", "href", "xlink:href", "action", "poster", "data"):
                assert v.startswith(("data:", "#")), f"<{t} {k}={v[:60]}> would fetch something"
            assert not k.startswith("on"), f"<{t}> has an event handler {k}"
        if t == "link":
            assert a.get("href", "").startswith("data:")
    csp = [a for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"] and "img-src data:" in csp[0]["content"]
    assert "@import" not in text and "url(" not in text.replace("url(#clip", "")


def test_the_trunk_is_called_a_lumbar_proxy_and_nothing_is_a_diagnosis(clip):
    text, page = render(clip)
    # (the references are exempt: Perry's book is "Normal and Pathological Function")
    body = " ".join(v for k, v in page.section_text.items() if k != "references").lower()
    assert "trunk (lumbar proxy)" in body
    for word in ("abnormal", "patholog", "diagnosed", "disorder", "dysfunction"):
        assert word not in body
    assert "not a diagnosis" in text.lower()


def test_values_outside_the_typical_range_are_marked_and_others_are_not(clip):
    s = json.loads((clip / "summary.json").read_text())
    s["key_values"] = {"peak_knee_flexion_swing_deg": {
        "l": {"mean": 48.0, "sd": 2.0, "n": 3}, "r": {"mean": 60.0, "sd": 2.0, "n": 3},
        "normal": {"low": 55, "high": 65, "source": "perry2010"}}}
    (clip / "summary.json").write_text(json.dumps(s))
    text, page = render(clip)
    kv_html = text.split('id="key-values"', 1)[1].split("</section>", 1)[0]
    cells = [a for t, a in Page(kv_html).tags if t == "td" and "num" in (a.get("class") or "")]
    assert [("outside" in a["class"]) for a in cells] == [True, False]
    assert "55.0 to 65.0°" in page.section_text["key-values"]
    assert "Perry & Burnfield 2010" in page.section_text["key-values"]


def test_key_values_fall_back_to_cycles_and_footcams_reference_table(clip):
    (clip / "summary.json").unlink()
    text, page = render(clip)
    kv = page.section_text["key-values"]
    cy = pd.read_csv(clip / "cycles.csv")
    left = cy.loc[cy.side == "l", "peak_knee_flexion_swing_deg"]
    assert f"{left.mean():.1f}° ± {left.std():.1f}" in kv
    spec = next(kv for kv in KEY_VALUES if kv.column == "peak_knee_flexion_swing_deg")
    lo, hi = spec.low, spec.high
    assert f"{lo:.1f} to {hi:.1f}°" in kv
    # columns with no value at all (foot progression from a side view) are left out
    assert "Foot progression" not in kv
    assert "no findings: footcam's findings have not been computed" in page.section_text["findings"]


# --- missing parts -------------------------------------------------------------------------------

@pytest.mark.parametrize("remove, section, says", [
    (("events.csv", "cycles.csv", "curves.csv"), "curves", "no gait events: events.csv is missing (rerun footcam analyze)"),
    (("events.csv", "cycles.csv", "curves.csv", "summary.json"), "key-values", "no key values: no gait events"),
    (("events.csv", "cycles.csv", "curves.csv"), "timing", "no gait events: events.csv is missing (rerun footcam analyze)"),
    (("summary.json",), "findings", "no findings:"),
    (("stills",), "stills", "no still frames: the folder has no stills/"),
])
def test_a_missing_part_is_said_in_plain_words(clip, remove, section, says):
    for name in remove:
        p = clip / name
        if p.is_dir():
            for q in p.iterdir():
                q.unlink()
            p.rmdir()
        else:
            p.unlink()
    text, page = render(clip)
    assert says in page.section_text[section]
    assert page.with_class("none")


def test_curves_are_computed_from_angles_and_cycles_when_curves_csv_is_absent(clip):
    """The same numbers as curves.csv would hold: kinematics.cycles.cycle_curves on the
    folder's angles and cycles."""
    (clip / "curves.csv").unlink()
    text, page = render(clip)
    assert len(page.with_class("mean-l")) == 4
    assert "Curves computed from angles.csv and the gait cycles in cycles.csv" in page.section_text["curves"]
    d = view.load(clip)
    expect = cycle_curves(pd.read_csv(clip / "angles.csv"), pd.read_csv(clip / "cycles.csv"))
    knee = expect[(expect.angle == "knee_flexion_deg") & (expect.side == "l")]
    assert np.array_equal(d.curves[("knee_flexion_deg", "l")].mean, knee["mean"].to_numpy())
    assert d.curves[("knee_flexion_deg", "l")].n == knee["n"].iloc[0] == 3


def test_events_without_any_event_and_broken_files(clip):
    (clip / "events.csv").write_text("side,event,time_s,frame,confidence,bout\n")
    (clip / "cycles.csv").unlink()
    (clip / "curves.csv").unlink()
    (clip / "summary.json").write_text("{ not json")
    (clip / "stills" / "notes.png").write_bytes(b"not a png at all")
    text, page = render(clip)
    assert "no heel strike or toe off was detected in the clip" in page.section_text["timing"]
    assert "summary.json cannot be read (JSONDecodeError" in page.section_text["findings"]
    assert "stills/notes.png is not a PNG image and was left out" in page.section_text["references"]
    assert len(page.all("img")) == 2


def test_an_analysis_json_alone_still_makes_a_page(clip):
    import shutil
    for p in list(clip.iterdir()):
        if p.name != "analysis.json":
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    text, page = render(clip)
    assert page.text_in["clip-name"] == "restricted_ankle_compensated_side.mp4"
    assert "no gait events: events.csv is missing (rerun footcam analyze)" in page.section_text["curves"]
    assert "no key values" in page.section_text["key-values"]
    assert "4.0 s, 120 frames at 30.00 fps" in page.section_text["quality"]
    assert len(page.with_class("none")) >= 5


def test_not_an_output_folder(tmp_path):
    with pytest.raises(ResultError, match=r"not a footcam output folder \(no analysis.json\)"):
        write_report(tmp_path)
    (tmp_path / "analysis.json").write_text("[1, 2")
    with pytest.raises(ResultError, match="analysis.json cannot be read"):
        write_report(tmp_path)
    with pytest.raises(ResultError, match=r"not a footcam output folder \(no such folder\)"):
        write_report(tmp_path / "nope")


def test_written_atomically(clip, monkeypatch):
    path = write_report(clip)
    before = path.read_bytes()

    def boom(d):
        raise RuntimeError("render failed")

    monkeypatch.setattr(rh, "render", boom)
    with pytest.raises(RuntimeError):
        write_report(clip)
    assert path.read_bytes() == before
    assert sorted(p.name for p in clip.iterdir() if p.name.startswith(".")) == []


# --- hostile names -------------------------------------------------------------------------------

def test_hostile_names_are_escaped_everywhere(clip):
    set_name(clip, HOSTILE)
    s = json.loads((clip / "summary.json").read_text())
    s["findings"][0]["title"] = "<script>alert('t')</script> & “title”"
    s["findings"][0]["evidence"] = ["<img src=y onerror=alert(3)>"]
    s["not_measurable"][0]["why"] = "</td></tr></table><h1>x</h1>"
    (clip / "summary.json").write_text(json.dumps(s, ensure_ascii=False))
    a = json.loads((clip / "analysis.json").read_text())
    a["warnings"] = ["<b onmouseover=alert(4)>warning</b>"]
    (clip / "analysis.json").write_text(json.dumps(a, ensure_ascii=False))
    (clip / "stills" / 'a"><script>x<.png').write_bytes((clip / "stills").glob("*.png").__next__().read_bytes())

    text, page = render(clip)
    assert not page.all("script") and not page.all("b")
    assert len(page.all("h1")) == 1
    assert len(page.all("img")) == 3
    assert not any(k.startswith("on") for _, a in page.tags for k in a)
    assert page.text_in["clip-name"] == HOSTILE
    title = text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "&lt;script&gt;" in title
    assert "<script>alert('t')</script> & “title”" in page.section_text["findings"]
    assert "<b onmouseover=alert(4)>warning</b>" in page.section_text["quality"]


# --- the numbers behind the curves ---------------------------------------------------------------

def test_curves_table_to_curves():
    pct = np.arange(101.0)
    long = pd.DataFrame({"angle": "ankle_dorsiflexion_deg", "side": "l", "pct": pct,
                         "mean": np.sin(pct / 16), "sd": 1.0, "n": 4})
    c = curves_from_table(long)[("ankle_dorsiflexion_deg", "l")]
    assert np.allclose(c.mean, np.sin(pct / 16)) and np.allclose(c.sd, 1.0) and c.n == 4
    assert curves_from_table(long.iloc[:0]) == {}


def test_normal_bands_follow_the_textbook_key_values():
    lo, hi = typical_band("knee_flexion_deg")
    mid = (lo + hi) / 2
    assert 65 <= int(np.argmax(mid)) <= 78 and 52 <= mid.max() <= 62       # peak swing flexion ~60°
    lo, hi = typical_band("ankle_dorsiflexion_deg")
    mid = (lo + hi) / 2
    assert 55 <= int(np.argmin(mid)) <= 70 and mid.min() < -8              # push-off after toe off
    assert typical_band("trunk_extension_deg") is None


# --- the drawing -------------------------------------------------------------------------------

def test_polyline_breaks_where_values_are_missing():
    d = plots.polyline_path(np.array([0, 1, 2, 3, 4]), np.array([0, 1, np.nan, 3, 4]))
    assert d == "M0 0 L1 1 M3 3 L4 4"
    assert plots.polyline_path(np.array([0.0]), np.array([np.nan])) == ""


def test_nice_ticks():
    t = plots.nice_ticks(-23, 57)
    assert t[0] >= -23 and t[-1] <= 57 and len(t) >= 4
    steps = np.diff(t)
    assert np.allclose(steps, steps[0]) and steps[0] in (10, 20, 25)


def test_curve_points_stay_inside_the_plot():
    pct = np.linspace(0, 100, 101)
    mean = 40 * np.sin(pct / 10)
    svg = plots.curve_svg(pct, {"l": (mean, np.full(101, 5.0))}, band=(mean - 3, mean + 3), title="t")
    import re
    d = re.search(r'class="mean-l"', svg) and re.search(r'd="([^"]+)"[^>]*class="mean-l"', svg).group(1)
    ys = [float(p.split()[1]) for p in re.findall(r"[ML]([-\d.]+ [-\d.]+)", d)]
    xs = [float(p.split()[0]) for p in re.findall(r"[ML]([-\d.]+ [-\d.]+)", d)]
    assert min(xs) == pytest.approx(40) and max(xs) == pytest.approx(350)
    assert 8 <= min(ys) < max(ys) <= 8 + 170
    # a larger angle is drawn higher
    assert ys[int(np.argmax(mean))] == min(ys)


# --- the command -------------------------------------------------------------------------------

def test_cli_report(clip, tmp_path):
    r = CliRunner().invoke(main, ["report", str(clip)])
    assert r.exit_code == 0, r.output
    assert r.output.strip() == str(clip / "report.html")
    assert (clip / "report.html").stat().st_size > 10_000
    r = CliRunner().invoke(main, ["report", "-q", str(clip)])
    assert r.exit_code == 0 and r.output == ""
    empty = tmp_path / "empty"
    empty.mkdir()
    r = CliRunner().invoke(main, ["report", str(empty)])
    assert r.exit_code == 1
    assert r.output.strip() == f"Error: {empty}: not a footcam output folder (no analysis.json)"
    r = CliRunner().invoke(main, ["report", str(tmp_path / "missing")])
    assert r.exit_code == 2 and "does not exist" in r.output


def test_toes_values_join_the_report(clip, tmp_path):
    """`footcam toes PHOTO -o FOLDER` into a gait folder: the report shows the toe values and
    embeds the annotated picture (no external file reference)."""
    import cv2

    from footcam.report.html import write_report
    from footcam.toes import run
    from footcam.toes.synth import render

    folder = clip
    img = render()[0]
    photo = tmp_path / "foot.png"
    cv2.imwrite(str(photo), img)
    run(photo, "a4", folder)
    html_text = write_report(folder).read_text()
    assert "Toe splay and forefoot" in html_text
    assert 'src="toes.png"' not in html_text and "data:image/png;base64," in html_text
