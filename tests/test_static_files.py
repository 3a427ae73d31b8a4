"""Static files carry their content hash in the URL, are cached for a year and sent compressed."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from planner import static_files

STATIC = Path(__file__).resolve().parents[1] / "static"


def _links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/(?:static|bootstrap)/[^"]+)"', html)


def test_every_static_url_on_a_page_carries_the_files_content_hash(client):
    links = _links(client.get("/events").get_data(as_text=True))
    assert any("/static/css/app.css?v=" in link for link in links)
    assert any(link.startswith("/bootstrap/static/") for link in links)
    for link in links:
        assert re.search(r"\?v=[0-9a-f]{12}$", link), link


def test_the_fingerprint_changes_with_the_content(app, tmp_path):
    app.static_folder = str(tmp_path)
    (tmp_path / "a.css").write_text("body{}", encoding="utf-8")
    with app.test_request_context("/"):
        first = static_files.fingerprint("static", "a.css")
        (tmp_path / "a.css").write_text("body{color:red}", encoding="utf-8")
        assert static_files.fingerprint("static", "a.css") not in (None, first)
        assert static_files.fingerprint("static", "../a.css") is None
        assert static_files.fingerprint("static", "missing.css") is None


def test_the_current_fingerprint_is_cached_for_a_year_and_anything_else_revalidates(client):
    link = next(x for x in _links(client.get("/events").get_data(as_text=True)) if "app.css" in x)
    with client.get(link) as current:
        assert current.status_code == 200
        assert current.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with client.get("/static/css/app.css?v=000000000000") as old:
        assert old.headers["Cache-Control"] == "no-cache"
    with client.get("/static/css/app.css") as bare:
        assert bare.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/js/nav.js"])
def test_text_files_go_gzip_compressed_to_clients_that_accept_it_and_revalidate(client, path):
    original = (STATIC / path.removeprefix("/static/")).read_bytes()
    with client.get(path, headers={"Accept-Encoding": "gzip, br"}) as packed:
        assert packed.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert gzip.decompress(packed.data) == original
        etag = packed.headers["ETag"]
    again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    with client.get(path) as plain:
        assert "Content-Encoding" not in plain.headers and plain.data == original


def test_the_bootstrap_stylesheet_is_compressed_and_cached_too(client):
    link = next(
        x
        for x in _links(client.get("/events").get_data(as_text=True))
        if x.startswith("/bootstrap/") and ".css?" in x
    )
    with client.get(link, headers={"Accept-Encoding": "gzip"}) as css:
        assert css.status_code == 200
        assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert css.headers["Content-Encoding"] == "gzip"
        assert len(css.data) < 40_000  # bootstrap.min.css is about 230 KB unpacked
