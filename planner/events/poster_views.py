"""An event's poster (海报): the printable A4 page and the share image chat apps show."""

from __future__ import annotations

from flask import abort, make_response, render_template, request
from flask_babel import get_locale

from planner import pagecache
from planner.events import posters, queries
from planner.events.blueprint import bp
from planner.urls import public_url

# The event page's Open Graph description (events/_open_graph.html) is the poster's, shorter.
bp.add_app_template_global(posters.short_description)


@bp.get("/events/<int:event_id>/poster")
@pagecache.cached_for_visitors(queries.event_version)
def poster(event_id: int):
    event = posters.poster_event(event_id) or abort(404)
    return render_template(
        "events/poster.html",
        event=event,
        event_url=public_url("events.detail", event_id=event.id),
        description=posters.short_description(event.description),
        hosts=posters.hosts_line(event),
        takes_sign_ups=posters.takes_sign_ups(event),
    )


@bp.get("/events/<int:event_id>/share.png")
def share_image(event_id: int):
    event = posters.poster_event(event_id) or abort(404)
    # Drawn again only when the event changes (every edit stamps updated_at) or the language does.
    url = public_url("events.detail", event_id=event.id)
    etag = f"{event.id}-{event.updated_at.timestamp():.0f}-{get_locale()}"
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        response = make_response(posters.share_card(event, url, f"{etag}|{url}"))
        response.mimetype = "image/png"
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response
