from pathlib import Path

import pytest

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing passwords slowly is a production concern; tests only need them to work."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="session")
def _sqlite_template(request, django_db_modify_db_settings):
    """On SQLite, this process's test database cloned from the one migrated first (tests/template_db.py)."""
    from django.db import connection
    from django.db.backends.sqlite3.creation import DatabaseCreation

    from tests.template_db import Template, remove

    # tourism/settings.py names a file for SQLite's test database (pytest-django suffixes it per worker).
    name = str(connection.settings_dict["TEST"].get("NAME") or "") if connection.vendor == "sqlite" else ""
    if not name or DatabaseCreation.is_in_memory_db(name) or request.config.getvalue("reuse_db"):
        yield None
        return
    test_database = Path(name)
    template = Template.clone_or_lock(test_database)
    yield template, test_database
    template.release()  # had this process's migrations failed, the others would wait until here
    if template.cloned:
        remove(test_database)


@pytest.fixture(scope="session")
def django_db_keepdb(django_db_keepdb, _sqlite_template):
    """A cloned database is kept as it is (migrate finds nothing to apply); this process removes it."""
    return django_db_keepdb or bool(_sqlite_template and _sqlite_template[0].cloned)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, _sqlite_template):
    if _sqlite_template:
        template, test_database = _sqlite_template
        template.save(test_database)
    return


@pytest.fixture(autouse=True, scope="session")
def _thumbnails_remembered():
    """Thumbnails made from the same bytes are made once a process (tests/thumbnail_engine.py)."""
    from django.test.utils import override_settings
    from django.utils.functional import empty
    from sorl.thumbnail import default as sorl_default

    from tests.thumbnail_engine import DOTTED_PATH

    with override_settings(THUMBNAIL_ENGINE=DOTTED_PATH):
        sorl_default.engine._wrapped = empty
        yield
    sorl_default.engine._wrapped = empty


@pytest.fixture(autouse=True, scope="session")
def _demo_photos_kept():
    """The demo photos are drawn once for all test processes (tests/demo_photo_cache.py)."""
    from tests.demo_photo_cache import demo_photos_kept

    with demo_photos_kept():
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True, scope="session")
def _own_redis_database_per_worker(worker_id):
    """With REDIS_URL, parallel test processes (pytest-xdist) would share one Redis database, and one
    process's ``cache.clear()`` would empty another's cache mid-test: each process gets a database of its
    own (1, 2, ... of Redis's 16; 0 stays the one REDIS_URL names when tests run in one process)."""
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings
    from django.test.utils import override_settings

    cache_settings = settings.CACHES["default"]
    if "redis" not in cache_settings["BACKEND"].lower() or worker_id == "master":
        yield
        return
    index = int(worker_id.removeprefix("gw")) + 1
    location = urlunsplit(urlsplit(cache_settings["LOCATION"])._replace(path=f"/{index}"))
    with override_settings(CACHES={"default": {**cache_settings, "LOCATION": location}}):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits (allauth's, the booking attempts') count in the cache, per user id and per minute: ids
    and frozen clocks repeat from test to test, so every test starts with no count."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Tasks (notifications, calendar sync) run as soon as they are queued, in the test's thread; a
    notification is queued when the transaction commits (``django_capture_on_commit_callbacks`` in
    tests that do not commit)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def stripe_api(monkeypatch, settings):
    """Online payment on: Stripe test keys, and the fake Stripe API (real client library, fake HTTP) in
    place of the network. Returns the fake, which records the calls."""
    from bookings.payments.stripe_checkout import StripeCheckout
    from tests.bookings.payments import fakes

    settings.STRIPE_SECRET_KEY = fakes.SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = fakes.WEBHOOK_SECRET
    settings.STRIPE_PAYMENT_METHODS = ["card"]
    fake = fakes.FakeStripe()
    monkeypatch.setattr(StripeCheckout, "http_client", fake)
    return fake


@pytest.fixture(autouse=True)
def _reset_language():
    from django.utils import translation

    yield
    translation.activate("zh-hans")


@pytest.fixture
def settings_under(monkeypatch):
    """The settings module's names as it computes them under these environment variables (None: unset;
    every other variable as the test run has it), without touching the settings of the running test."""
    import runpy

    from django.conf import settings

    def load(**env: str | None) -> dict:
        with monkeypatch.context() as patch:
            for name, value in env.items():
                if value is None:
                    patch.delenv(name, raising=False)
                else:
                    patch.setenv(name, value)
            return runpy.run_path(str(settings.BASE_DIR / "tourism" / "settings.py"))

    return load


@pytest.fixture
def behind_the_documented_proxy(settings, settings_under):
    """Production's proxy settings (DJANGO_ENV=production with its defaults: one nginx in front, as in
    docs/deployment.md). Requests then come from the proxy's REMOTE_ADDR with X-Forwarded-For."""
    production = settings_under(
        DJANGO_ENV="production",
        SECRET_KEY="a-production-secret-key-for-tests-only-0123456789abcdef",
        BEHIND_PROXY=None,
        TRUSTED_PROXY_COUNT=None,
    )
    for name, value in production.items():
        if "PROXY" in name:
            setattr(settings, name, value)


WECHAT_TEST_APPS = {
    "wx0fa0000000000001": "oa-secret-0123456789",
    "wx0mini000000000002": "mini-secret-0123456",
}


@pytest.fixture
def fake_wechat(settings):
    """A local fake of WeChat's server API (tests/common/fake_wechat_api.py) with the group's official
    account and mini-program configured. Answers get 3 s (a loaded machine running four test workers
    can keep a healthy answer waiting past a second); the timeout tests shorten it themselves."""
    from django.core.cache import cache

    from tests.common.fake_wechat_api import fake_wechat_server

    (oa, oa_secret), (mini, mini_secret) = WECHAT_TEST_APPS.items()
    with fake_wechat_server(WECHAT_TEST_APPS) as fake:
        settings.WECHAT_API_BASE = fake.url
        settings.WECHAT_APPS = dict(WECHAT_TEST_APPS)
        settings.WECHAT_OA_APPID, settings.WECHAT_OA_SECRET = oa, oa_secret
        settings.WECHAT_MINI_APPID, settings.WECHAT_MINI_SECRET = mini, mini_secret
        settings.WECHAT_API_TIMEOUT = (3, 3)
        # As tourism/settings.py does when the official account is configured: WeChat's JS-SDK may load.
        script_src = settings.SECURE_CSP["script-src"]
        settings.SECURE_CSP = {**settings.SECURE_CSP, "script-src": [*script_src, "https://res.wx.qq.com"]}
        cache.delete_many(
            [f"wechat:{kind}:{app}" for app in WECHAT_TEST_APPS for kind in ("access_token", "jsapi_ticket")]
        )
        yield fake
