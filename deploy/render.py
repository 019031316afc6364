"""Fill in deploy/nginx.conf's placeholders and write a configuration nginx can load.

    python -m deploy.render --upstream 127.0.0.1:8501 --upstream 127.0.0.1:8502 \\
        --server-name nvcrp.example.gov.uk \\
        --certificate /etc/ssl/certs/nvcrp.pem --certificate-key /etc/ssl/private/nvcrp.key \\
        --state-dir /var/lib/nginx/nvcrp --out /etc/nginx/nginx.conf

The defaults suit Debian's nginx package (workers as www-data, ports 80 and 443). The tests
render the same template onto free local ports and a private folder (``render`` below).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
# An address:port nginx can listen on or proxy to: '127.0.0.1:8501', '[::1]:8501', '0.0.0.0:443'.
ADDRESS = re.compile(r"^(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$")
# A value that cannot break out of its directive (no ';', braces, quotes or spaces).
SAFE = re.compile(r"^[A-Za-z0-9_./@:*-]+$")


class RenderError(ValueError):
    """A value that would not make a valid, safe configuration."""


def _address(value: str, what: str) -> str:
    match = ADDRESS.match(value)
    if not match or not 0 < int(match.group(2)) < 65536:
        raise RenderError(f"{what} '{value}' is not an address:port such as 127.0.0.1:8501.")
    return value


def _safe(value: str, what: str) -> str:
    if not SAFE.match(value):
        raise RenderError(f"{what} '{value}' may hold only letters, digits and . / _ - : @ *.")
    return value


def render(upstreams: list[str], *, https_listen: str = "0.0.0.0:443",
           http_listen: str = "0.0.0.0:80", certificate: str | Path,
           certificate_key: str | Path, state_dir: str | Path, server_name: str = "_",
           user: str = "www-data", template: Path = TEMPLATE) -> str:
    """The configuration text for these dashboard processes (``host:port`` each)."""
    if not upstreams:
        raise RenderError("Name at least one dashboard process (--upstream 127.0.0.1:8501).")
    if len(set(upstreams)) != len(upstreams):
        raise RenderError("Each dashboard process may be named only once.")
    servers = [_address(u, "Dashboard process") for u in upstreams]
    https_port = int(_address(https_listen, "HTTPS listener").rsplit(":", 1)[1])
    values = {
        "USER": _safe(user, "User"),
        "STATE_DIR": _safe(str(Path(state_dir).resolve()), "State folder"),
        "UPSTREAMS": "\n".join(f"        server {u} max_fails=3 fail_timeout=10s;"
                               for u in servers),
        # The last address in $upstream_addr ('a:1, b:2' when nginx tried a first) answered.
        "UPSTREAM_NAMES": "\n".join(f'        "~(^|, ){re.escape(u)}$" app-{i};'
                                    for i, u in enumerate(servers, start=1)),
        "HTTP_LISTEN": _address(http_listen, "HTTP listener"),
        "HTTPS_LISTEN": _address(https_listen, "HTTPS listener"),
        "HTTPS_PORT_SUFFIX": "" if https_port == 443 else f":{https_port}",
        "SERVER_NAME": _safe(server_name, "Server name"),
        "CERTIFICATE": _safe(str(Path(certificate).resolve()), "Certificate"),
        "CERTIFICATE_KEY": _safe(str(Path(certificate_key).resolve()), "Certificate key"),
    }
    text = template.read_text(encoding="utf-8")
    # The header comment names every placeholder; only the directives after it are filled in.
    _, sep, body = text.partition("\nuser {{USER}};")
    body = PLACEHOLDER.sub(lambda m: values[m.group(1)], sep.lstrip("\n") + body)
    left = PLACEHOLDER.findall(body)
    if left:
        raise RenderError(f"deploy/nginx.conf has placeholders with no value: {sorted(set(left))}")
    return ("# Rendered from deploy/nginx.conf by python -m deploy.render: edit the template "
            "and render again.\n\n" + body)


def prepare_state_dir(state_dir: str | Path) -> Path:
    """The folders nginx writes into and does not create itself (logs/; temp/ is created)."""
    path = Path(state_dir)
    (path / "logs").mkdir(parents=True, exist_ok=True)
    (path / "temp").mkdir(parents=True, exist_ok=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.render", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", action="append", required=True,
                        help="a dashboard process's address:port (give once per process)")
    parser.add_argument("--https-listen", default="0.0.0.0:443")
    parser.add_argument("--http-listen", default="0.0.0.0:80")
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--certificate", required=True)
    parser.add_argument("--certificate-key", required=True)
    parser.add_argument("--state-dir", default="/var/lib/nginx/nvcrp",
                        help="where nginx writes its logs and temporary files")
    parser.add_argument("--user", default="www-data")
    parser.add_argument("--out", help="file to write (default: print)")
    args = parser.parse_args(argv)
    try:
        text = render(args.upstream, https_listen=args.https_listen,
                      http_listen=args.http_listen, certificate=args.certificate,
                      certificate_key=args.certificate_key, state_dir=args.state_dir,
                      server_name=args.server_name, user=args.user)
    except RenderError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    if args.out:
        prepare_state_dir(args.state_dir)
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
