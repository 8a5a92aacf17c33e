"""Whether a request comes from WeChat's built-in browser (its user agent says MicroMessenger): the one
test the sign-in buttons, the share cards and the choice of how to pay all ask."""

from django.http import HttpRequest


def in_wechat(request: HttpRequest) -> bool:
    return "micromessenger" in request.headers.get("User-Agent", "").lower()
