"""``make deploy-check``: nginx (deploy/nginx) in front of gunicorn on loopback, a sign-up walked
through it over https.

It builds a fresh SQLite database in a temporary folder with one event and one volunteer, makes a
self-signed certificate, starts gunicorn with ``PLANNER_PROXY_COUNT=1`` and nginx with the
project's site template, and checks what production depends on: static files from disk with the
year-long cache and gzip, https seen by the app behind the proxy (Secure cookies, HSTS, https links),
the body-size limit, and a volunteer's log-in → event page → sign-up page → sign-up → result.
Exits non-zero at the first check that fails.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHONE = "13912345678"
PASSWORD = "deploy-check-9"
SECRET_KEY = "deploy-check-" + os.urandom(8).hex()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"deploy-check FAILED: {what}")
    print(f"  ok  {what}")


def prepare_database(folder: Path) -> tuple[str, int, int]:
    """A migrated SQLite database with a published event (one shift) and a volunteer."""
    from flask_migrate import upgrade

    from planner import create_app
    from planner.accounts.models import User
    from planner.directory.models import Community, Department, District, Street
    from planner.events.models import Event, EventHost, EventKind, EventStatus, Shift
    from planner.extensions import db
    from planner.timeutil import utcnow

    url = f"sqlite:///{folder / 'xinfeng.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        upgrade()
        volunteer = User(phone="+86" + PHONE, real_name="王志愿", consented_at=utcnow())
        volunteer.set_password(PASSWORD)
        street = Street(district=District(name="市南区"), name="八大峡街道")
        community = Community(street=street, name="凤凰山社区", address="凤凰山路1号")
        starts = (utcnow() + timedelta(days=3)).replace(microsecond=0)
        event = Event(
            title="洁净家园·喜迎国庆 环境卫生清理",
            kind=EventKind.CLEANUP,
            status=EventStatus.PUBLISHED,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            community=community,
            venue="社区广场",
        )
        host = EventHost()
        host.organisation = Department(name="市财政局")
        event.hosts.append(host)
        event.shifts.append(
            Shift(role="清扫", starts_at=event.starts_at, ends_at=event.ends_at, capacity=5)
        )
        db.session.add_all([volunteer, event])
        db.session.commit()
        ids = event.id, event.shifts[0].id
        db.engine.dispose()
    return url, *ids


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "tls.crt", folder / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def nginx_config(folder: Path, listen: int, upstream: int, cert: Path, key: Path) -> Path:
    site = (ROOT / "deploy/nginx/xinfeng.conf.template").read_text(encoding="utf-8")
    values = {
        "APP_ROOT": str(ROOT),
        "UPSTREAM": f"127.0.0.1:{upstream}",
        "SERVER_NAME": "localhost",
        "LISTEN": f"127.0.0.1:{listen}",
        "TLS_CERTIFICATE": str(cert),
        "TLS_KEY": str(key),
    }
    for name, value in values.items():
        site = site.replace("${" + name + "}", value)
    check("${" not in site, "the nginx site template has no unfilled ${NAME}")
    (folder / "site.conf").write_text(site, encoding="utf-8")
    user = f"user {os.environ.get('USER', 'root')};\n" if os.geteuid() == 0 else ""
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "nginx-error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder / "nginx-access.log"};
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder / "site.conf"};
}}
""",
        encoding="utf-8",
    )
    return conf


class Browser:
    """A phone speaking https to nginx, keeping its cookies (and noting which were Secure)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.secure: dict[str, bool] = {}
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE

    def request(self, method: str, path: str, data=None, headers=None, body: bytes | None = None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=30)
        sent = {"Host": f"localhost:{self.port}", "Accept-Language": "zh-CN", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            # Over https Flask-WTF also checks that a form came from this site, as browsers say.
            sent.setdefault("Referer", f"https://localhost:{self.port}{path}")
        if data is not None:
            body = urlencode(data).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
                self.secure[name] = "secure" in header.lower()
        return response, payload

    def page(self, path: str) -> str:
        response, payload = self.request("GET", path)
        check(response.status == 200, f"GET {path} answers 200 (got {response.status})")
        return payload.decode("utf-8")


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    check(match is not None, "the page carries a CSRF token")
    return match.group(1)


def walk(port: int, event_id: int, shift_id: int) -> None:
    phone = Browser(port)
    response, payload = phone.request("GET", "/healthz")
    check(response.status == 200 and payload.strip() == b"ok", "/healthz through nginx")

    html = phone.page(f"/events/{event_id}")
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', html)
    check(css is not None, "the event page links app.css with its content hash")
    response, payload = phone.request("GET", css.group(1), headers={"Accept-Encoding": "gzip"})
    check(response.status == 200, "app.css is served")
    check(
        response.getheader("Content-Security-Policy") is None,
        "app.css comes from disk (nginx), not through the app",
    )
    check(
        "immutable" in (response.getheader("Cache-Control") or ""),
        "app.css is cached for a year, immutable",
    )
    check(response.getheader("Content-Encoding") == "gzip", "app.css is sent gzip-compressed")
    check(
        gzip.decompress(payload) == (ROOT / "static/css/app.css").read_bytes(),
        "the compressed app.css is the file on disk",
    )

    response, _ = phone.request("POST", "/login", body=b"x" * (9 * 1024 * 1024))
    check(response.status == 413, "a 9 MB request body is refused by nginx (413)")

    login = phone.page("/login")
    response, _ = phone.request(
        "POST", "/login", {"phone": PHONE, "password": PASSWORD, "csrf_token": _csrf(login)}
    )
    check(response.status == 302, f"the volunteer logs in through nginx ({response.status})")
    check(
        bool(response.getheader("Strict-Transport-Security")),
        "HSTS is sent: the app sees https behind the proxy",
    )
    check(
        phone.secure and all(phone.secure.values()),
        "every cookie is Secure: the app sees https behind the proxy",
    )

    phone.page(f"/events/{event_id}")
    confirm = phone.page(f"/shifts/{shift_id}/signup")
    response, _ = phone.request(
        "POST", f"/shifts/{shift_id}/signup", {"csrf_token": _csrf(confirm)}
    )
    target = urlsplit(response.getheader("Location") or "")
    check(response.status == 302 and target.path == f"/shifts/{shift_id}/signup", "sign-up POST")
    result = phone.page(f"{target.path}?{target.query}")
    check("已报名" in result or "报名成功" in result, "the result page shows the sign-up")

    ics = phone.page(f"/events/{event_id}.ics")
    check(f"https://localhost:{port}/events/{event_id}" in ics, "links in feeds are https")


def _wait(port: int, process: subprocess.Popen, log: Path, tls: bool = False) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"deploy-check FAILED: a server stopped:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("deploy-check FAILED: a server did not start in time")


def _stop(process: subprocess.Popen | None, sig=signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    check(Path(nginx).exists(), f"nginx is installed ({nginx})")
    folder = Path(tempfile.mkdtemp(prefix="xinfeng-deploy-check-"))
    folder.chmod(0o755)
    app_port, web_port = _free_port(), _free_port()
    url, event_id, shift_id = prepare_database(folder)
    cert, key = make_certificate(folder)
    conf = nginx_config(folder, web_port, app_port, cert, key)
    test = subprocess.run([nginx, "-t", "-c", str(conf), "-p", str(folder)], capture_output=True)
    check(test.returncode == 0, f"nginx accepts the site ({test.stderr.decode().strip()[-300:]})")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "PLANNER_INSTANCE_PATH": str(folder),
        "PLANNER_PROXY_COUNT": "1",
        "PLANNER_PAGE_CACHE_SECONDS": "0",
    }
    env.pop("REDIS_URL", None)
    gunicorn_log = folder / "gunicorn.log"
    app = web = None
    try:
        with gunicorn_log.open("w") as out:
            app = subprocess.Popen(
                [str(Path(sys.executable).with_name("gunicorn")), "--workers", "2"]
                + ["--bind", f"127.0.0.1:{app_port}", "--chdir", str(ROOT), "app:app"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait(app_port, app, gunicorn_log)
        web = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        _wait(web_port, web, folder / "nginx-error.log")
        print(f"nginx https://127.0.0.1:{web_port} → gunicorn 127.0.0.1:{app_port}")
        walk(web_port, event_id, shift_id)
    finally:
        _stop(web, signal.SIGQUIT)
        _stop(app, signal.SIGINT)
    shutil.rmtree(folder, ignore_errors=True)
    print("deploy-check passed")


if __name__ == "__main__":
    main()
