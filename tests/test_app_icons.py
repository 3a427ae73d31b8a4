"""The favicon and the web app manifest: *Add to home screen* shows the 新 icon and the name."""

from __future__ import annotations

import io
import re

from PIL import Image


def test_every_page_links_the_icons_and_the_manifest(client):
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'<link rel="(icon|apple-touch-icon|manifest)" href="([^"]+)"', page)
    assert {rel for rel, _ in links} == {"icon", "apple-touch-icon", "manifest"}
    for _rel, href in links:
        with client.get(href) as response:
            assert response.status_code == 200, href


def test_the_manifest_names_the_app_in_the_page_language_with_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["short_name"] == "新风" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["theme_color"] == "#b3261e"
    sizes = set()
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as response:
            image = Image.open(io.BytesIO(response.data))
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    client.set_cookie("locale", "en")
    assert client.get("/manifest.webmanifest").get_json()["short_name"] == "Xinfeng"


def test_the_favicon_is_at_the_root_where_browsers_ask_for_it(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert Image.open(io.BytesIO(response.data)).format == "ICO"
