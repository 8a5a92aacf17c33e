"""Alipay's cashier (收银台) for browser tests, on top of the fake gateway of
tests/bookings/payments/fake_alipay.py: opening our signed mobile-web-pay address (a GET of the gateway
with ``method=alipay.trade.wap.pay``) shows a page to pay; paying there marks the trade paid, posts the
signed asynchronous notification to the ``notify_url`` the address named (server to server, as Alipay
does) and sends the browser back to its ``return_url`` with the signed synchronous return parameters.
Everything else the gateway answers as before (the SDK's queries, closes and refunds)."""

import html
import json
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit
from urllib.request import Request, urlopen

from tests.bookings.payments import fake_alipay
from tests.bookings.payments.fake_alipay import FakeAlipay

PAGE_METHODS = {"alipay.trade.wap.pay", "alipay.trade.page.pay"}
PAY_PATH = "/cashier/pay"


class _Cashier(fake_alipay._Handler):
    notified: list[tuple[int, str]]  # what our notify address answered

    def do_GET(self):
        params = dict(parse_qsl(urlsplit(self.path).query))
        if params.get("method") not in PAGE_METHODS:
            return super().do_GET()
        if not self.fake.check_signature(params):
            return self._send(400, "<h1>签名错误 Invalid signature</h1>")
        opened = self.fake.open_page(self.path)
        biz = opened["biz_content"]
        session = {"out_trade_no": biz["out_trade_no"], "notify_url": params["notify_url"]}
        session["return_url"] = params.get("return_url", "")
        page = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>支付宝</title></head>
<body><h1>支付宝 收银台</h1><p>{html.escape(biz["subject"])}</p>
<p class="amount">¥{html.escape(biz["total_amount"])}</p>
<form method="post" action="{PAY_PATH}"><input type="hidden" name="session"
value="{html.escape(json.dumps(session))}"><button type="submit">确认付款</button></form></body></html>"""
        return self._send(200, page)

    def do_POST(self):
        if urlsplit(self.path).path != PAY_PATH:
            return self._send(404, "")
        length = int(self.headers.get("Content-Length") or 0)
        session = json.loads(dict(parse_qsl(self.rfile.read(length).decode()))["session"])
        trade = self.fake.pay(session["out_trade_no"])
        notification = self.fake.notification(trade)
        request = Request(session["notify_url"], data=urlencode(notification).encode(), method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        with urlopen(request, timeout=10) as answer:
            self.notified.append((answer.status, answer.read().decode()))
        back = {
            "out_trade_no": trade["out_trade_no"],
            "trade_no": trade["trade_no"],
            "total_amount": trade["paid_amount"],
            "method": "alipay.trade.wap.pay.return",
            "app_id": fake_alipay.APP_ID,
            "seller_id": fake_alipay.SELLER_ID,
            "timestamp": fake_alipay.beijing(),
            "charset": "utf-8",
            "version": "1.0",
        }
        back["sign"] = fake_alipay._sign(
            self.fake.keys.alipay, fake_alipay._content(back, leave_out=("sign", "sign_type"))
        )
        back["sign_type"] = "RSA2"
        joiner = "&" if "?" in session["return_url"] else "?"
        self.send_response(302)
        self.send_header("Location", f"{session['return_url']}{joiner}{urlencode(back)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(fake: FakeAlipay) -> tuple[ThreadingHTTPServer, str, list[tuple[int, str]]]:
    """The gateway with its cashier; returns the server, the gateway's address and the answers our
    notify address gave to the cashier's notifications."""
    notified: list[tuple[int, str]] = []
    handler = type("Handler", (_Cashier,), {"fake": fake, "notified": notified})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/gateway.do", notified
