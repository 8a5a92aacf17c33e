"""The official account's subscription notices (订阅通知) on the fake WeChat server
(tests/common/fake_wechat_api.py), answering as WeChat does:

- ``POST /cgi-bin/message/subscribe/bizsend``: the official account's token (48001 for another app's),
  an openid of the official account (40003), a template of the official account (40037), every keyword
  of the template with a value within WeChat's rules for its type and ``page`` a web address (47003), and
  a subscription the person accepted, one message per acceptance (43101 when none is left). The answer
  carries a ``msgid`` unless ``msgid`` is off (bizsend's documentation promises none).

``person()`` makes a follower and returns their openid; ``accept(...)`` records that they accepted a
template in a subscription pop-up (WeChat then pushes ``subscribe_msg_popup_event``:
tests/common/fake_wechat_push.py).
"""

import re
import secrets
from dataclasses import dataclass, field

from tests.common.fake_wechat_api import Answer, FakeWeChat
from tests.common.fake_wechat_mini import VALUE_RULES

SEND = "/cgi-bin/message/subscribe/bizsend"


@dataclass
class OfficialAccount:
    fake: FakeWeChat
    appid: str
    templates: dict[str, list[str]] = field(default_factory=dict)  # template id -> its keywords
    accepted: dict[tuple[str, str], int] = field(default_factory=dict)  # (openid, template) -> messages
    openids: set[str] = field(default_factory=set)
    sent: list[dict] = field(default_factory=list)
    msgid: bool = True

    def person(self) -> str:
        openid = "oOA" + secrets.token_urlsafe(20)
        self.openids.add(openid)
        return openid

    def template(self, template_id: str, keywords: list[str]) -> None:
        self.templates[template_id] = list(keywords)

    def accept(self, openid: str, template_id: str, times: int = 1) -> None:
        key = (openid, template_id)
        self.accepted[key] = self.accepted.get(key, 0) + times

    def refuse(self, openid: str, template_id: str) -> None:
        self.accepted[(openid, template_id)] = 0

    def bizsend(self, fake: FakeWeChat, query: dict, body: dict) -> Answer:
        app = fake.token_app(query)
        if isinstance(app, tuple):
            return app
        if app != self.appid:
            return 200, {"errcode": 48001, "errmsg": "api unauthorized"}
        openid, template_id = body.get("touser", ""), body.get("template_id", "")
        if openid not in self.openids:
            return 200, {"errcode": 40003, "errmsg": "invalid openid"}
        if template_id not in self.templates:
            return 200, {"errcode": 40037, "errmsg": "invalid template id"}
        if "page" in body and not re.match(r"https?://[^/\s]+/", str(body["page"])):
            return 200, {"errcode": 47003, "errmsg": "argument invalid! page invalid"}
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
        answer: dict = {"errcode": 0, "errmsg": "ok"}
        if self.msgid:
            answer["msgid"] = 4000000000 + len(self.sent)
        return 200, answer


def official_account(fake: FakeWeChat, appid: str) -> OfficialAccount:
    """Add the official account's subscription notices to the fake server."""
    account = OfficialAccount(fake=fake, appid=appid)
    fake.route("POST", SEND, account.bizsend)
    return account
