"""With ``REDIS_URL``, the cache is the real Redis on 127.0.0.1:6379 (CI starts it): rate-limit counts and
sessions live outside the web process, so every gunicorn worker and every server sees the same ones.
Skipped, with the reason, where no Redis answers."""

import socket
import uuid

import pytest
import redis
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.utils import timezone

from bookings.ratelimit import booking_attempt_wait
from tests import factories

REDIS = ("127.0.0.1", 6379)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not _redis_answers(), reason="Redis 不可用 / no Redis on 127.0.0.1:6379"),
]


@pytest.fixture
def redis_cache(settings):
    """The settings ``REDIS_URL`` gives, on a database and key prefix of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{REDIS[0]}:{REDIS[1]}/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield caches["default"]
    # Only this test's keys: clear() would FLUSHDB, wiping the counts of a test running in another worker.
    server = redis.Redis(host=REDIS[0], port=REDIS[1], db=15)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)


def _in_redis(pattern: str) -> dict[bytes, bytes | str | None]:
    """What Redis itself holds, read with a client of its own (as another server would)."""
    server = redis.Redis(host=REDIS[0], port=REDIS[1], db=15)
    return {key: server.get(key) for key in server.scan_iter(match=pattern)}


def _new_process() -> None:
    """Forget this process's cache connections, as another worker process would have none of them."""
    caches.close_all()
    for alias in list(caches):
        del caches[alias]


def test_booking_attempts_are_counted_across_processes(redis_cache, settings, monkeypatch):
    settings.BOOKING_CREATE_RATE_PER_MINUTE = 2
    # One calendar minute for all three attempts: a minute turning between them would start a new count.
    moment = timezone.now().replace(second=10)
    monkeypatch.setattr("common.ratelimit.timezone.now", lambda: moment)
    user = factories.user()

    assert booking_attempt_wait(user_id=user.pk) == 0
    _new_process()
    assert booking_attempt_wait(user_id=user.pk) == 0
    _new_process()

    assert booking_attempt_wait(user_id=user.pk) > 0
    assert list(_in_redis(f"*bookings:create:{user.pk}:*").values()) == [b"3"]


def test_a_signed_in_session_is_read_by_another_process(redis_cache, client):
    user = factories.user()
    client.force_login(user)
    key = client.cookies["sessionid"].value
    _new_process()

    session = SessionStore(session_key=key)

    assert session.get("_auth_user_id") == str(user.pk)
    assert _in_redis(f"*{key}*"), "the session is cached in Redis"
    assert Session.objects.filter(session_key=key).exists(), "written through to the database too"
