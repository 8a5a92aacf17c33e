"""The mini-program's part of the fake WeChat server (tests/common/fake_wechat_api.py), answering as
WeChat does:

- ``GET /sns/jscode2session``: a ``wx.login`` code, good once (40029 unknown, 40163 used), the app secret
  checked (40013, 40125);
- ``POST /wxa/business/getuserphonenumber``: a ``getPhoneNumber`` button's code, good once (40029);
- ``POST /cgi-bin/message/subscribe/send``: an openid of this mini-program (40003), a template of this
  mini-program (40037), every keyword of the template with a value within WeChat's rules for its type
  (47003 naming the keyword), and a subscription the person accepted in the mini-program, one message
  per acceptance (43101 when none is left).

``person(...)`` makes a WeChat user and returns a ``wx.login`` code for them; ``phone_code(...)`` a code
for their number; ``accept(...)`` records that they accepted a template (``wx.requestSubscribeMessage``).
"""

import re
import secrets
from dataclasses import dataclass, field

from tests.common.fake_wechat_api import Answer, FakeWeChat

# The rules WeChat checks on a subscription message's values, by keyword type.
VALUE_RULES = {
    "thing": lambda v: 0 < len(v) <= 20,
    "character_string": lambda v: bool(re.fullmatch(r"[\x21-\x7e]{1,32}", v)),
    "number": lambda v: bool(re.fullmatch(r"\d{1,32}(\.\d+)?", v)),
    "phrase": lambda v: bool(re.fullmatch(r"[\u4e00-\u9fff]{1,5}", v)),
    "name": lambda v: bool(re.fullmatch(r"[\u4e00-\u9fff]{1,10}|[A-Za-z .·-]{1,20}", v)),
    "amount": lambda v: bool(re.fullmatch(r"[¥$€£]?\d{1,10}(\.\d{1,2})?元?", v)) and len(v) <= 14,
    "date": lambda v: bool(re.fullmatch(_DATE + r"( ?~ ?" + _DATE + ")?", v)),
    "time": lambda v: bool(re.fullmatch(_TIME + r"( ?~ ?" + _TIME + ")?", v)),
    "phone_number": lambda v: bool(re.fullmatch(r"[0-9+\-() ]{1,17}", v)),
}
_DATE = r"\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?"
_TIME = r"(\d{4}年\d{1,2}月\d{1,2}日 )?\d{1,2}:\d{2}|\d{4}年\d{1,2}月\d{1,2}日"


@dataclass
class MiniProgram:
    fake: FakeWeChat
    appid: str
    login_codes: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # code -> openid, unionid
    phone_codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> country code, number
    used: set[str] = field(default_factory=set)
    templates: dict[str, list[str]] = field(default_factory=dict)  # template id -> its keywords
    accepted: dict[tuple[str, str], int] = field(default_factory=dict)  # (openid, template) -> messages
    openids: set[str] = field(default_factory=set)
    sent: list[dict] = field(default_factory=list)

    def person(self, *, openid: str | None = None, unionid: str | None = None) -> str:
        """A ``wx.login`` code for this person (a new one when ``openid`` is None)."""
        openid = openid or "o" + secrets.token_urlsafe(20)
        self.openids.add(openid)
        code = "LOGIN_" + secrets.token_hex(8)
        self.login_codes[code] = (openid, unionid)
        return code

    def openid_of(self, code: str) -> str:
        return self.login_codes[code][0]

    def phone_code(self, number: str, country: str = "86") -> str:
        code = "PHONE_" + secrets.token_hex(8)
        self.phone_codes[code] = (country, number)
        return code

    def template(self, template_id: str, keywords: list[str]) -> None:
        self.templates[template_id] = list(keywords)

    def accept(self, openid: str, template_id: str, times: int = 1) -> None:
        key = (openid, template_id)
        self.accepted[key] = self.accepted.get(key, 0) + times

    def refuse(self, openid: str, template_id: str) -> None:
        """The person turned the template off in WeChat's settings: nothing more reaches them."""
        self.accepted[(openid, template_id)] = 0

    # The routes.

    def jscode2session(self, fake: FakeWeChat, query: dict, body: dict) -> Answer:
        if query.get("appid") != self.appid:
            return 200, {"errcode": 40013, "errmsg": "invalid appid"}
        if query.get("secret") != fake.apps.get(self.appid):
            return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
        if query.get("grant_type") != "authorization_code":
            return 200, {"errcode": 40002, "errmsg": "invalid grant_type"}
        code = query.get("js_code", "")
        if code in self.used:
            return 200, {"errcode": 40163, "errmsg": "code been used"}
        if code not in self.login_codes:
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        self.used.add(code)
        openid, unionid = self.login_codes[code]
        answer = {"openid": openid, "session_key": "SESSIONKEY" + secrets.token_hex(8)}
        if unionid:
            answer["unionid"] = unionid
        return 200, answer

    def getuserphonenumber(self, fake: FakeWeChat, query: dict, body: dict) -> Answer:
        app = fake.token_app(query)
        if isinstance(app, tuple):
            return app
        code = body.get("code", "")
        if code in self.used or code not in self.phone_codes:
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        self.used.add(code)
        country, number = self.phone_codes[code]
        return 200, {
            "errcode": 0,
            "errmsg": "ok",
            "phone_info": {
                "phoneNumber": number if country == "86" else f"+{country} {number}",
                "purePhoneNumber": number,
                "countryCode": country,
                "watermark": {"timestamp": 1764979200, "appid": app},
            },
        }

    def subscribe_send(self, fake: FakeWeChat, query: dict, body: dict) -> Answer:
        app = fake.token_app(query)
        if isinstance(app, tuple):
            return app
        openid, template_id = body.get("touser", ""), body.get("template_id", "")
        if openid not in self.openids:
            return 200, {"errcode": 40003, "errmsg": "invalid openid"}
        if template_id not in self.templates:
            return 200, {"errcode": 40037, "errmsg": "invalid template id"}
        data = body.get("data") or {}
        for keyword in self.templates[template_id]:
            value = (data.get(keyword) or {}).get("value")
            kind = re.sub(r"\d+$", "", keyword)
            if not isinstance(value, str) or not VALUE_RULES[kind](value):
                return 200, {"errcode": 47003, "errmsg": f"argument invalid! data.{keyword}.value invalid"}
        if self.accepted.get((openid, template_id), 0) <= 0:
            return 200, {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
        self.accepted[(openid, template_id)] -= 1
        self.sent.append(body)
        msgid = 3000000000 + len(self.sent)
        return 200, {"errcode": 0, "errmsg": "ok", "msgid": msgid}


def mini_program(fake: FakeWeChat, appid: str) -> MiniProgram:
    """Add the mini-program's routes to the fake server."""
    mini = MiniProgram(fake=fake, appid=appid)
    fake.route("GET", "/sns/jscode2session", mini.jscode2session)
    fake.route("POST", "/wxa/business/getuserphonenumber", mini.getuserphonenumber)
    fake.route("POST", "/cgi-bin/message/subscribe/send", mini.subscribe_send)
    return mini
