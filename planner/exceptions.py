"""The base of every domain error a service raises; views turn ``message`` into a flash or field error."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken. ``message`` is lazily translated; ``field`` names the form field, if any."""

    message = "This cannot be done."
    field: str | None = None

    def __init__(self, message=None, field: str | None = None):
        if message is not None:
            self.message = message
        if field is not None:
            self.field = field
        super().__init__(str(self.message))
