"""Open a page in headless Chromium and record everything it does: console errors, uncaught
exceptions, JavaScript dialogs, every network request; take a screenshot and print it to PDF.

Drives Chromium through the DevTools protocol over ``--remote-debugging-pipe`` (file
descriptors 3 and 4, messages separated by NUL bytes): standard library only, no websocket
client, no port to find. Requests that would leave the machine are blocked (Fetch domain) as
well as recorded, so a faulty report never reaches the network during a test.
"""
from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

#: A4 at 96 CSS px per inch: 210 mm wide; minus the report's 12 mm side margins
A4_IN = (8.27, 11.69)
A4_PRINTABLE_PX = round((210 - 24) / 25.4 * 96)

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
         "--no-default-browser-check", "--disable-features=Translate,MediaRouter,OptimizationHints",
         # nothing resolves: even a request that slipped past the Fetch block could not leave
         "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
         "--remote-debugging-pipe"]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        p = shutil.which(name)
        if p:
            return p
    return None


class ChromiumError(RuntimeError):
    pass


@dataclass
class PageRun:
    """What one page load did."""

    url: str
    console: list[dict] = field(default_factory=list)      # every console message
    errors: list[str] = field(default_factory=list)        # console errors, log errors, exceptions
    requests: list[str] = field(default_factory=list)      # every request URL but data: and the page
    dialogs: list[str] = field(default_factory=list)       # alert/confirm/prompt messages
    screenshot_png: bytes = b""
    print_screenshot_png: bytes = b""
    pdf: bytes = b""
    print_overflow: list[str] = field(default_factory=list)  # elements wider than A4 in print
    facts: dict = field(default_factory=dict)              # results of the page checks

    @property
    def pdf_pages(self) -> int:
        return self.pdf.count(b"/Type /Page") - self.pdf.count(b"/Type /Pages")


class _Pipe:
    def __init__(self, binary: str, profile: str):
        self._to_r, self._to_w = os.pipe()        # we write, Chromium reads on fd 3
        self._from_r, self._from_w = os.pipe()    # Chromium writes on fd 4, we read
        to_r, from_w = self._to_r, self._from_w

        def wire():   # in the child: put the pipe ends where Chromium expects them
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, preexec_fn=wire, pass_fds=(3, 4))
        os.close(self._to_r)
        os.close(self._from_w)
        self._q: queue.Queue = queue.Queue()
        self._next = 0
        self._buf = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.events: list[dict] = []

    def _read(self):
        while True:
            try:
                chunk = os.read(self._from_r, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                self._q.put(None)
                return
            self._buf += chunk
            while b"\0" in self._buf:
                msg, self._buf = self._buf.split(b"\0", 1)
                self._q.put(json.loads(msg))

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next += 1
        m = {"id": self._next, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        os.write(self._to_w, json.dumps(m).encode() + b"\0")
        return self._next

    def pump(self, timeout: float, until=None, on_event=None):
        """Read messages until ``until(msg)`` is true or ``timeout`` passes; events go to
        ``on_event``. Returns the matching message or None."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            try:
                msg = self._q.get(timeout=left)
            except queue.Empty:
                return None
            if msg is None:
                raise ChromiumError("Chromium closed the DevTools pipe: "
                                    + (self.proc.stderr.read(2000).decode(errors="replace") if self.proc.stderr else ""))
            if "method" in msg and on_event:
                on_event(msg)
            if until and until(msg):
                return msg

    def close(self):
        try:
            self.send("Browser.close")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_w, self._from_r):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.proc.stderr:
            self.proc.stderr.close()


def open_page(path: Path, *, binary: str | None = None, width: int = 1100,
              timeout: float = 60.0, checks_js: str | None = None) -> PageRun:
    """Load ``path`` in headless Chromium, let it settle, and record what it did; screenshot
    at ``width`` CSS px (full page), a print-media screenshot at A4's printable width, an A4
    PDF, and the elements that overflow A4 in print."""
    binary = binary or find_chromium()
    if not binary:
        raise ChromiumError("no chromium on PATH")
    url = Path(path).resolve().as_uri()
    run = PageRun(url=url)
    profile = tempfile.mkdtemp(prefix="footcam-chromium-")
    pipe = _Pipe(binary, profile)
    session = None
    state = {"loaded": False, "last_event": time.monotonic()}

    def on_event(m):
        if m.get("sessionId") != session:
            return
        state["last_event"] = time.monotonic()
        meth, p = m["method"], m.get("params", {})
        if meth == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            run.console.append({"type": p.get("type"), "text": text})
            if p.get("type") in ("error", "assert"):
                run.errors.append(f"console.{p.get('type')}: {text}")
        elif meth == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            run.errors.append(f"exception: {d.get('text')} {d.get('exception', {}).get('description', '')}")
        elif meth == "Log.entryAdded":
            e = p.get("entry", {})
            if e.get("level") == "error":
                run.errors.append(f"log ({e.get('source')}): {e.get('text')} {e.get('url', '')}")
        elif meth == "Network.requestWillBeSent":
            u = p.get("request", {}).get("url", "")
            if not (u.startswith("data:") or u == url):
                run.requests.append(u)
        elif meth == "Fetch.requestPaused":
            u = p.get("request", {}).get("url", "")
            if u == url or u.startswith("data:"):
                pipe.send("Fetch.continueRequest", {"requestId": p["requestId"]}, session)
            else:
                if u not in run.requests:
                    run.requests.append(u)
                pipe.send("Fetch.failRequest", {"requestId": p["requestId"], "errorReason": "BlockedByClient"}, session)
        elif meth == "Page.javascriptDialogOpening":
            run.dialogs.append(p.get("message", ""))
            pipe.send("Page.handleJavaScriptDialog", {"accept": False}, session)
        elif meth == "Page.loadEventFired":
            state["loaded"] = True

    def call(method, params=None, sess=True, wait=timeout):
        i = pipe.send(method, params, session if sess else None)
        r = pipe.pump(wait, until=lambda m: m.get("id") == i, on_event=on_event)
        if r is None:
            raise ChromiumError(f"{method}: no answer in {wait:.0f} s")
        if "error" in r:
            raise ChromiumError(f"{method}: {r['error']}")
        return r.get("result", {})

    try:
        target = call("Target.createTarget", {"url": "about:blank"}, sess=False)["targetId"]
        session = call("Target.attachToTarget", {"targetId": target, "flatten": True}, sess=False)["sessionId"]
        for m in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
            call(m)
        call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})
        call("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        call("Page.navigate", {"url": url})
        end = time.monotonic() + timeout
        while not state["loaded"] and time.monotonic() < end:
            pipe.pump(0.2, on_event=on_event)
        if not state["loaded"]:
            raise ChromiumError(f"{url}: the load event did not fire in {timeout:.0f} s")
        while time.monotonic() - state["last_event"] < 0.5 and time.monotonic() < end:   # settle
            pipe.pump(0.1, on_event=on_event)

        if checks_js:
            r = call("Runtime.evaluate", {"expression": checks_js, "returnByValue": True, "awaitPromise": True})
            run.facts = r.get("result", {}).get("value") or {}

        size = call("Page.getLayoutMetrics")["cssContentSize"]
        run.screenshot_png = base64.b64decode(call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1}})["data"])

        # print layout: A4 printable width, print media
        call("Emulation.setEmulatedMedia", {"media": "print"})
        call("Emulation.setDeviceMetricsOverride", {"width": A4_PRINTABLE_PX, "height": 1000,
                                                     "deviceScaleFactor": 1, "mobile": False})
        pipe.pump(0.3, on_event=on_event)
        r = call("Runtime.evaluate", {"returnByValue": True, "expression": """
            (() => { const w = document.documentElement.clientWidth; const out = [];
              for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.width > 0 && r.right > w + 1) {
                  out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                           (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') +
                           ' right=' + Math.round(r.right) + ' > ' + w); }
              }
              return out.slice(0, 20); })()"""})
        run.print_overflow = r.get("result", {}).get("value") or []
        size = call("Page.getLayoutMetrics")["cssContentSize"]
        run.print_screenshot_png = base64.b64decode(call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": A4_PRINTABLE_PX, "height": size["height"], "scale": 1}})["data"])
        run.pdf = base64.b64decode(call("Page.printToPDF", {
            "paperWidth": A4_IN[0], "paperHeight": A4_IN[1], "printBackground": True,
            "preferCSSPageSize": True})["data"])
        pipe.pump(0.2, on_event=on_event)
    finally:
        pipe.close()
        shutil.rmtree(profile, ignore_errors=True)
    return run
