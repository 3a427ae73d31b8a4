"""What every page a journey visits must pass: fits the screen, big targets, readable text, axe."""

from __future__ import annotations

from tests.browser.live import AXE_JS

MIN_TARGET = 44
MIN_FONT_PX = 14

_TARGETS_JS = """
() => Array.from(document.querySelectorAll('button, .btn, input[type=submit], [role=button]'))
  .filter(el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
                  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; })
  .map(el => { const r = el.getBoundingClientRect();
               return {text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40),
                       width: Math.round(r.width), height: Math.round(r.height)}; })
"""

_FONT_JS = """
() => Array.from(document.querySelectorAll('main p, main li, main td, main label, main a, main button, main dd, main dt'))
  .filter(el => el.offsetParent !== null && el.innerText && el.innerText.trim())
  .map(el => ({text: el.innerText.trim().slice(0, 30), size: parseFloat(getComputedStyle(el).fontSize)}))
  .filter(x => x.size < MIN)
""".replace("MIN", str(MIN_FONT_PX))


def check_page(page) -> None:
    """Assert the page fits its width, has 44 px targets, 14 px text and no serious axe findings."""
    page.wait_for_load_state("load")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url}: sideways scroll ({width} px in a {viewport} px screen)"
    small = [
        t for t in page.evaluate(_TARGETS_JS) if t["width"] < MIN_TARGET or t["height"] < MIN_TARGET
    ]
    assert not small, f"{page.url}: targets under {MIN_TARGET}x{MIN_TARGET}: {small[:5]}"
    tiny = page.evaluate(_FONT_JS)
    assert not tiny, f"{page.url}: text under {MIN_FONT_PX}px: {tiny[:5]}"
    violations = axe_violations(page)
    assert not violations, f"{page.url}: accessibility: {violations}"


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core findings, as short strings."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the page's policy refuses inline scripts.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def open_menu(page) -> None:
    """On a phone the main menu is folded behind its button: open it (a no-op where it is open)."""
    toggle = page.locator("summary.nav-toggle")
    if toggle.is_visible() and page.locator("details.nav-menu").get_attribute("open") is None:
        toggle.click()
