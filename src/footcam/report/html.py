"""report.html: one self-contained page a clinician can read, print on A4 and keep offline.

``write_report(folder)`` reads a finished clip folder (through :class:`footcam.results.ClipResult`),
prepares each section's view data (:mod:`footcam.report.view`) and renders the page from the
package templates (``templates/page.html.j2``, one ``templates/sections/*.html.j2`` per section,
``templates/report.css``) with Jinja2, autoescaping on: every text from the folder (clip
names, finding titles, warnings) is escaped. Every section whose data is missing says so in
plain words instead of breaking. Nothing in the page is fetched: the CSS is inlined, charts are
inline SVG (``plots.py``), stills are data URIs, and a Content-Security-Policy forbids any
request.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..errors import FootcamError
from ..fsutil import atomic_write_text
from . import view

REPORT_NAME = "report.html"

#: nothing may be fetched: images only from data: URIs, styles only inline, no scripts at all
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src 'none'; "
       "connect-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The templates of footcam.report, escaping every value that is not Markup."""
    return jinja2.Environment(loader=jinja2.PackageLoader("footcam.report", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def _css() -> Markup:
    css = environment().loader.get_source(environment(), "report.css")[0]
    return Markup(css.replace("</", "<\\/"))   # a package file; no "</style>" may end it early


def render(d: view.ReportData) -> str:
    """The whole page as a string."""
    return environment().get_template("page.html.j2").render(
        csp=CSP, css=_css(), **view.page(d))


def write_report(out_dir: str | Path) -> Path:
    """(Re)write ``report.html`` in a finished clip folder, atomically; return its path."""
    text = render(view.load(out_dir))
    path = Path(out_dir) / REPORT_NAME
    try:
        atomic_write_text(path, text)
    except OSError as e:
        raise FootcamError(f"cannot write {REPORT_NAME}: {e.strerror or e}", out_dir) from None
    return path
