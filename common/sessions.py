"""allauth's X-Session-Token strategy, reading the session in one query instead of two."""

from allauth.headless.internal import sessionkit
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy as AllauthSessionTokenStrategy
from django.contrib.sessions.backends.base import SessionBase


class SessionTokenStrategy(AllauthSessionTokenStrategy):
    """allauth's strategy asks the session store whether the token exists, then loads it: two queries
    on every API request with a token. allauth's own ``sessionkit.lookup_session`` loads it once (a
    missing or expired session clears its key) and is what its other paths use."""

    def lookup_session(self, session_token: str) -> SessionBase | None:
        return sessionkit.lookup_session(session_token)
