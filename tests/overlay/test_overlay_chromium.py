"""overlay.mp4 plays in a browser: headless Chromium (Debian's ``chromium``, whose H.264 comes
from its FFmpeg) loads it in a ``<video>`` element from a local HTTP server, seeks to the
middle, draws the frame on a canvas and reports what it saw."""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from footcam.video.reader import probe

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    CHROMIUM is None, reason="needs Chromium (Debian: apt-get install chromium); CI installs it")]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--mute-audio", "--autoplay-policy=no-user-gesture-required"]

PAGE = """<!doctype html><html><body>
<video id="v" src="overlay.mp4" muted playsinline preload="auto"></video>
<pre id="out">pending</pre>
<script>
const v = document.getElementById('v'), out = document.getElementById('out');
const r = {events: []};
function report() {
  r.readyState = v.readyState; r.duration = v.duration;
  r.width = v.videoWidth; r.height = v.videoHeight;
  r.error = v.error ? (v.error.code + ' ' + (v.error.message || '')) : null;
  out.textContent = JSON.stringify(r);
}
v.addEventListener('error', () => { r.events.push('error'); report(); });
v.addEventListener('loadedmetadata', () => {
  r.events.push('loadedmetadata'); r.metaDuration = v.duration; v.currentTime = v.duration / 2; });
v.addEventListener('seeked', () => {
  r.events.push('seeked');
  const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
  const g = c.getContext('2d'); g.drawImage(v, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
  r.meanLevel = s / (d.length / 4 * 3);
  const p = g.getImageData(4, c.height - 4, 1, 1).data;   // the dashboard's dark background
  r.panelPixel = [p[0], p[1], p[2]];
  report();
});
setTimeout(report, 8000);
</script></body></html>"""


def play_in_chromium(video: Path) -> dict:
    site = Path(tempfile.mkdtemp(prefix="footcam-overlay-web-"))
    profile = Path(tempfile.mkdtemp(prefix="footcam-chromium-"))
    try:
        shutil.copy(video, site / "overlay.mp4")
        (site / "index.html").write_text(PAGE, encoding="utf-8")
        handler = functools.partial(_QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        th = threading.Thread(target=server.serve_forever, daemon=True)
        th.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
            r = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
                                "--virtual-time-budget=20000", "--dump-dom", url],
                               capture_output=True, text=True, timeout=90)
        finally:
            server.shutdown()
            server.server_close()
        m = re.search(r'<pre id="out">(.*?)</pre>', r.stdout, re.S)
        assert m, f"no result in the page; chromium said: {r.stderr[-2000:]}"
        text = m.group(1).replace("&quot;", '"')
        assert text != "pending", f"the page never reported; chromium said: {r.stderr[-2000:]}"
        return json.loads(text)
    finally:
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.parametrize("fixture", ["side_folder", "portrait_folder"])
def test_overlay_plays_in_chromium(request, fixture):
    folder = request.getfixturevalue(fixture)
    video = folder / "overlay.mp4"
    info = probe(video)
    r = play_in_chromium(video)
    assert r["error"] is None, r
    assert "loadedmetadata" in r["events"], r
    assert r["readyState"] >= 2, r                     # a frame is decoded, not just the header
    assert abs(r["duration"] - info.duration_s) < 1 / info.fps, r
    assert (r["width"], r["height"]) == info.display_wh, r
    assert "seeked" in r["events"], r
    assert r["meanLevel"] > 30, r                       # a picture, not a black frame
    # colours as footcam drew them (the dashboard background is RGB 26, 28, 32): the colour
    # matrix tagged in the file is the one the browser uses
    assert all(abs(a - b) <= 8 for a, b in zip(r["panelPixel"], (26, 28, 32))), r
