"""The production set-up in deploy/ agrees with the app: commands, limits and settings exist."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import pytest

from planner import config

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str
    unit.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return unit


@pytest.mark.parametrize("job", ["reminders", "notifications"])
def test_each_timer_starts_a_service_that_runs_an_existing_flask_command(app, job):
    assert _unit(f"xinfeng-{job}.timer")["Timer"]["OnCalendar"]
    command = shlex.split(_unit(f"xinfeng-{job}.service")["Service"]["ExecStart"])
    assert command[:3] == ["/srv/xinfeng/.venv/bin/flask", "--app", "app"]
    assert command[3] in app.cli.list_commands(app.app_context()) or command[3] in {
        name for bp in app.blueprints.values() for name in bp.cli.commands
    }


def test_the_app_unit_serves_app_app_with_gunicorn_on_loopback():
    service = _unit("xinfeng.service")["Service"]
    command = shlex.split(service["ExecStart"])
    assert command[0].endswith("/gunicorn") and command[-1] == "app:app"
    assert command[command.index("--bind") + 1].startswith("127.0.0.1:")
    assert service["EnvironmentFile"] == "/etc/xinfeng/env"


def test_nginx_refuses_bodies_the_app_would_refuse_and_trusts_one_proxy():
    site = (DEPLOY / "nginx/xinfeng.conf.template").read_text(encoding="utf-8")
    limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1)) * 1024 * 1024
    assert limit == config.DEFAULTS["MAX_CONTENT_LENGTH"]
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header}" in site
    assert 'Cache-Control "public, max-age=31536000, immutable"' in site


def test_the_example_environment_names_only_settings_the_app_reads(tmp_path, monkeypatch):
    lines = (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines()
    names = [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]
    known = set(config.load(str(tmp_path))) | {"DATABASE_URL", "PLANNER_INSTANCE_PATH"}
    assert set(names) <= known, set(names) - known
    assert "PLANNER_PROXY_COUNT=1" in lines
