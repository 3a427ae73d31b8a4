"""Directory, accounts, administration and main routes."""

from tests.permission_rules import Rule

LOGIN = 302  # anonymous users are sent to the log-in page
OK_OR_REDIRECT = frozenset({200, 302})

RULES = [
    Rule("main.home", "GET", "/"),
    Rule("main.healthz", "GET", "/healthz"),
    Rule("main.set_language", "POST", "/language", 302, 302, 302, 302, 302, data={"locale": "en"}),
    Rule("static", "GET", "/static/css/app.css"),
    Rule("bootstrap.static", "GET", "/bootstrap/static/css/bootstrap.min.css"),
    Rule("accounts.login", "GET", "/login", 200, 302, 302, 302, 302),
    Rule("accounts.register", "GET", "/register", 200, 302, 302, 302, 302),
    Rule("accounts.profile", "GET", "/account", LOGIN),
    Rule("accounts.change_password", "GET", "/account/password", LOGIN),
    Rule("directory.districts", "GET", "/districts"),
    Rule("directory.district", "GET", "/districts/{district}"),
    Rule("directory.street", "GET", "/streets/{street}"),
    Rule("directory.community", "GET", "/communities/{community}"),
    Rule("directory.departments", "GET", "/departments"),
    Rule("directory.department", "GET", "/departments/{department}"),
    Rule("directory.partner", "GET", "/partners/{partner}"),
    Rule("directory.teams", "GET", "/teams"),
    Rule("directory.team", "GET", "/teams/{team}"),
    Rule("directory.team_members", "GET", "/teams/{team}/members", LOGIN, 403, 200, 200, 200),
    Rule("directory.join_team", "POST", "/teams/{open_team}/join", LOGIN, 302, 302, 302, 302),
    Rule("directory.leave_team", "POST", "/teams/{open_team}/leave", LOGIN, 302, 302, 302, 302),
    Rule(
        "directory.decide_member",
        "POST",
        "/teams/{team}/members/{pending_membership}/approve",
        LOGIN, 403, 302, 302, 302,
    ),
    Rule("directory.admin_list", "GET", "/admin/directory/communities", LOGIN, 403, 403, 403, 200),
    Rule("directory.admin_edit", "GET", "/admin/directory/communities/{community}/edit", LOGIN, 403, 403, 403, 200),
    Rule("directory.admin_archive", "POST", "/admin/directory/partners/{partner}/archive", LOGIN, 403, 403, 403, 302),
    Rule("directory.admin_partnerships", "GET", "/admin/partnerships", LOGIN, 403, 403, 403, 200),
    Rule("directory.admin_partnership_edit", "GET", "/admin/partnerships/new", LOGIN, 403, 403, 403, 200),
    Rule("directory.admin_partnership_archive", "POST", "/admin/partnerships/{partnership}/archive", LOGIN, 403, 403, 403, 302),
    Rule("admin.dashboard", "GET", "/admin/", LOGIN, 403, 403, 403, 200),
    Rule("admin.users", "GET", "/admin/users", LOGIN, 403, 403, 403, 200),
    Rule("admin.user", "GET", "/admin/users/{volunteer_id}", LOGIN, 403, 403, 403, 200),
    Rule("admin.revoke_grant", "POST", "/admin/users/{organiser_id}/grants/{grant}/revoke", LOGIN, 403, 403, 403, 302),
    Rule("admin.outbox", "GET", "/admin/outbox", LOGIN, 403, 403, 403, 200),
    Rule("admin.send_outbox", "POST", "/admin/outbox/send", LOGIN, 403, 403, 403, 302),
    Rule("admin.audit_log", "GET", "/admin/audit", LOGIN, 403, 403, 403, 200),
    # Log-out last: it ends the session for the rules after it.
    Rule("accounts.logout", "POST", "/logout", 302, 302, 302, 302, 302),
]
