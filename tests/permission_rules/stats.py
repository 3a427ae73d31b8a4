"""The desk, the statistics pages, the ledger and the sign-in sheet."""

from tests.permission_rules import Rule

LOGIN = 302
# The ledger of 市委编办: its organiser and administrators (its team's leader is not one).
LEDGER = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=200, admin=200)

RULES = [
    Rule("desk.desk", "GET", "/desk", LOGIN, 403, 200, 200, 200),
    Rule("stats.page", "GET", "/stats/departments/{department}?period=year"),
    Rule("stats.ledger_xlsx", "GET", "/stats/departments/{department}/ledger.xlsx", **LEDGER),
    Rule("stats.ledger_page", "GET", "/stats/departments/{department}/ledger", **LEDGER),
    Rule(
        "stats.sign_in_sheet",
        "GET",
        "/events/{signup_event}/sign-in-sheet",
        LOGIN,
        403,
        403,
        200,
        200,
    ),
]
