"""Owner-console fixtures: two owners, a tourist, and a local HTTP server for iCal feeds."""

import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background jobs run inside the request here, whatever backend the settings name."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def owner(db):
    return factories.user(username="owner", email="owner@example.com")


@pytest.fixture
def homestay(owner):
    return factories.homestay(owner=owner)


@pytest.fixture
def room(homestay):
    """The owner's room type: 2 rooms, ¥200 weekdays, ¥300 weekends."""
    return factories.room_type(
        homestay=homestay, room_count=2, base_price=Decimal("200.00"), weekend_price=Decimal("300.00")
    )


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def other_owner(db):
    other = factories.user(username="other-owner")
    factories.room_type(homestay=factories.homestay(owner=other))
    return other


@pytest.fixture
def tourist(db):
    return factories.user(username="tourist")


class FeedServer:
    """Serves iCal feeds on 127.0.0.1: ``routes[path] = (status, headers, body)`` or a callable that
    gets the handler and writes the answer itself (slow or endless servers)."""

    def __init__(self):
        self.routes: dict = {}
        self.requests: list[str] = []
        routes, requests = self.routes, self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                route = routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if callable(route):
                    route(self)
                    return
                status, headers, body = route
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def serve(self, path: str, body: bytes | str, *, status: int = 200, headers: dict | None = None) -> str:
        if isinstance(body, str):
            body = body.encode()
        self.routes[path] = (status, {"Content-Type": "text/calendar", **(headers or {})}, body)
        return self.url(path)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed_server(settings):
    settings.ICAL_SYNC_ALLOW_PRIVATE_HOSTS = True
    settings.ICAL_SYNC_TIMEOUT_SECONDS = 2
    server = FeedServer()
    yield server
    server.close()
