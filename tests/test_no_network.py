"""Nothing leaves the machine: a whole `footcam analyze` of the shipped sample clip, traced with
strace, opens no network connection and sends nothing to a non-local address, and -q keeps
stderr empty (MediaPipe's native log lines included).

MediaPipe posts usage reports to play.googleapis.com unless footcam stops it (pose/network.py);
without that, this trace shows a DNS query for play.googleapis.com."""
from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO

FOOTCAM = str(Path(sys.executable).with_name("footcam"))
CLIP = REPO / "sample_videos" / "normal_side.mp4"
#: an address in a traced connect/sendto/sendmsg/bind: IPv4 and IPv6 as strace prints them
ADDR = re.compile(r'(?:inet_addr\("([0-9.]+)"\)|inet_pton\(AF_INET6, "([0-9a-fA-F:.]+)")')
PORT = re.compile(r"sin6?_port=htons\((\d+)\)")
CALLS = ("connect(", "sendto(", "sendmsg(", "sendmmsg(", "bind(")


def outside_traffic(trace: str) -> list[str]:
    """The traced calls that address a non-local host, any DNS traffic (port 53, even to a
    local resolver: it would ask the world), and any mention of googleapis."""
    bad = []
    for line in trace.splitlines():
        if "googleapis" in line:
            bad.append(line)
            continue
        if not any(c in line for c in CALLS) or "AF_INET" not in line:
            continue
        ports = {int(p) for p in PORT.findall(line)}
        addrs = [ipaddress.ip_address(a or b) for a, b in ADDR.findall(line)]
        if 53 in ports or any(not (a.is_loopback or a.is_unspecified) for a in addrs):
            bad.append(line)
    return bad


def test_the_trace_check_catches_a_lookup():
    """The parser itself, on lines strace printed for footcam before the fix."""
    before = [
        '18103 connect(6, {sa_family=AF_INET, sin_port=htons(53), '
        'sin_addr=inet_addr("10.255.255.53")}, 16) = 0',
        '18103 sendmmsg(6, [{msg_hdr={msg_name=NULL, msg_iov=[{iov_base="\\4play\\ngoogleapis"...',
        '9 connect(3, {sa_family=AF_INET6, sin6_port=htons(443), '
        'inet_pton(AF_INET6, "2a00:1450:4001::200a", &sin6_addr)}, 28) = 0',
    ]
    after = [
        '5735  socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 5',
        '6469  connect(8, {sa_family=AF_UNIX, sun_path="/dev/null/footcam-sends-nothing"}, 34) '
        '= -1 ENOTDIR (Not a directory)',
        '7 connect(4, {sa_family=AF_INET, sin_port=htons(8786), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
    ]
    assert outside_traffic("\n".join(before)) == before
    assert outside_traffic("\n".join(after)) == []


@pytest.mark.slow
def test_analyze_sends_nothing(tmp_path):
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("needs strace (apt-get install strace) to trace the network calls")
    log, out = tmp_path / "trace.txt", tmp_path / "out"
    env = {**os.environ, "LC_ALL": "C"}
    for k in ("https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY"):
        env.pop(k, None)              # footcam must not rely on the environment it is given
    p = subprocess.run([strace, "-f", "-qq", "-e", "trace=network", "-o", str(log), FOOTCAM,
                        "analyze", str(CLIP), "-o", str(out), "-q"],
                       capture_output=True, text=True, env=env, timeout=600)
    if p.returncode != 0 and not log.exists():
        pytest.skip(f"strace cannot trace here (ptrace not permitted?): {p.stderr.strip()[:200]}")
    assert p.returncode == 0, p.stderr
    assert p.stderr == "", "with -q nothing reaches stderr (MediaPipe's native lines neither)"
    assert (out / "analysis.json").is_file()
    trace = log.read_text(errors="replace")
    assert "socket(" in trace, "the trace saw no socket call at all: strace did not trace"
    assert outside_traffic(trace) == []
