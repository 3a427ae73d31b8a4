"""The permission matrix: every route in ``app.url_map`` × every role has an expected status.

Each feature has a module here with:

- ``RULES``: a list of ``Rule(endpoint, method, path, anonymous=…, volunteer=…, leader=…,
  organiser=…, admin=…)``. ``path`` has ``{name}`` placeholders filled from the world; an expected
  value is a status code or a set of acceptable codes (302 for a redirect, e.g. to the login page).
- optionally ``build(world)``: adds the records its paths need to ``world`` (a dict); it runs after
  the directory world below exists and may commit.

Rules of one role run in order against one fresh world, so a state-changing rule's later neighbours
see its effect.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field

ROLES = ("anonymous", "volunteer", "leader", "organiser", "admin")


@dataclass(frozen=True)
class Rule:
    endpoint: str
    method: str
    path: str
    anonymous: int | frozenset = 200
    volunteer: int | frozenset = 200
    leader: int | frozenset = 200
    organiser: int | frozenset = 200
    admin: int | frozenset = 200
    data: dict = field(default_factory=dict)

    def expected(self, role: str) -> frozenset:
        value = getattr(self, role)
        return frozenset(value) if isinstance(value, set | frozenset) else frozenset({value})


def modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        yield importlib.import_module(f"{__name__}.{info.name}")


def all_rules() -> list[Rule]:
    rules = [rule for module in modules() for rule in getattr(module, "RULES", [])]
    # Log-out ends the session, so it runs after every other module's rules.
    return sorted(rules, key=lambda rule: rule.endpoint == "accounts.logout")
