import socket
import time

import pytest

from bookings.sync.fetch import FeedError, fetch_feed

CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def test_feed_is_downloaded(feed_server):
    assert fetch_feed(feed_server.serve("/cal.ics", CALENDAR)) == CALENDAR


def test_query_string_is_sent(feed_server):
    feed_server.serve("/cal.ics?s=secret", CALENDAR)
    assert fetch_feed(feed_server.url("/cal.ics?s=secret")) == CALENDAR


def test_server_error_fails_with_the_status(feed_server):
    url = feed_server.serve("/cal.ics", b"oops", status=500)
    with pytest.raises(FeedError) as error:
        fetch_feed(url)
    assert "500" in error.value.message


def test_missing_calendar_fails_with_404(feed_server):
    with pytest.raises(FeedError) as error:
        fetch_feed(feed_server.url("/nothing.ics"))
    assert "404" in error.value.message


def test_redirect_is_followed(feed_server):
    feed_server.serve("/new.ics", CALENDAR)
    url = feed_server.serve("/old.ics", b"", status=301, headers={"Location": "/new.ics"})
    assert fetch_feed(url) == CALENDAR


def test_redirect_loop_fails(feed_server):
    url = feed_server.serve("/loop.ics", b"", status=302, headers={"Location": "/loop.ics"})
    with pytest.raises(FeedError) as error:
        fetch_feed(url)
    assert "重定向" in error.value.message


def test_silent_server_times_out(feed_server, settings):
    settings.ICAL_SYNC_TIMEOUT_SECONDS = 0.5

    def silent(handler):
        time.sleep(1.5)

    feed_server.routes["/slow.ics"] = silent
    started = time.monotonic()
    with pytest.raises(FeedError) as error:
        fetch_feed(feed_server.url("/slow.ics"))
    assert time.monotonic() - started < 1.4
    assert "0.5" in error.value.message


def test_server_trickling_bytes_is_cut_off_at_the_deadline(feed_server, settings):
    """A byte every 0.1 s never trips a per-read timeout; the deadline for the whole download does."""
    settings.ICAL_SYNC_TIMEOUT_SECONDS = 0.6

    def trickle(handler):
        handler.send_response(200)
        handler.end_headers()
        for _byte in range(40):
            handler.wfile.write(b"B")
            handler.wfile.flush()
            time.sleep(0.1)

    feed_server.routes["/trickle.ics"] = trickle
    started = time.monotonic()
    with pytest.raises(FeedError):
        fetch_feed(feed_server.url("/trickle.ics"))
    assert time.monotonic() - started < 1.5


def test_huge_file_announced_by_its_length_is_refused(feed_server, settings):
    settings.ICAL_SYNC_MAX_BYTES = 1000
    url = feed_server.serve("/huge.ics", b"X" * 5000)
    with pytest.raises(FeedError) as error:
        fetch_feed(url)
    assert "太大" in error.value.message


def test_huge_file_without_a_length_is_cut_off(feed_server, settings):
    settings.ICAL_SYNC_MAX_BYTES = 100_000

    def endless(handler):
        handler.send_response(200)
        handler.end_headers()
        try:
            for _chunk in range(1000):
                handler.wfile.write(b"X" * 10_000)
        except OSError:
            pass  # the client hung up, as it should

    feed_server.routes["/endless.ics"] = endless
    with pytest.raises(FeedError) as error:
        fetch_feed(feed_server.url("/endless.ics"))
    assert "太大" in error.value.message


def test_private_addresses_are_refused_unless_allowed(feed_server, settings):
    url = feed_server.serve("/cal.ics", CALENDAR)
    settings.ICAL_SYNC_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(FeedError) as error:
        fetch_feed(url)
    assert "公网" in error.value.message
    assert feed_server.requests == []


def test_host_name_pointing_at_this_machine_is_refused(feed_server, settings):
    settings.ICAL_SYNC_ALLOW_PRIVATE_HOSTS = False
    feed_server.serve("/cal.ics", CALENDAR)
    with pytest.raises(FeedError):
        fetch_feed(f"http://localhost:{feed_server.server.server_port}/cal.ics")
    assert feed_server.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/cal.ics", "webcal:", "http://"])
def test_only_http_addresses_are_fetched(url):
    with pytest.raises(FeedError):
        fetch_feed(url)


def test_closed_port_fails_cleanly(settings):
    settings.ICAL_SYNC_ALLOW_PRIVATE_HOSTS = True
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FeedError) as error:
        fetch_feed(f"http://127.0.0.1:{port}/cal.ics")
    assert "无法连接" in error.value.message
