"""Sliding session expiry without a database write on every request.

Sessions end after SESSION_COOKIE_AGE without a request. Django's way of sliding the
expiry, SESSION_SAVE_EVERY_REQUEST, writes the session row on every request: on SQLite
every page view then takes the database's single write lock, which is what queued
requests under load. This pushes the expiry back at most once every REFRESH_SECONDS, so
a session ends between SESSION_COOKIE_AGE - REFRESH_SECONDS and SESSION_COOKIE_AGE after
the last request (29 to 30 minutes with the defaults).
"""

import time
from collections.abc import Callable

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.http import HttpRequest, HttpResponse

REFRESH_SECONDS = 60
# Stored in the session itself, so every app server agrees on when it was last pushed back.
REFRESHED_AT = "_expiry_refreshed_at"


class SessionStore(DatabaseSessionStore):
    """Django's database sessions (SESSION_ENGINE), stamped with when each was last saved:
    every save, signing in included, sets a new expiry date."""

    def save(self, must_create: bool = False) -> None:
        self._get_session(no_load=must_create)[REFRESHED_AT] = int(time.time())
        super().save(must_create=must_create)


class SlidingExpiryMiddleware:
    """After SessionMiddleware: marks a live session modified when its expiry is due to
    be pushed back, and SessionMiddleware then saves it (SessionStore stamps the time)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or response.status_code >= 500:
            return response
        if time.time() - int(session.get(REFRESHED_AT, 0)) >= REFRESH_SECONDS:
            session.modified = True
        return response
