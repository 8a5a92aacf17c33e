"""A local fake of WeChat's server API (api.weixin.qq.com), answering as WeChat does: errcode/errmsg
documents, access tokens from ``/cgi-bin/stable_token`` checked on every call (40001 for a bad one,
42001 once expired), the app secret checked on code exchanges.

Routes are a table of ``(method, path) -> handler(fake, query, body) -> (status, document)``; tests and
other fakes add their own with ``route``. ``fail_next`` answers the next calls to a path with a given
errcode; ``delay`` pauses every answer (for timeouts)."""

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

Answer = tuple[int, dict]
Handler = Callable[["FakeWeChat", dict, dict], Answer]


class FakeWeChat:
    def __init__(self, apps: dict[str, str]):
        self.apps = dict(apps)  # appid -> secret
        self.tokens: dict[str, str] = {}  # token -> appid
        self.expired: set[str] = set()
        self.routes: dict[tuple[str, str], Handler] = {}
        self.fail_next: dict[str, list[int]] = {}
        self.delay = 0.0
        self.requests: list[tuple[str, str, dict, dict]] = []
        self.url = ""
        self.route("POST", "/cgi-bin/stable_token", _stable_token)
        self.route("GET", "/cgi-bin/ticket/getticket", _getticket)

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def fail(self, path: str, *errcodes: int) -> None:
        self.fail_next.setdefault(path, []).extend(errcodes)

    def token_app(self, query: dict) -> str | Answer:
        """The appid whose valid token the call carries, or the error WeChat answers."""
        token = query.get("access_token", "")
        if token in self.expired:
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        if token not in self.tokens:
            return 200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
        return self.tokens[token]

    def expire_tokens(self) -> None:
        self.expired |= set(self.tokens)

    def issue_token(self, appid: str) -> str:
        token = "TOKEN_" + secrets.token_hex(8)
        self.tokens[token] = appid
        return token

    def answer(self, method: str, target: str, body: bytes) -> Answer:
        url = urlsplit(target)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        try:
            document = json.loads(body) if body else {}
        except ValueError:
            return 200, {"errcode": 47001, "errmsg": "data format error"}
        self.requests.append((method, url.path, query, document))
        if self.fail_next.get(url.path):
            errcode = self.fail_next[url.path].pop(0)
            return 200, {"errcode": errcode, "errmsg": "fake failure"}
        handler = self.routes.get((method, url.path))
        if handler is None:
            return 404, {"errcode": 404, "errmsg": "not found"}
        return handler(self, query, document)


def _stable_token(fake: FakeWeChat, query: dict, body: dict) -> Answer:
    appid = body.get("appid", "")
    if body.get("grant_type") != "client_credential":
        return 200, {"errcode": 40002, "errmsg": "invalid grant_type"}
    if appid not in fake.apps:
        return 200, {"errcode": 40013, "errmsg": "invalid appid"}
    if fake.apps[appid] != body.get("secret"):
        return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
    current = [t for t, a in fake.tokens.items() if a == appid and t not in fake.expired]
    token = current[0] if current and not body.get("force_refresh") else fake.issue_token(appid)
    return 200, {"access_token": token, "expires_in": 7200}


def _getticket(fake: FakeWeChat, query: dict, body: dict) -> Answer:
    app = fake.token_app(query)
    if isinstance(app, tuple):
        return app
    if query.get("type") != "jsapi":
        return 200, {"errcode": 40097, "errmsg": "invalid args"}
    return 200, {"errcode": 0, "errmsg": "ok", "ticket": "TICKET_" + secrets.token_hex(8), "expires_in": 7200}


def _handler(fake: FakeWeChat) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if fake.delay:
                time.sleep(fake.delay)
            status, document = fake.answer(self.command, self.path, body)
            data = json.dumps(document, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, *args) -> None:
            pass

    return Handler


@contextmanager
def fake_wechat_server(apps: dict[str, str]) -> Iterator[FakeWeChat]:
    fake = FakeWeChat(apps)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
