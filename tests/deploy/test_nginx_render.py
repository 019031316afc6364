"""deploy/nginx.conf filled in by deploy.render: every placeholder given, unsafe values refused,
and the result accepted by Debian's nginx (``nginx -t``) run from a private folder."""

from __future__ import annotations

import getpass
import re
import subprocess
from pathlib import Path

import pytest

from deploy import local
from deploy.render import PLACEHOLDER, TEMPLATE, RenderError, main, prepare_state_dir, render


def _rendered(tmp_path: Path, **overrides: object) -> str:
    values: dict[str, object] = {
        "https_listen": "127.0.0.1:8443", "http_listen": "127.0.0.1:8080",
        "certificate": tmp_path / "proxy.crt", "certificate_key": tmp_path / "proxy.key",
        "state_dir": tmp_path, "user": getpass.getuser(), **overrides}
    return render(["127.0.0.1:8501", "127.0.0.1:8502"], **values)  # type: ignore[arg-type]


def test_every_placeholder_is_filled_and_each_process_named(tmp_path: Path) -> None:
    text = _rendered(tmp_path)
    assert not PLACEHOLDER.search(text)
    assert "server 127.0.0.1:8501 max_fails=3" in text and "server 127.0.0.1:8502" in text
    assert "keepalive_timeout 4s;" in text     # below uvicorn's 5 s, so nginx closes first
    assert r'"~(^|, )127\.0\.0\.1:8501$" app-1;' in text
    assert r'"~(^|, )127\.0\.0\.1:8502$" app-2;' in text
    assert "hash $nvcrp_sticky consistent;" in text
    assert "return 301 https://$host:8443$request_uri;" in text
    assert f"error_log {tmp_path.resolve()}/logs/error.log" in text
    # Debian's unit and the tests give these on the command line: one here would be a duplicate.
    assert not re.search(r"^\s*(pid|daemon)\s", text, flags=re.MULTILINE)


def test_the_sticky_key_is_the_cookie_the_app_sets() -> None:
    from ui.downloads import BROWSER_COOKIE

    assert f"map $cookie_{BROWSER_COOKIE} $nvcrp_sticky" in TEMPLATE.read_text(encoding="utf-8")


def test_port_443_redirects_without_a_port(tmp_path: Path) -> None:
    text = _rendered(tmp_path, https_listen="0.0.0.0:443")
    assert "return 301 https://$host$request_uri;" in text


@pytest.mark.parametrize("upstreams, message", [
    ([], "at least one"),
    (["127.0.0.1:8501", "127.0.0.1:8501"], "only once"),
    (["127.0.0.1"], "address:port"),
    (["127.0.0.1:8501; include /etc/passwd"], "address:port"),
])
def test_bad_processes_are_refused(tmp_path: Path, upstreams: list[str], message: str) -> None:
    with pytest.raises(RenderError, match=message):
        render(upstreams, certificate="c", certificate_key="k", state_dir=tmp_path)


def test_a_value_that_could_end_a_directive_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="Server name"):
        _rendered(tmp_path, server_name="example.org; return 200")


def test_the_command_line_writes_a_file_and_reports_errors(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    out = tmp_path / "nginx.conf"
    assert main(["--upstream", "127.0.0.1:8501", "--certificate", "c.pem",
                 "--certificate-key", "k.pem", "--state-dir", str(tmp_path / "state"),
                 "--out", str(out)]) == 0
    assert "server 127.0.0.1:8501" in out.read_text() and (tmp_path / "state/logs").is_dir()
    assert main(["--upstream", "nowhere", "--certificate", "c", "--certificate-key", "k"]) == 2
    assert "address:port" in capsys.readouterr().err


def test_nginx_accepts_the_rendered_configuration(tmp_path: Path) -> None:
    """``nginx -t`` as the tests start it: private prefix, no system paths written."""
    folder = prepare_state_dir(tmp_path)
    cert, key = local.self_signed_certificate(folder)
    conf = folder / "nginx.conf"
    conf.write_text(_rendered(folder, certificate=cert, certificate_key=key), encoding="utf-8")
    checked = subprocess.run(
        [local.NGINX, "-t", "-p", str(folder), "-c", str(conf), "-e",
         str(folder / "logs/error.log"), "-g", f"daemon off; pid {folder / 'nginx.pid'};"],
        capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
