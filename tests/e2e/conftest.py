"""Browser tests: a real headless Chromium driven by Playwright's client library against Django's live
server. Chromium's headless shell (Debian's ``chromium-headless-shell``, the same engine without the
desktop browser around it, which is what Playwright itself runs for headless tests) is preferred: the
browser tests cost about a third less CPU in it than in the whole ``chromium`` (docs/benchmarks.md),
which is also taken when the shell is missing.

They run wherever Chromium is installed (``make browser-deps`` and ``.ci/run`` install it) and are
skipped, with the reason in the test report, only where it is not; with ``E2E_REQUIRED=1`` (as in CI) a
missing Chromium is an error. ``CHROMIUM_PATH`` points at another Chromium or Chrome binary. Screenshots
of every journey go to ``tests/e2e/screenshots/<test>/`` (``E2E_SCREENSHOTS`` moves them).
"""

import base64
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from tourism.wechat_share import JSSDK_SCRIPT

BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or next(filter(None, map(shutil.which, BROWSERS)), None)
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", Path(__file__).parent / "screenshots"))
# Chromium in a container: no sandbox (no user namespaces), no GPU, and none of its own network calls.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A phone of 360 x 740 CSS pixels in WeChat's built-in browser.
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36 XWEB/1300333 "
        "MMWEBSDK/20241103 MicroMessenger/8.0.55.2780(0x28003737) WeChat/arm64 Weixin NetType/4G "
        "Language/zh_CN ABI/arm64"
    ),
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
LAPTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
MAP_TILE = re.compile(r"^https://tile\.openstreetmap\.org/\d+/\d+/\d+\.png$")
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
NO_CHROMIUM = (
    "浏览器测试需要 Chromium,本机未安装 / browser tests need Chromium, which is not installed here: "
    "make browser-deps (or set CHROMIUM_PATH)"
)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    if CHROMIUM is None and os.environ.get("E2E_REQUIRED"):
        raise pytest.UsageError(f"E2E_REQUIRED is set: {NO_CHROMIUM}")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do: a CI machine running both databases' suites and Chromium on
    # two cores renders the first pages slowly (Playwright's default for expect() is 5 s).
    expect.set_options(timeout=15_000)

    # Playwright's synchronous API keeps an event loop on this thread; Django refuses ORM calls from a
    # thread with a running loop unless told the calls are synchronous, which they are here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, transactional_db, settings):
    """The live server with the demo catalogue, demo accounts and revenue rules, as after `make run`."""
    settings.DEBUG = False
    call_command("seed_demo", verbosity=0)
    call_command("seed_revenue_rules", verbosity=0)
    return live_server


def _offline(route) -> None:
    """Map tiles come from a fake tile server (a blank tile); any other outside address is refused, so a
    page that needs the internet beyond its map fails its test."""
    if MAP_TILE.match(route.request.url):
        route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)
    elif route.request.url == JSSDK_SCRIPT:
        # WeChat's JS-SDK, loaded inside WeChat when the official account is set: a stand-in that
        # defines nothing (tests of share cards serve a double that records the calls).
        route.fulfill(status=200, content_type="text/javascript", body="/* WeChat JS-SDK stand-in */")
    else:
        route.abort("blockedbyclient")


@pytest.fixture
def open_page(browser, site) -> Iterator[Callable]:
    """``open_page(PHONE)`` opens a fresh browser (no cookies) of that device on the live site; the page's
    ``js_errors`` collects its JavaScript errors, CSP violations and failed loads."""
    contexts = []

    def open_(device: dict, cookies: list | None = None):
        context = browser.new_context(base_url=site.url, **device)
        contexts.append(context)
        context.route(re.compile(rf"^(?!{re.escape(site.url)}/)https?://.*"), _offline)
        context.set_default_timeout(15_000)
        if cookies:
            context.add_cookies(cookies)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and page.js_errors.append(message.text))
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def phone(open_page):
    """A phone of 360 x 740 CSS pixels in WeChat's browser, with no cookies yet."""
    return open_page(PHONE)


@pytest.fixture
def laptop(open_page):
    return open_page(LAPTOP)


@pytest.fixture
def shot(request) -> Callable:
    """``shot(page, "name")`` saves a full-page screenshot, numbered in the order the journey took them."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken: list[Path] = []

    def take(page, name: str) -> Path:
        from playwright.sync_api import Error as PlaywrightError

        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        # Chromium under a loaded CI machine now and then answers a full-page capture with
        # "Unable to capture screenshot" while it re-lays the page out; the screenshot is a
        # record of the journey, not an assertion, so it is taken again after a frame or two.
        for attempt in range(3):
            try:
                page.screenshot(path=path, full_page=True)
                break
            except PlaywrightError as error:
                if "Unable to capture screenshot" not in str(error) or attempt == 2:
                    raise
                page.wait_for_timeout(250)
        taken.append(path)
        return path

    return take
