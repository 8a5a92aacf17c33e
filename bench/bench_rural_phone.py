"""Four pages on a phone over a rural connection: bytes, Largest Contentful Paint and the answer to a tap.

Run: `make bench`, or `.venv/bin/python bench/bench_rural_phone.py [--rounds 5]`. Needs Debian's
``chromium`` (or ``CHROMIUM_PATH``), as the browser tests do; skipped without it.

It seeds the demo data (``seed_demo``, with its demo photos) into a throwaway SQLite database, collects the
static files as production does (whitenoise's compressed manifest storage: hashed names, gzip/brotli
copies, far-future caching) and starts gunicorn in production mode (``DJANGO_ENV=production``, DEBUG off;
only the HTTPS redirect, HSTS and the proxy header are off, since it listens on plain HTTP on loopback).
Uploaded photos and their thumbnails are served by Django itself (``SERVE_MEDIA``), where production has
nginx or object storage in front. One gunicorn worker (4 threads), so one warm-up fills its caches.

Thumbnails are made the first time a page asks for them, so each page is fetched (and its images) twice
before measuring: the figures are for a visitor after the first one, not for the first view after an
upload.

Each round opens, for each page, a fresh browser context (empty cache) of the phone the browser tests use
(360 x 740 CSS px, DPR 2, WeChat's user agent), throttles the page's network through CDP
(``Network.emulateNetworkConditions``: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip; the CPU is not
slowed) and loads the page until the network is idle (first visit), then loads it again in the same
context (repeat visit, the browser's cache warm). For each visit:

- bytes: the sum of ``encodedDataLength`` of ``Network.loadingFinished`` (headers and bodies as sent,
  compressed where the server compressed: HTML, CSS, JavaScript, images, fonts);
- LCP: the last ``largest-contentful-paint`` entry (PerformanceObserver, buffered) before the tap;
- tap: a real tap (Playwright's touchscreen) on a form control of the page; the time from the event's
  ``timeStamp`` (``pointerdown``) to the first task after the next animation frame, i.e. when the browser
  can show the answer to the tap; Event Timing's longest ``duration`` for the tap is reported alongside.

Map tiles count: the pages with a map (home, village and homestay pages) load theirs from a local tile
server (``MAP_TILE_URL`` and ``MAP_TILE_HOSTS`` point gunicorn's pages at it) that answers every
``/{z}/{x}/{y}.png`` with one of eight PNG tiles of 17-20 KB drawn once at start (fields, roads, rivers
and village names: about an OpenStreetMap tile of the Loess countryside) and caches them for a day, as
OSM's tile servers do. Only other outside addresses are refused.

The booking page is signed in (a tourist with a password, whose session cookie is given to the browser)
and has dates in its address. Medians and p95 over the rounds; exit status 1 if a page is not 200.
"""

import argparse
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from statistics import median

from bench_booking_race import HOST, free_port, stop
from harness import ROOT, machine, setup_django

CHROMIUM = os.environ.get("CHROMIUM_PATH") or next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
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
# 1.6 Mbit/s down, 750 kbit/s up, in bytes per second; 150 ms round trip.
RURAL = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
TARGET_LCP_MS = 2500
TARGET_KB = 400
SECRET_KEY = "bench-rural-phone-not-secret"  # shared by gunicorn and this process (sessions)
SERVER_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": SECRET_KEY,
    "DEBUG": "false",
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "SECURE_HSTS_PRELOAD": "false",
    "BEHIND_PROXY": "false",
    "SERVE_MEDIA": "true",
}
# A form control to tap on each page (the first visible one): focusing a field or opening a fold is
# answered by the browser and the page's own script without leaving the page.
TAP_TARGETS = "main input:not([type=hidden]), main select, main textarea, main summary"
# The home page has no form control (links only, and a tap on a link leaves the page): its heading is
# tapped instead, which measures whether the page's main thread is free to answer.
TAP_FALLBACK = "main h1"
OBSERVERS = """
window.__lcp = null;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__lcp = {time: entry.startTime, size: entry.size,
      element: entry.element ? entry.element.tagName + (entry.url ? ' ' + entry.url : '') : entry.url};
  }
}).observe({type: 'largest-contentful-paint', buffered: true});
window.__events = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__events.push([entry.name, entry.duration]);
}).observe({type: 'event', buffered: true, durationThreshold: 16});
window.__tap = null;
addEventListener('pointerdown', (event) => {
  const down = event.timeStamp;
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { window.__tap = performance.now() - down; };
    channel.port2.postMessage(null);
  });
}, {capture: true, once: true});
"""


TILE_PATH = re.compile(r"^/\d+/\d+/\d+\.png$")
TILE_VARIANTS = 8
TILE_SPECKLES = 8000  # the texture that brings a drawn tile to an OSM tile's 17-20 KB


def tile_png(seed: int) -> bytes:
    """A 256 px map tile of about an OpenStreetMap tile's size: fields, roads, a river, village names."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (256, 256), (242, 239, 233))
    draw = ImageDraw.Draw(image)
    fields = [(205, 235, 176), (222, 242, 200), (238, 232, 213), (200, 225, 190), (230, 220, 200)]
    for _ in range(40):
        x, y = rng.randrange(-40, 256), rng.randrange(-40, 256)
        points = [(x + rng.randrange(0, 90), y + rng.randrange(0, 90)) for _ in range(5)]
        draw.polygon(points, fill=rng.choice(fields), outline=(190, 190, 180))
    for _ in range(TILE_SPECKLES):
        colour = (rng.randrange(150, 220), rng.randrange(170, 230), rng.randrange(140, 200))
        draw.point((rng.randrange(256), rng.randrange(256)), fill=colour)
    for width, colour in ((6, (252, 214, 164)), (3, (255, 255, 255)), (2, (170, 211, 223))):
        for _ in range(4):
            line = [(rng.randrange(-20, 276), rng.randrange(-20, 276)) for _ in range(4)]
            draw.line(line, fill=colour, width=width, joint="curve")
    for _ in range(30):
        position = (rng.randrange(256), rng.randrange(256))
        draw.text(position, rng.choice(["村", "沟", "山", "庄", "河"]), fill=(80, 80, 80))
    buffer = io.BytesIO()
    image.quantize(64).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def start_tile_server() -> tuple[ThreadingHTTPServer, str]:
    """A tile server on loopback, in a thread; its URL template for ``MAP_TILE_URL``."""
    tiles = [tile_png(seed) for seed in range(TILE_VARIANTS)]

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not TILE_PATH.match(self.path):
                self.send_error(404)
                return
            body = tiles[zlib.crc32(self.path.encode()) % TILE_VARIANTS]
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=86400")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer((HOST, free_port()), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{HOST}:{server.server_address[1]}"


def seed() -> dict[str, str]:
    """The demo data and a signed-in tourist; the four pages' paths and the tourist's session cookie."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from common.clock import local_today
    from villages.models import Homestay, RoomType

    call_command("seed_demo", stdout=io.StringIO())
    homestay = Homestay.objects.filter(is_published=True, village__slug="dujiashan").order_by("pk").first()
    assert homestay is not None, "the demo data has a homestay in 杜家山"
    room_type = RoomType.objects.filter(homestay=homestay).order_by("pk").first()
    assert room_type is not None
    check_in = local_today() + timedelta(days=14)
    check_out = check_in + timedelta(days=2)
    tourist = get_user_model().objects.create_user("bench_tourist", "bench@example.com", "bench-pass-1")
    client = Client()
    client.force_login(tourist)
    return {
        "home": "/",
        "village": f"/villages/{homestay.village.slug}/",
        "homestay": f"/villages/{homestay.village.slug}/homestays/{homestay.slug}/",
        "booking": f"/stays/{room_type.pk}/book/?check_in={check_in}&check_out={check_out}&guests=2",
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }


def start_server(port: int, log, tiles: str) -> subprocess.Popen:
    env = {**os.environ, **SERVER_ENV, "MAP_TILE_URL": tiles + "/{z}/{x}/{y}.png", "MAP_TILE_HOSTS": tiles}
    static_root = tempfile.mkdtemp(prefix="lishi-bench-static-")
    env["STATIC_ROOT"] = static_root
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    command = [sys.executable, "-m", "gunicorn", "tourism.wsgi", "--workers", "1", "--threads", "4"]
    command += ["--bind", f"{HOST}:{port}"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603


def fetch(url: str, session: str = "") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"} if session else {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            if response.url != url:  # redirected, e.g. to sign in: not the page asked for
                return 302, b""
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def warm(base: str, pages: dict[str, str], session: str) -> None:
    """Each page and every image it names, twice: thumbnails are made on first view."""
    deadline = time.monotonic() + 60
    while True:
        try:
            fetch(base + "/")
            break
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer within 60 s") from None
            time.sleep(0.3)
    for _ in range(2):
        for name, path in pages.items():
            status, html = fetch(base + path, session if name == "booking" else "")
            if status != 200:
                raise SystemExit(f"{name} page {path} answered {status}")
            sources = re.findall(rb'(?:src|srcset)="([^"]+)"', html)
            for source in {part.strip().split(b" ")[0] for value in sources for part in value.split(b",")}:
                if source.startswith(b"/"):
                    fetch(base + source.decode())


def visit(page, cdp, url: str) -> dict:
    transferred = {"bytes": 0, "requests": 0}

    def finished(event: dict) -> None:
        transferred["bytes"] += event["encodedDataLength"]
        transferred["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="networkidle", timeout=120_000)
    if page.url != url:
        raise SystemExit(f"{url} led to {page.url}")
    lcp = page.evaluate("window.__lcp")
    target = page.locator(TAP_TARGETS).locator("visible=true").first
    if not target.count():
        target = page.locator(TAP_FALLBACK).first
    tap_ms = event_ms = None
    tapped = ""
    if target.count():
        tapped = target.evaluate(
            "(node) => node.tagName.toLowerCase() + (node.type ? '[' + node.type + ']' : '')"
        )
        target.scroll_into_view_if_needed()
        page.evaluate("window.__tap = null")
        box = target.bounding_box()
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function("() => window.__tap !== null", timeout=10_000)
        tap_ms = page.evaluate("window.__tap")
        events = page.evaluate("window.__events")
        event_ms = max((d for name, d in events if name in {"pointerdown", "pointerup", "click"}), default=0)
    cdp.remove_listener("Network.loadingFinished", finished)
    return {
        "bytes": transferred["bytes"],
        "requests": transferred["requests"],
        "lcp": lcp["time"] if lcp else None,
        "lcp_element": lcp["element"] if lcp else "",
        "tap": tap_ms,
        "event": event_ms,
        "tapped": tapped,
    }


def measure(browser, base: str, pages: dict[str, str], session: str, rounds: int) -> dict:
    results: dict = {(name, kind): [] for name in pages for kind in ("first", "repeat")}
    for _ in range(rounds):
        for name, path in pages.items():
            context = browser.new_context(base_url=base, **PHONE)
            if name == "booking":
                context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
            context.add_init_script(OBSERVERS)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            # Outside addresses are refused (the map tiles come from the local tile server) through
            # CDP, not Playwright's routing, which would switch the browser's cache off and spoil the
            # repeat visit.
            cdp.send("Network.setBlockedURLs", {"urls": ["https://*"]})
            cdp.send("Network.emulateNetworkConditions", RURAL)
            results[(name, "first")].append(visit(page, cdp, base + path))
            page.goto("about:blank")
            results[(name, "repeat")].append(visit(page, cdp, base + path))
            context.close()
    return results


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def report(results: dict, pages: dict[str, str], rounds: int) -> None:
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(f"network: 1.6 Mbit/s down, 750 kbit/s up, 150 ms RTT; CPU not slowed; {rounds} rounds")
    print(
        f"{'page':9} {'visit':6} {'KB':>7} {'req':>4} {'LCP ms (p95)':>15} {'tap ms (p95)':>14} "
        f"{'evt ms':>6}  targets"
    )
    for (name, kind), samples in results.items():
        kb = median(s["bytes"] for s in samples) / 1024
        lcps = [s["lcp"] for s in samples if s["lcp"] is not None]
        taps = [s["tap"] for s in samples if s["tap"] is not None]
        events = [s["event"] for s in samples if s["event"] is not None]
        lcp_text = f"{median(lcps):.0f} ({p95(lcps):.0f})" if lcps else "-"
        tap_text = f"{median(taps):.0f} ({p95(taps):.0f})" if taps else "-"
        event_text = f"{median(events):.0f}" if events else "-"
        verdict = ""
        if kind == "first":
            lcp_ok = bool(lcps) and median(lcps) <= TARGET_LCP_MS
            verdict = f"LCP {'met' if lcp_ok else 'MISSED'}, size {'met' if kb <= TARGET_KB else 'MISSED'}"
        requests = median(s["requests"] for s in samples)
        figures = f"{kb:7.1f} {requests:4.0f} {lcp_text:>15} {tap_text:>14} {event_text:>6}"
        print(f"{name:9} {kind:6} {figures}  {verdict}")
    for name in pages:
        elements = {s["lcp_element"] for s in results[(name, "first")]}
        tapped = {s["tapped"] for s in results[(name, "first")]}
        print(f"LCP element, {name}: {' | '.join(sorted(elements))}; tapped: {' | '.join(sorted(tapped))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    if CHROMIUM is None:
        print("skipped: Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)")
        return 0
    os.environ["SECRET_KEY"] = SECRET_KEY
    setup_django()
    pages = seed()
    session = pages.pop("session")
    port = free_port()
    base = f"http://{HOST}:{port}"
    tile_server, tiles = start_tile_server()
    with tempfile.NamedTemporaryFile("w+", prefix="lishi-gunicorn-", suffix=".log", delete=False) as log:
        server = start_server(port, log, tiles)
        try:
            warm(base, pages, session)
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                results = measure(browser, base, pages, session, options.rounds)
                browser.close()
        finally:
            stop(server)
            tile_server.shutdown()
    report(results, pages, options.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
