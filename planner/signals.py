"""Named signals where one feature asks or tells another without importing it.

The feature that owns a fact sends the signal; a feature that knows more connects a receiver, once,
at app creation (``planner.signups.hooks.register``). Imports go one way: senders and receivers
import this module, it imports nothing of ours. Each receiver is called as ``receiver(sender)``
and ``send`` returns ``[(receiver, value), …]``; what the value must be is said for each signal.
Tests connect receivers of their own with ``signal.connected_to(receiver)``.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

event_participants = _signals.signal(
    "event-participants",
    doc="""Who takes part in an event, to be told of a change or a cancellation.

    Sent by ``planner.events.workflow.participants`` with the ``Event`` as sender. Each receiver
    returns an iterable of ``User`` (the sign-up feature: volunteers holding or waiting for a place
    on a shift, residents holding or waiting for seats); the sender counts each user once.
    """,
)

shift_places_added = _signals.signal(
    "shift-places-added",
    doc="""A shift's capacity went up; places may be free for those waiting.

    Sent by ``planner.events.capacity.change_shift_capacity`` with the ``Shift`` as sender, its
    row locked and the new capacity flushed. Each receiver returns the list of sign-ups it
    confirmed from the waitlist (the sign-up feature promotes in arrival order and tells them).
    """,
)

seats_added = _signals.signal(
    "seats-added",
    doc="""An event's audience seats went up; waiting parties may now fit.

    Sent by ``planner.events.capacity.change_seats`` with the ``Event`` as sender, its row locked
    and the new number of seats flushed. Each receiver returns the list of seat bookings it
    confirmed (the sign-up feature confirms waiting parties in arrival order while they fit, and
    tells them).
    """,
)

personal_events = _signals.signal(
    "personal-events",
    doc="""The events in a person's personal calendar feed.

    Sent by ``planner.calendar.services.personal_feed`` with the ``User`` as sender. Each receiver
    returns a ``Select`` of ``Event.id``; the feed holds the union (nothing while no receiver is
    connected). The sign-up feature returns the events of the shifts and seats a person holds or
    waits for.
    """,
)

personal_data = _signals.signal(
    "personal-data",
    doc="""What a feature holds about a person, for their data download (``/my/data.json``).

    Sent by ``planner.signups.privacy.export`` with the ``User`` as sender. Each receiver returns
    ``(name, rows)``: a section name and a list of JSON-ready dicts, added to the download beside
    the sign-up feature's own sections (the banquet adds dish claims, the points feature its ledger
    and redemptions).
    """,
)

hours_credited = _signals.signal(
    "hours-credited",
    doc="""A sign-up's service hours were credited or corrected (its service record written).

    Sent by ``planner.signups.attendance._credit`` with the ``Signup`` as sender, its row locked
    by the guarded update and its new ``minutes`` flushed, inside the request's transaction. The
    points feature writes its ledger entries (earned, or reversed when hours went down) there, so
    they commit or roll back with the hours. Return values are ignored.
    """,
)

event_completed = _signals.signal(
    "event-completed",
    doc="""An event was marked completed (it took place).

    Sent by ``planner.events.workflow.complete`` with the ``Event`` as sender, its row locked and
    its status flushed, inside the request's transaction. The points feature credits the audience
    (confirmed seat bookings) there. Return values are ignored.
    """,
)

attempt_finished = _signals.signal(
    "attempt-finished",
    doc="""A quiz attempt was closed and totalled (``passed`` is set).

    Sent by ``planner.quizzes.attempts.finish`` with the ``Attempt`` as sender, inside the
    request's transaction, once per attempt (and by ``planner.quizzes.live.finish`` for each
    player's attempt of a live round). The points feature credits a passed quiz there.
    Return values are ignored.
    """,
)

reminders_due = _signals.signal(
    "reminders-due",
    doc="""The daily reminders run (``flask send-reminders``): tell people of tomorrow's events.

    Sent by ``planner.signups.notices.send_reminders`` with the start of tomorrow (aware UTC) as
    sender and ``end`` (the start of the day after). Each receiver queues its own reminders in the
    outbox, each with a dedupe key, and returns how many people it considered (the banquet feature
    reminds households of their table and dish).
    """,
)

seats_cancelled = _signals.signal(
    "seats-cancelled",
    doc="""A household's audience seats were cancelled (by the resident, or with their account).

    Sent by ``planner.signups.bookings.cancel_seats`` with the ``SeatBooking`` as sender, the
    event row locked and the cancellation flushed. Receivers return nothing (the banquet feature
    withdraws the household's dish and takes it off its table).
    """,
)
