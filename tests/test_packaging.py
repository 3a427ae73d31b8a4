"""A newcomer's install: ``make run`` honours HOST and PORT, and a wheel of the project carries
the compiled translations, templates and static files (Chinese without ``make``)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _make_run_dry(env_extra: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "MAKEFLAGS"}}
    env.update(env_extra)
    result = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return next(line for line in result.stdout.splitlines() if "gunicorn" in line)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_on_host_and_port_from_the_environment():
    assert "--bind 127.0.0.1:5000 " in _make_run_dry({})
    assert "--bind 0.0.0.0:8123 " in _make_run_dry({"HOST": "0.0.0.0", "PORT": "8123"})


def _copy_sources(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for folder in ("planner", "templates", "static"):
        shutil.copytree(ROOT / folder, target / folder, ignore=ignore)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)


def _build_requirements_present() -> bool:
    """setuptools 80 or later (it builds wheels itself) and Babel, as pyproject.toml asks."""
    try:
        major = int(metadata.version("setuptools").split(".")[0])
    except metadata.PackageNotFoundError:
        return False
    return major >= 80 and importlib.util.find_spec("babel") is not None


@pytest.mark.packaging
def test_a_wheel_built_in_a_temporary_folder_serves_chinese(tmp_path):
    source, dist, site = tmp_path / "src", tmp_path / "dist", tmp_path / "site"
    _copy_sources(source)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist)]
    # With the build requirements at hand, skip the isolated build environment (seconds, no index).
    if _build_requirements_present():
        command.append("--no-build-isolation")
    subprocess.run([*command, str(source)], check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = dist.glob("xinfeng-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(site)  # a pure-Python wheel installs by unpacking
    assert "planner/translations/zh_Hans_CN/LC_MESSAGES/messages.mo" in names
    assert "planner/templates/base.html" in names
    assert "planner/migrations/alembic.ini" in names

    script = textwrap.dedent(
        """
        import planner, sys
        from planner import create_app
        from planner.extensions import db
        assert planner.__file__.startswith(sys.argv[1]), planner.__file__
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        with app.app_context():
            db.create_all()
        client = app.test_client()
        page = client.get("/events", headers={"Accept-Language": "zh-CN"})
        assert page.status_code == 200, page.status_code
        assert "活动" in page.get_data(as_text=True)
        assert client.get("/static/js/live.js").status_code == 200
        print("ok")
        """
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "PLANNER_INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "wheel-test",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script, str(site)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.packaging
@pytest.mark.skipif(not _build_requirements_present(), reason="setuptools 80+ and Babel needed")
def test_an_editable_install_builds_without_warnings_and_compiles_the_translations(tmp_path):
    """``make run``'s ``pip install -e .``: no setuptools warning block, and the catalogues are
    compiled in place (pip shows a build backend's warnings since pip 25)."""
    source = tmp_path / "src"
    _copy_sources(source)
    script = (
        "import warnings, sys\n"
        "warnings.simplefilter('always')\n"
        "from setuptools import build_meta\n"
        "print(build_meta.build_editable(sys.argv[1]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "dist")],
        cwd=source,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "Warning" not in output and "!!" not in output, output
    assert (source / "planner/translations/zh_Hans_CN/LC_MESSAGES/messages.mo").is_file()
