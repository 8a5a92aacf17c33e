"""A local fake of WeChat's web authorisation (网页授权) for the sign-in tests, answering as WeChat does.

- ``open.weixin.qq.com``: ``/connect/oauth2/authorize`` (the official account, inside WeChat) and
  ``/connect/qrconnect`` (the website's QR code) send the browser back to ``redirect_uri`` with a one-time
  ``code`` and the caller's ``state`` (only ``state`` when the person refuses), for whoever is "in
  WeChat" right now (``signed_in``); a served HTTP page for browser tests, ``authorize`` for Django's
  test client.
- ``api.weixin.qq.com`` (routes added to ``tests/common/fake_wechat_api.FakeWeChat``):
  ``/sns/oauth2/access_token`` checks the appid and secret and accepts each code once (40029 unknown,
  40163 used); ``/sns/userinfo`` answers only for ``snsapi_userinfo``/``snsapi_login`` tokens (48001
  otherwise). A UnionID is given only to those scopes, as WeChat does.

An openid is per app and person, a UnionID per person, so one person seen by the official account, the
website and the mini-program has three openids and one UnionID."""

import hashlib
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.common.fake_wechat_api import Answer, FakeWeChat

SCOPES = {
    "/connect/oauth2/authorize": {"snsapi_base", "snsapi_userinfo"},
    "/connect/qrconnect": {"snsapi_login"},
}
PROFILE_SCOPES = {"snsapi_userinfo", "snsapi_login"}


@dataclass
class Person:
    key: str
    nickname: str = "枣林游客"
    has_unionid: bool = True
    refuses: bool = False

    @property
    def unionid(self) -> str | None:
        return "oUnion_" + hashlib.sha256(self.key.encode()).hexdigest()[:20] if self.has_unionid else None


def openid(appid: str, person: Person) -> str:
    return "oOpen_" + hashlib.sha256(f"{appid}:{person.key}".encode()).hexdigest()[:22]


@dataclass
class Grant:
    appid: str
    person: Person
    scope: str
    used: bool = False


class FakeWeChatOAuth:
    def __init__(self, api: FakeWeChat):
        self.api = api
        self.signed_in = Person("ann")
        self.codes: dict[str, Grant] = {}
        self.tokens: dict[str, Grant] = {}
        self.visits: list[tuple[str, dict]] = []  # (path, query) of every authorisation page shown
        self.url = ""
        api.route("GET", "/sns/oauth2/access_token", self._access_token)
        api.route("GET", "/sns/userinfo", self._userinfo)

    def authorize(self, url: str) -> str:
        """Where WeChat's authorisation page at ``url`` sends the browser: ``redirect_uri`` with a code."""
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        self.visits.append((parts.path, query))
        assert parts.fragment == "wechat_redirect", url
        assert query["appid"] in self.api.apps, "WeChat shows 'appid 参数错误'"
        assert query["response_type"] == "code" and query["scope"] in SCOPES[parts.path], url
        back = {"state": query.get("state", "")}
        if not self.signed_in.refuses:
            back["code"] = self.issue_code(query["appid"], query["scope"])
        separator = "&" if "?" in query["redirect_uri"] else "?"
        return query["redirect_uri"] + separator + urlencode(back)

    def issue_code(self, appid: str, scope: str, person: Person | None = None) -> str:
        code = "CODE_" + secrets.token_hex(8)
        self.codes[code] = Grant(appid, person or self.signed_in, scope)
        return code

    def _access_token(self, fake: FakeWeChat, query: dict, body: dict) -> Answer:
        appid = query.get("appid", "")
        if appid not in fake.apps:
            return 200, {"errcode": 40013, "errmsg": "invalid appid"}
        if fake.apps[appid] != query.get("secret"):
            return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
        if query.get("grant_type") != "authorization_code":
            return 200, {"errcode": 40002, "errmsg": "invalid grant_type"}
        grant = self.codes.get(query.get("code", ""))
        if grant is None or grant.appid != appid:
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        if grant.used:
            return 200, {"errcode": 40163, "errmsg": "code been used"}
        grant.used = True
        token = "SNS_" + secrets.token_hex(8)
        self.tokens[token] = grant
        answer = {
            "access_token": token,
            "expires_in": 7200,
            "refresh_token": "REFRESH_" + secrets.token_hex(8),
            "openid": openid(appid, grant.person),
            "scope": grant.scope,
        }
        if grant.scope in PROFILE_SCOPES and grant.person.unionid:
            answer["unionid"] = grant.person.unionid
        return 200, answer

    def _userinfo(self, fake: FakeWeChat, query: dict, body: dict) -> Answer:
        grant = self.tokens.get(query.get("access_token", ""))
        if grant is None:
            return 200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
        if grant.scope not in PROFILE_SCOPES:
            return 200, {"errcode": 48001, "errmsg": "api unauthorized"}
        if query.get("openid") != openid(grant.appid, grant.person):
            return 200, {"errcode": 40003, "errmsg": "invalid openid"}
        answer = {
            "openid": query["openid"],
            "nickname": grant.person.nickname,
            "sex": 0,
            "province": "山西",
            "city": "吕梁",
            "country": "中国",
            "headimgurl": "",
            "privilege": [],
        }
        if grant.person.unionid:
            answer["unionid"] = grant.person.unionid
        return 200, answer


@contextmanager
def authorization_server(oauth: FakeWeChatOAuth) -> Iterator[str]:
    """WeChat's authorisation pages served over HTTP (for a browser): a 302 back with the code."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            # A browser never sends the fragment; WeChat's pages need it, so the fake adds it back.
            target = oauth.authorize(f"{oauth.url}{self.path}#wechat_redirect")
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    oauth.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield oauth.url
    finally:
        server.shutdown()
        server.server_close()


WEBSITE_APPID, WEBSITE_SECRET = "wx0web0000000000003", "web-secret-0123456789"


def wechat_sign_in_configured(settings, api: FakeWeChat, *, website: bool = True) -> FakeWeChatOAuth:
    """The official account (already set up by the ``fake_wechat`` fixture) and, unless told otherwise,
    the website's QR login app, both answering through the fake."""
    if website:
        api.apps[WEBSITE_APPID] = WEBSITE_SECRET
        settings.WEIXIN_APP_ID, settings.WEIXIN_APP_SECRET = WEBSITE_APPID, WEBSITE_SECRET
    else:
        settings.WEIXIN_APP_ID = settings.WEIXIN_APP_SECRET = ""
    oauth = FakeWeChatOAuth(api)
    settings.WECHAT_OPEN_BASE = "https://open.weixin.qq.com"
    return oauth
