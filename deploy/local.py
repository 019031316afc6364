"""nginx from Debian's package run by an ordinary user from a private folder, with a
self-signed certificate: how tests/deploy/test_two_servers.py and the load benchmark put the
proxy in front of their dashboard processes. No system service, nothing outside the folder.

    with running_nginx(folder, ["127.0.0.1:8501", "127.0.0.1:8502"]) as proxy:
        proxy.url   # 'https://127.0.0.1:PORT'
"""

from __future__ import annotations

import contextlib
import getpass
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from deploy.render import prepare_state_dir, render

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed_certificate(folder: Path, name: str = "localhost") -> tuple[Path, Path]:
    """A certificate and key for ``name`` and 127.0.0.1, made with openssl; valid two days."""
    cert, key = folder / "proxy.crt", folder / "proxy.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    key.chmod(0o600)
    return cert, key


@dataclass(frozen=True)
class Proxy:
    url: str          # https://127.0.0.1:PORT
    http_url: str     # http://127.0.0.1:PORT, which only redirects
    pid: int
    folder: Path

    def error_log(self) -> str:
        path = self.folder / "logs" / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _wait_listening(port: int, proc: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    log = folder / "logs" / "error.log"
    raise RuntimeError("nginx did not start: "
                       f"{log.read_text(errors='replace')[-2000:] if log.exists() else ''}")


@contextlib.contextmanager
def running_nginx(folder: Path, upstreams: list[str]) -> Iterator[Proxy]:
    """nginx with deploy/nginx.conf in front of ``upstreams``, on free local ports, from
    ``folder`` (configuration, certificate, logs, temporary files, PID); stopped by its PID."""
    folder = prepare_state_dir(folder.resolve())
    cert, key = self_signed_certificate(folder)
    https_port, http_port = free_port(), free_port()
    conf = folder / "nginx.conf"
    conf.write_text(render(upstreams, https_listen=f"127.0.0.1:{https_port}",
                           http_listen=f"127.0.0.1:{http_port}", certificate=cert,
                           certificate_key=key, state_dir=folder, user=getpass.getuser()),
                    encoding="utf-8")
    command = [NGINX, "-p", str(folder), "-c", str(conf), "-e", str(folder / "logs/error.log"),
               "-g", f"daemon off; pid {folder / 'nginx.pid'};"]
    subprocess.run([*command, "-t", "-q"], check=True, capture_output=True)
    out = open(folder / "logs" / "nginx.out", "wb")  # noqa: SIM115 — closed below
    proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_listening(https_port, proc, folder)
        yield Proxy(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}",
                    proc.pid, folder)
    finally:
        # SIGTERM: a fast stop (a graceful one would wait for every open WebSocket); the
        # master stops its workers.
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        out.close()
