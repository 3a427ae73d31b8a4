"""Messages shared by several features, marked for translation once."""

from flask_babel import lazy_gettext as _l

login_required_message = _l("Please log in to continue.")
