"""The package build compiles the translations and ships the templates and static files.

Everything else about the project is in pyproject.toml. ``pip install .`` and a wheel get the
compiled ``.mo`` catalogues (without them Chinese users would see English), the migrations'
data files, and ``templates/`` and ``static/`` inside the package; an editable install
(``pip install -e .``, which ``make run`` does) compiles the catalogues in place instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
TRANSLATIONS = Path("planner", "translations")


def compile_catalogues(source: Path, target: Path) -> None:
    """Writes ``messages.mo`` beside each language's ``messages.po`` (as ``pybabel compile``)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as po_file:
            catalog = read_po(po_file, locale=po.parts[-3])
        with mo.open("wb") as mo_file:
            write_mo(mo_file, catalog)


class BuildWithTranslations(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            compile_catalogues(ROOT / TRANSLATIONS, ROOT / TRANSLATIONS)
            return
        package = Path(self.build_lib, "planner")
        compile_catalogues(ROOT / TRANSLATIONS, package / "translations")
        migrations = ROOT / "planner" / "migrations"
        for path in migrations.rglob("*"):
            if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts:
                target = package / "migrations" / path.relative_to(migrations)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
        for folder in ("templates", "static"):
            shutil.copytree(ROOT / folder, package / folder, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithTranslations})
