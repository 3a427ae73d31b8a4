"""Imports every feature's models so the metadata (and so Alembic) knows every table."""

from planner.accounts import models as accounts  # noqa: F401
from planner.audit import models as audit  # noqa: F401
from planner.banquets import models as banquets  # noqa: F401
from planner.calendar import models as calendar  # noqa: F401
from planner.directory import models as directory  # noqa: F401
from planner.events import models as events  # noqa: F401
from planner.notifications import models as notifications  # noqa: F401
from planner.points import models as points  # noqa: F401
from planner.quizzes import models as quizzes  # noqa: F401
from planner.signups import models as signups  # noqa: F401
