"""Local fake servers for Aliyun SMS and Tencent Cloud SMS: they check each request's signature the way
the real services do (recomputed with the secret key; a bad one is refused in the provider's own answer
format) and answer as the providers answer, so the real SDKs are tested end to end over http.

Each request's parameters reach ``FakeProvider.answer`` with its ``Action`` (``SendSms``,
``QuerySendDetails``, ``PullSmsSendStatus``), so a test answers each call as the provider would;
``aliyun_details`` and ``tencent_receipts`` build the receipt answers."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

Answer = tuple[int, dict]


class FakeProvider:
    """What the fake answers next (``answer``), what it received (``requests``), and an optional pause."""

    def __init__(self, key_id: str, secret: str):
        self.key_id = key_id
        self.secret = secret
        self.answer: Callable[[dict], Answer] = lambda params: (200, {})
        self.delay = 0.0
        self.requests: list[dict] = []


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def aliyun_signature_ok(provider: FakeProvider, method: str, path: str, headers: dict, body: bytes) -> bool:
    """ACS3-HMAC-SHA256 (https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature)."""
    auth = headers.get("authorization", "")
    algorithm, _, fields = auth.partition(" ")
    parts = dict(part.split("=", 1) for part in fields.split(",") if "=" in part)
    if algorithm != "ACS3-HMAC-SHA256" or parts.get("Credential") != provider.key_id:
        return False
    if headers.get("x-acs-content-sha256") != _sha256(body):
        return False
    url = urlsplit(path)
    query = sorted(parse_qsl(url.query, keep_blank_values=True))
    canonical_query = "&".join(f"{key}={quote(value, safe='~')}" for key, value in query)
    signed = parts.get("SignedHeaders", "").split(";")
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
    canonical = "\n".join(
        [method, url.path or "/", canonical_query, canonical_headers, ";".join(signed), _sha256(body)]
    )
    to_sign = f"ACS3-HMAC-SHA256\n{_sha256(canonical.encode())}"
    expected = hmac.new(provider.secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("Signature", ""))


def tencent_signature_ok(provider: FakeProvider, method: str, path: str, headers: dict, body: bytes) -> bool:
    """TC3-HMAC-SHA256 (https://cloud.tencent.com/document/api/382/52072)."""
    auth = headers.get("authorization", "")
    algorithm, _, fields = auth.partition(" ")
    parts = dict(part.strip().split("=", 1) for part in fields.split(",") if "=" in part)
    if algorithm != "TC3-HMAC-SHA256":
        return False
    key_id, date, service, terminator = (parts.get("Credential", "") + "///").split("/")[:4]
    if key_id != provider.key_id or terminator != "tc3_request":
        return False
    timestamp = headers.get("x-tc-timestamp", "0")
    if abs(time.time() - int(timestamp)) > 300:
        return False
    canonical = "\n".join(
        [
            method,
            urlsplit(path).path or "/",
            "",
            f"content-type:{headers.get('content-type', '')}\nhost:{headers.get('host', '')}\n",
            "content-type;host",
            _sha256(body),
        ]
    )
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{_sha256(canonical.encode())}"
    signing = _hmac(_hmac(_hmac(("TC3" + provider.secret).encode(), date), service), "tc3_request")
    expected = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("Signature", ""))


def _handler(provider: FakeProvider, kind: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            if provider.delay:
                time.sleep(provider.delay)
            if kind == "aliyun":
                params = dict(parse_qsl(urlsplit(self.path).query))
                params.update(parse_qsl(body.decode()))
                params["Action"] = headers.get("x-acs-action", "")
                ok = aliyun_signature_ok(provider, "POST", self.path, headers, body)
                refused: Answer = (
                    400,
                    {
                        "Code": "SignatureDoesNotMatch",
                        "Message": "Specified signature is not matched with our calculation.",
                        "RequestId": "FAKE-REQ",
                    },
                )
            else:
                params = json.loads(body or b"{}")
                params["Action"] = headers.get("x-tc-action", "")
                ok = tencent_signature_ok(provider, "POST", self.path, headers, body)
                refused = (
                    200,
                    {
                        "Response": {
                            "Error": {
                                "Code": "AuthFailure.SignatureFailure",
                                "Message": "The provided credentials could not be validated.",
                            },
                            "RequestId": "fake-req",
                        }
                    },
                )
            provider.requests.append({"params": params, "signature_ok": ok})
            status, answer = provider.answer(params) if ok else refused
            data = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def fake_server(provider: FakeProvider, kind: str) -> Iterator[str]:
    """Serve ``provider`` on a free local port in a thread; yields ``127.0.0.1:port``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider, kind))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def aliyun_details(*details: dict) -> Answer:
    """A ``QuerySendDetails`` answer listing ``details`` (``SendStatus`` 1 waiting, 2 failed, 3 delivered;
    ``ErrCode`` the carrier's code, ``DELIVERED`` when delivered)."""
    dtos = [
        {
            "PhoneNum": detail.get("PhoneNum", "13812345678"),
            "SendStatus": detail["SendStatus"],
            "ErrCode": detail.get("ErrCode", "DELIVERED" if detail["SendStatus"] == 3 else ""),
            "TemplateCode": "SMS_465100002",
            "Content": "【离石乡村旅游】您在枣林窑洞小院的预订ABCD2345已确认",
            "SendDate": "2026-09-01 10:00:00",
            "ReceiveDate": "2026-09-01 10:00:05",
            "OutId": "",
        }
        for detail in details
    ]
    return 200, {
        "Code": "OK",
        "Message": "OK",
        "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990",
        "TotalCount": len(dtos),
        "SmsSendDetailDTOs": {"SmsSendDetailDTO": dtos},
    }


def tencent_receipts(*receipts: tuple[str, str, str]) -> Answer:
    """A ``PullSmsSendStatus`` answer: ``(SerialNo, ReportStatus, Description)`` each."""
    return 200, {
        "Response": {
            "PullSmsSendStatusSet": [
                {
                    "UserReceiveTime": "2026-09-01 10:00:05",
                    "CountryCode": "86",
                    "SubscriberNumber": "13812345678",
                    "PhoneNumber": "+8613812345678",
                    "SerialNo": serial,
                    "ReportStatus": status,
                    "Description": description,
                    "SessionContext": "",
                }
                for serial, status, description in receipts
            ],
            "RequestId": "c4b5d6e7-0000-4000-8000-000000000001",
        }
    }
