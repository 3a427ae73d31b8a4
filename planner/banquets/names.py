"""How the banquet's categories and dish tags read in the page's (or message's) language."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from planner.banquets.models import DishCategory, DishClaim

TAGS = {
    "halal": _l("Halal"),
    "vegetarian": _l("Vegetarian"),
    "nuts": _l("Contains nuts"),
    "spicy": _l("Spicy"),
}


def category_name(category: DishCategory) -> str:
    """The category's name in the current language (Chinese when it has no English name)."""
    locale = get_locale()
    if locale is not None and locale.language == "en" and category.name_en:
        return category.name_en
    return category.name_zh


def tag_labels(claim: DishClaim) -> list[str]:
    return [str(TAGS[t]) for t in claim.tag_codes if t in TAGS]
