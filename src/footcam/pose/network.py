"""MediaPipe's usage reports, switched off before the library loads: nothing leaves the machine.

The MediaPipe Tasks library in the mediapipe wheels (0.10.35 and later; 1.2.3 here) builds an
HTTP client into every task it creates and posts usage statistics to
``https://play.googleapis.com/log`` through the libcurl linked inside ``libmediapipe.so``: on
every ``footcam analyze``, a DNS lookup of play.googleapis.com at the least, and a post where a
network allows it. The library offers no option or environment variable that turns this off
(in 1.2.3 ``CreateTasksLogger`` builds the client unconditionally; google-ai-edge/mediapipe
issue #6291). What its libcurl does honour is the standard proxy variables, read at each
request: footcam sets them, for its own process and the worker processes it starts, to a
SOCKS proxy behind a Unix socket path that cannot exist (a file under /dev/null), so every
request libcurl makes fails on the spot, before any DNS lookup or network packet.
``tests/test_no_network.py`` traces a whole ``footcam analyze`` with strace to prove it.

footcam's own downloads (``footcam models fetch``, asked for by the user) go through the
user's proxy settings as they were: :func:`user_proxies` and :func:`user_environ`.
"""
from __future__ import annotations

import os

#: where libcurl is sent: a SOCKS5 proxy on a Unix socket that cannot exist (ENOTDIR)
NOWHERE = "socks5h://localhost/dev/null/footcam-sends-nothing"
#: the variables libcurl reads for an https (and http) URL, in its order of precedence
_PROXY_VARS = ("https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY")
#: hosts that bypass the proxy: a user's value could exempt play.googleapis.com
_NO_PROXY_VARS = ("no_proxy", "NO_PROXY")

_user: dict[str, str] | None = None


def block_usage_reports() -> None:
    """Point libcurl's proxy variables at :data:`NOWHERE` (idempotent); the user's own values
    are kept for :func:`user_environ`."""
    global _user
    if _user is None:
        _user = {k: os.environ[k] for k in _PROXY_VARS + _NO_PROXY_VARS if k in os.environ}
    for k in _PROXY_VARS:
        os.environ[k] = NOWHERE
    for k in _NO_PROXY_VARS:
        os.environ.pop(k, None)


def user_environ() -> dict[str, str]:
    """The environment with the user's own proxy settings, for a subprocess that downloads
    on the user's request (pip)."""
    env = dict(os.environ)
    if _user is not None:
        for k in _PROXY_VARS + _NO_PROXY_VARS:
            env.pop(k, None)
        env.update(_user)
    return env


def user_proxies() -> dict[str, str]:
    """The user's proxies by scheme, read from :func:`user_environ` as urllib reads the
    environment (a lowercase name wins), for ``urllib.request.ProxyHandler``."""
    env = user_environ()
    proxies: dict[str, str] = {}
    for name in sorted(env, key=str.islower):
        if name.lower().endswith("_proxy") and env[name] and name.lower() != "no_proxy":
            proxies[name.lower()[:-len("_proxy")]] = env[name]
    return proxies
