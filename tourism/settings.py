"""One settings module; every deployment difference comes from environment variables (see README)."""

import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# "production" turns on every secure default; "development" is what `make run` uses.
ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if not PRODUCTION else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "js_lib_leaflet",
    "ninja",  # templates and static files of /api/docs (Swagger UI from our own static files)
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.headless",
    "captcha",  # django-simple-captcha: the picture code asked once a client nears a limit on SMS codes
    "common",
    "villages",
    "notifications",
    "bookings",
    "shareholders",
    "shop",  # the 消费帮扶 shop and the producers' console (docs/shop.md)
    "events",
    "tourism",
    "django_tasks_db",
    "dbbackup",  # manage.py dbbackup / dbrestore / mediabackup / mediarestore (docs/deployment.md)
    "sorl.thumbnail",  # resized WebP and JPEG copies of the photos (villages/templatetags/photos.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before any view (none of the above reads the path beyond matching it): a path with NUL or non-UTF-8
    # bytes is the site's 404, in the address's language and with the CSP header of every page.
    "tourism.middleware.UnreadablePathMiddleware",
]

ROOT_URLCONF = "tourism.urls"
WSGI_APPLICATION = "tourism.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tourism.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work side by side; IMMEDIATE makes every write
    # transaction take the write lock at BEGIN, so concurrent writers queue instead of deadlocking.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file database (not shared in-memory) so the concurrency tests can race real connections.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("SQLITE_TEST_NAME")
        or str(Path(tempfile.gettempdir()) / f"lishi-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first (unprefixed URLs), English under /en/.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Accounts (django-allauth): a mobile number and SMS code, or an e-mail address, with a password or a
# one-time code; allauth's own rate limits. An e-mail sign-up confirms its address before signing in
# (EMAIL_VERIFICATION_WITHOUT_PHONE, from ACCOUNT_EMAIL_VERIFICATION); a phone sign-up confirms its number
# (tourism.adapter.ContactVerificationStage), so everyone signed in, and so everyone booking, has one.
ACCOUNT_ADAPTER = "tourism.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "tourism.adapter.SignupContactForm"
ACCOUNT_FORMS = {
    "request_login_code": "tourism.account_forms.HumanCheckedRequestLoginCodeForm",
    "change_phone": "tourism.account_forms.HumanCheckedChangePhoneForm",
    "verify_phone": "tourism.account_forms.PhoneTakenExplainedVerifyPhoneForm",
}
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone", "email", "password1*", "password2*"]
# Phone or e-mail, either one: the sign-up form requires one of them (account.W001 expects one required).
SILENCED_SYSTEM_CHECKS = ["account.W001"]
EMAIL_VERIFICATION_WITHOUT_PHONE = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_EMAIL_VERIFICATION = (
    "optional" if EMAIL_VERIFICATION_WITHOUT_PHONE == "mandatory" else EMAIL_VERIFICATION_WITHOUT_PHONE
)
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_DISPLAY = "tourism.accounts.user_display"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Guesses per code before it is void, and how long a code lives (seconds).
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 300
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = 2
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = 2
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    # SMS codes: one a minute per number, a few per address (tourism/phone_limits.py counts hours and days).
    "request_login_code": "5/m/ip,1/m/key",
    "verify_phone": "1/m/key,3/m/ip",
    "change_phone": "1/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[离石乡村旅游 Lishi Tourism] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# The mini-program logs in through allauth's headless API and sends X-Session-Token to /api/.
HEADLESS_CLIENTS = ("browser", "app")
# The app's X-Session-Token read in one query, not two (common/sessions.py).
HEADLESS_TOKEN_STRATEGY = "common.sessions.SessionTokenStrategy"  # noqa: S105 (a class, not a secret)
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# WeChat sign-in (tourism/wechat_login.py): the Open Platform's website app (网站应用) shows its QR code on
# computers; inside WeChat's browser the official account below signs people in instead. Each is on only
# when its AppID and secret are set.
WEIXIN_APP_ID = os.environ.get("WEIXIN_APP_ID", "").strip()
WEIXIN_APP_SECRET = os.environ.get("WEIXIN_APP_SECRET", "").strip()
# WeChat's authorisation pages (open.weixin.qq.com); overridden only by tests.
WECHAT_OPEN_BASE = os.environ.get("WECHAT_OPEN_BASE", "https://open.weixin.qq.com")

# The group's official account (公众号: sign-in inside WeChat's browser, JSAPI payment, share cards,
# subscription messages) and mini-program (小程序). Each is on only when its AppID and secret are set.
# common/wechat_api.py calls WeChat's server API with these; WECHAT_API_BASE is overridden only by tests.
WECHAT_OA_APPID = os.environ.get("WECHAT_OA_APPID", "").strip()
WECHAT_OA_SECRET = os.environ.get("WECHAT_OA_SECRET", "").strip()
WECHAT_MINI_APPID = os.environ.get("WECHAT_MINI_APPID", "").strip()
WECHAT_MINI_SECRET = os.environ.get("WECHAT_MINI_SECRET", "").strip()
WECHAT_APPS = {
    appid: secret
    for appid, secret in [(WECHAT_OA_APPID, WECHAT_OA_SECRET), (WECHAT_MINI_APPID, WECHAT_MINI_SECRET)]
    if appid and secret
}
WECHAT_API_BASE = os.environ.get("WECHAT_API_BASE", "https://api.weixin.qq.com")
WECHAT_API_TIMEOUT = (3, 6)
# Mini-program sign-ins per client address a minute (each one asks WeChat; tourism/miniprogram.py).
MINIPROGRAM_LOGIN_PER_ADDRESS_PER_MINUTE = int(
    os.environ.get("MINIPROGRAM_LOGIN_PER_ADDRESS_PER_MINUTE", "30")
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hans", "en")
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads go to S3-compatible object storage (Aliyun OSS, Tencent COS, MinIO, AWS S3) when a bucket is
# named, else to MEDIA_ROOT. See docs/photos.md for each provider's endpoint and domain.
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
MEDIA_S3_CUSTOM_DOMAIN = os.environ.get("MEDIA_S3_CUSTOM_DOMAIN", "")
MEDIA_S3_ENDPOINT_URL = os.environ.get("MEDIA_S3_ENDPOINT_URL", "")
if MEDIA_S3_BUCKET:
    media_storage: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": MEDIA_S3_ENDPOINT_URL or None,
            "region_name": os.environ.get("MEDIA_S3_REGION", "") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY", ""),
            "custom_domain": MEDIA_S3_CUSTOM_DOMAIN or None,
            "url_protocol": os.environ.get("MEDIA_S3_URL_PROTOCOL", "https:"),
            "location": os.environ.get("MEDIA_S3_LOCATION", "media"),
            # Aliyun OSS and most MinIO set-ups want virtual-hosted addresses; MinIO by IP wants "path".
            "addressing_style": os.environ.get("MEDIA_S3_ADDRESSING_STYLE", "") or None,
            "signature_version": os.environ.get("MEDIA_S3_SIGNATURE_VERSION", "") or None,
            # Photos are public; a public-read bucket (or a CDN domain) serves plain, cacheable URLs.
            "querystring_auth": env_bool("MEDIA_S3_QUERYSTRING_AUTH", default=False),
            "default_acl": os.environ.get("MEDIA_S3_DEFAULT_ACL", "") or None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES: dict[str, dict[str, Any]] = {
    "default": media_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Backups of the database and the uploads (django-dbbackup) go to BACKUP_DIR; copy it off the machine.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "var" / "backups"))
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": BACKUP_DIR},
}
# Serve uploaded media from Django itself unless a web server in front does it (see docs/deployment.md).
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=not MEDIA_S3_BUCKET)

# Thumbnails (sorl-thumbnail) are written next to the uploads, on the same storage, and remembered in
# the database and the cache, so a page asks the storage nothing once a thumbnail exists.
THUMBNAIL_PREFIX = "thumbs/"
THUMBNAIL_UPSCALE = False
THUMBNAIL_QUALITY = 80
THUMBNAIL_PRESERVE_FORMAT = False
THUMBNAIL_DEBUG = False


# Maps: any XYZ tile server. OpenStreetMap by default; Tianditu's WGS-84 (CGCS2000) tiles need no
# coordinate shifting, e.g. https://t0.tianditu.gov.cn/vec_w/wmts?...&tk=KEY (see README).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
MAP_TILE_HOSTS = env_list("MAP_TILE_HOSTS", "https://tile.openstreetmap.org")

# Development prints each e-mail decoded (tourism/mail.py), so a newcomer can read it and copy its links.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "tourism.mail.ReadableConsoleBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "离石乡村旅游 <noreply@lishi-tourism.example>")
# A mail server that hangs must not hold the task worker: each send gives up after this many seconds
# (well within the first retry's minute, so a slow send is never claimed twice).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))


def _media_hosts() -> list[str]:
    """Where the pages' photos come from when object storage serves them: its domain, or the endpoint
    with the bucket in front of its host (virtual-hosted addresses) or behind it (path addresses)."""
    if not MEDIA_S3_BUCKET:
        return []
    if MEDIA_S3_CUSTOM_DOMAIN:
        return [f"{os.environ.get('MEDIA_S3_URL_PROTOCOL', 'https:')}//{MEDIA_S3_CUSTOM_DOMAIN}"]
    if MEDIA_S3_ENDPOINT_URL:
        scheme, _sep, host = MEDIA_S3_ENDPOINT_URL.rstrip("/").partition("://")
        return [f"{scheme}://{host}", f"{scheme}://*.{host}"]
    return ["https://*.amazonaws.com"]


MEDIA_HOSTS = env_list("MEDIA_HOSTS") or _media_hosts()

SECURE_CSP = {
    "default-src": [CSP.SELF],
    # WeChat's JS-SDK (tourism/wechat_share.py), loaded inside WeChat when the official account is set.
    "script-src": [CSP.SELF, CSP.NONCE, *(["https://res.wx.qq.com"] if WECHAT_OA_APPID else [])],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *MAP_TILE_HOSTS, *MEDIA_HOSTS],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # The pay form posts here and is redirected to the provider's page (Stripe Checkout, Alipay's
    # gateway, WeChat Pay's H5 page); browsers check form-action on that hop.
    "form-action": [
        CSP.SELF,
        "https://checkout.stripe.com",
        "https://openapi.alipay.com",
        "https://wx.tenpay.com",
    ],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

BEHIND_PROXY = env_bool("BEHIND_PROXY", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# How many reverse proxies in front append the caller's address to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for does): the client's address is that many places from the right, for
# allauth's login and sign-up limits and the booking limit (bookings.ratelimit.client_address). 0 ignores
# the header. It must equal the number of such proxies: more lets a client choose its own address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1" if BEHIND_PROXY else "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Every handler hides phone and ID numbers (notifications.privacy.RedactNumbersFilter), Django's own
# included: its errors e-mailed to ADMINS (in production) and runserver's request lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "personal_numbers": {"()": "notifications.privacy.RedactNumbersFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_numbers"]},
        "mail_admins": {
            "class": "notifications.privacy.RedactedAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "personal_numbers"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["personal_numbers"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
# Who gets Django's error e-mails (production) and the SMS budget warning besides the group's staff:
# comma-separated addresses.
ADMINS = env_list("ADMINS", "")

SITE_NAME = _("离石乡村旅游")
# The site's public address, for links in notifications the task worker sends (no request there).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Text messages (notifications/sms/): the console backend prints them (no keys needed); Aliyun or Tencent
# Cloud SMS when configured (README "SMS"). Template codes per purpose; the signature (签名) approved by
# the provider. Every provider call gives up after SMS_PROVIDER_TIMEOUT seconds.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.sms.console.ConsoleSmsBackend")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "离石乡村旅游")
# Each template's text is in the code (`manage.py sms_templates` lists them for the application); the
# provider's code for it comes from SMS_TEMPLATE_<NAME> (README "SMS templates").
SMS_TEMPLATE_NAMES = [
    "verification_code",
    *("booking_held", "booking_requested", "booking_confirmed", "booking_cancelled", "booking_expired"),
    *("booking_refund_sent", "booking_refund_cash", "booking_refund_completed", "booking_reminder"),
    "booking_review_invite",
    *("owner_new", "owner_request", "owner_cancelled", "owner_paid", "owner_cash_refund"),
    *("shop_producer_new", "shop_shipped", "shop_ready", "shop_returned", "shop_producer_returned"),
    "shop_producer_paid",
    *("ticket_registered", "ticket_reminder"),
    *("dividend_declared", "dividend_paid"),
]
SMS_TEMPLATES = {
    name: os.environ.get(f"SMS_TEMPLATE_{name.upper()}", f"SMS_{name.upper()}") for name in SMS_TEMPLATE_NAMES
}
SMS_PROVIDER_TIMEOUT = int(os.environ.get("SMS_PROVIDER_TIMEOUT", "5"))
ALIYUN_SMS_ACCESS_KEY_ID = os.environ.get("ALIYUN_SMS_ACCESS_KEY_ID", "")
ALIYUN_SMS_ACCESS_KEY_SECRET = os.environ.get("ALIYUN_SMS_ACCESS_KEY_SECRET", "")
ALIYUN_SMS_ENDPOINT = os.environ.get("ALIYUN_SMS_ENDPOINT", "dysmsapi.aliyuncs.com")
TENCENT_SMS_SECRET_ID = os.environ.get("TENCENT_SMS_SECRET_ID", "")
TENCENT_SMS_SECRET_KEY = os.environ.get("TENCENT_SMS_SECRET_KEY", "")
TENCENT_SMS_SDK_APP_ID = os.environ.get("TENCENT_SMS_SDK_APP_ID", "")
TENCENT_SMS_REGION = os.environ.get("TENCENT_SMS_REGION", "ap-guangzhou")
TENCENT_SMS_ENDPOINT = os.environ.get("TENCENT_SMS_ENDPOINT", "sms.tencentcloudapi.com")
# Against SMS pumping (tourism/phone_limits.py): codes per number and per client address, and messages a
# day for the whole site; staff are e-mailed once a day when SMS_BUDGET_WARN_PERCENT of it is used.
SMS_CODE_PER_PHONE_PER_HOUR = int(os.environ.get("SMS_CODE_PER_PHONE_PER_HOUR", "5"))
SMS_CODE_PER_PHONE_PER_DAY = int(os.environ.get("SMS_CODE_PER_PHONE_PER_DAY", "10"))
SMS_CODE_PER_ADDRESS_PER_HOUR = int(os.environ.get("SMS_CODE_PER_ADDRESS_PER_HOUR", "10"))
SMS_CODE_PER_ADDRESS_PER_DAY = int(os.environ.get("SMS_CODE_PER_ADDRESS_PER_DAY", "30"))
SMS_DAILY_BUDGET = int(os.environ.get("SMS_DAILY_BUDGET", "1000"))
SMS_BUDGET_WARN_PERCENT = int(os.environ.get("SMS_BUDGET_WARN_PERCENT", "80"))
# ... and a picture code (django-simple-captcha: a sum, readable in any language) once a client has used
# this share of a limit.
SMS_HUMAN_CHECK_PERCENT = int(os.environ.get("SMS_HUMAN_CHECK_PERCENT", "50"))
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.math_challenge"
CAPTCHA_MATH_CHALLENGE_OPERATOR = "x"
CAPTCHA_TIMEOUT = 5
# Notifications (notifications/): channel -> backend. SMS goes through SMS_BACKEND (the console backend
# by default, so it works without keys); NOTIFICATION_CHANNELS_SMS=0 turns it off.
NOTIFICATION_CHANNELS = {"email": "notifications.channels.EmailChannel"}
if env_bool("NOTIFICATION_CHANNELS_SMS", True):
    NOTIFICATION_CHANNELS["sms"] = "notifications.sms.channel.SmsChannel"
# WeChat subscription messages (订阅消息) of the mini-program: a template per purpose, chosen in the
# mini-program's console (订阅消息 > 公共模板库) with these keywords; only its id comes from the
# environment. ``data`` maps the template's keywords to the facts each notification carries
# (bookings/notices.py ``wechat_facts``); ``page`` is what a tap opens. The channel is on only when the
# mini-program's AppID and secret and at least one template id are set (README "Mini-program").
WECHAT_SUBSCRIBE_TEMPLATES: dict[str, dict[str, Any]] = {
    # 预订状态通知: 订单号, 民宿名称, 入住日期, 订单状态, 温馨提示
    "booking_status": {
        "id": os.environ.get("WECHAT_TEMPLATE_BOOKING_STATUS", "").strip(),
        "events": [
            "booking.held",
            "booking.requested",
            "booking.confirmed",
            "booking.cancelled",
            "booking.expired",
        ],
        "page": "pages/booking/detail?reference={reference}",
        "data": {
            "character_string1": "reference",
            "thing2": "homestay",
            "date3": "stay",
            "phrase4": "status",
            "thing5": "note",
        },
    },
    # 退款通知: 订单号, 退款金额, 退款状态, 备注
    "refund": {
        "id": os.environ.get("WECHAT_TEMPLATE_REFUND", "").strip(),
        "events": ["booking.refund_sent", "booking.refund_completed", "booking.owner_cash_refund"],
        "page": "pages/booking/detail?reference={reference}",
        "data": {
            "character_string1": "reference",
            "amount2": "amount",
            "phrase3": "status",
            "thing4": "note",
        },
    },
    # 入住提醒: 民宿名称, 入住日期, 地址, 温馨提示
    "stay_reminder": {
        "id": os.environ.get("WECHAT_TEMPLATE_STAY_REMINDER", "").strip(),
        "events": ["booking.reminder"],
        "page": "pages/booking/detail?reference={reference}",
        "data": {"thing1": "homestay", "date2": "check_in", "thing3": "address", "thing4": "note"},
    },
    # 新订单通知 (owners): 订单号, 房型, 入住日期, 订单状态, 订单金额
    "owner_booking": {
        "id": os.environ.get("WECHAT_TEMPLATE_OWNER_BOOKING", "").strip(),
        "events": [
            "booking.owner_new",
            "booking.owner_request",
            "booking.owner_cancelled",
            "booking.owner_paid",
        ],
        "page": "pages/owner/booking?reference={reference}",
        "data": {
            "character_string1": "reference",
            "thing2": "room",
            "date3": "stay",
            "phrase4": "status",
            "amount5": "amount",
        },
    },
}
# Which version of the mini-program a tap opens: formal (released), trial or developer.
WECHAT_MINI_STATE = os.environ.get("WECHAT_MINI_STATE", "formal")
# The official account's subscription notices (订阅通知, for people who signed in inside WeChat's browser
# and have no mini-program openid), chosen in its console (订阅通知 > 公共模板库). By default the same
# keywords as the mini-program's templates (change ``data`` here if the templates you pick number them
# otherwise); ``page`` is a path of the site, opened under SITE_URL. Each is on only when its id is set.
WECHAT_OA_SUBSCRIBE_TEMPLATES: dict[str, dict[str, Any]] = {
    purpose: {
        **spec,
        "id": os.environ.get(f"WECHAT_OA_TEMPLATE_{purpose.upper()}", "").strip(),
        "page": "/owner/bookings/{reference}/" if purpose == "owner_booking" else "/bookings/{reference}/",
    }
    for purpose, spec in WECHAT_SUBSCRIBE_TEMPLATES.items()
}
if (WECHAT_APPS.get(WECHAT_MINI_APPID) and any(t["id"] for t in WECHAT_SUBSCRIBE_TEMPLATES.values())) or (
    WECHAT_APPS.get(WECHAT_OA_APPID) and any(t["id"] for t in WECHAT_OA_SUBSCRIBE_TEMPLATES.values())
):
    NOTIFICATION_CHANNELS["wechat"] = "notifications.wechat.WeChatChannel"
# WeChat's message push (消息推送 / 服务器配置) of both apps to /wechat/push/: delivery of subscription
# messages and the official account's subscriptions (notifications/wechat_push.py). Off (404) without a
# token; the same Token, and for the safe mode the same EncodingAESKey, go in both consoles.
WECHAT_PUSH_TOKEN = os.environ.get("WECHAT_PUSH_TOKEN", "").strip()
WECHAT_PUSH_AES_KEY = os.environ.get("WECHAT_PUSH_AES_KEY", "").strip()

# Bookings: how long unpaid and unanswered bookings hold their nights.
BOOKING_PAYMENT_HOLD_MINUTES = int(os.environ.get("BOOKING_PAYMENT_HOLD_MINUTES", "15"))
BOOKING_REQUEST_HOLD_HOURS = int(os.environ.get("BOOKING_REQUEST_HOLD_HOURS", "24"))
# The shop's delivery fee per order (one order per producer) and the goods total from which delivery is free.
SHOP_DELIVERY_FEE = Decimal(os.environ.get("SHOP_DELIVERY_FEE", "10.00"))
SHOP_FREE_DELIVERY_FROM = Decimal(os.environ.get("SHOP_FREE_DELIVERY_FROM", "99.00"))
# Trip planner: straight line x circuity at a speed per mode, or an OSRM server's table service.
PLANNER_CIRCUITY = float(os.environ.get("PLANNER_CIRCUITY", "1.4"))
PLANNER_SPEEDS_KMH = {
    "car": float(os.environ.get("PLANNER_SPEED_CAR_KMH", "35")),
    "bike": float(os.environ.get("PLANNER_SPEED_BIKE_KMH", "12")),
    "walk": float(os.environ.get("PLANNER_SPEED_WALK_KMH", "4")),
}
PLANNER_OSRM_URL = os.environ.get("PLANNER_OSRM_URL", "")
PLANNER_OSRM_TIMEOUT = float(os.environ.get("PLANNER_OSRM_TIMEOUT", "5"))
PLANNER_MAX_DAYS = int(os.environ.get("PLANNER_MAX_DAYS", "7"))
PLANNER_MAX_STOPS = int(os.environ.get("PLANNER_MAX_STOPS", "40"))

# Background jobs (calendar sync) through Django's tasks framework, stored in the database; a worker
# runs them: `manage.py db_worker`. TASKS_BACKEND=django.tasks.backends.immediate.ImmediateBackend
# runs them inline instead.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Payments: paying at the homestay always works; Stripe Checkout turns on when both keys are set.
PAYMENT_PROVIDERS = env_list(
    "PAYMENT_PROVIDERS",
    "bookings.payments.at_homestay.AtHomestay,bookings.payments.stripe_checkout.StripeCheckout",
)
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_PAYMENT_METHODS = env_list("STRIPE_PAYMENT_METHODS", "card")
# WeChat Pay (API v3), on when listed in PAYMENT_PROVIDERS (bookings.payments.wechat_pay.WeChatPay) and
# these are set (docs/payments.md): the merchant number, the app id, the merchant API private key (PEM)
# and its certificate's serial number, the APIv3 key, and WeChat Pay's platform public key with its id
# (or, for older merchants, a directory of platform certificates). Notifications go to SITE_URL.
WECHATPAY_MCHID = os.environ.get("WECHATPAY_MCHID", "")
WECHATPAY_APPID = os.environ.get("WECHATPAY_APPID", "")
WECHATPAY_PRIVATE_KEY = os.environ.get("WECHATPAY_PRIVATE_KEY", "")
WECHATPAY_CERT_SERIAL_NO = os.environ.get("WECHATPAY_CERT_SERIAL_NO", "")
WECHATPAY_APIV3_KEY = os.environ.get("WECHATPAY_APIV3_KEY", "")
WECHATPAY_PUBLIC_KEY = os.environ.get("WECHATPAY_PUBLIC_KEY", "")
WECHATPAY_PUBLIC_KEY_ID = os.environ.get("WECHATPAY_PUBLIC_KEY_ID", "")
WECHATPAY_CERT_DIR = os.environ.get("WECHATPAY_CERT_DIR", "")
# Alipay, on when listed (bookings.payments.alipay.Alipay) and these are set: the application's id, its
# private key (RSA2, PEM) and Alipay's public key (PEM) from the Alipay open platform (docs/payments.md).
ALIPAY_APP_ID = os.environ.get("ALIPAY_APP_ID", "")
ALIPAY_APP_PRIVATE_KEY = os.environ.get("ALIPAY_APP_PRIVATE_KEY", "")
ALIPAY_PUBLIC_KEY = os.environ.get("ALIPAY_PUBLIC_KEY", "")
# Every call to a payment provider gives up well within gunicorn's 30 s worker timeout: seconds to
# connect, seconds of silence while reading the answer, and further tries after a network failure.
# Worst case (retries + 1) x (connect + read) plus pauses (0.5 s, 1 s...): 18.5 s with these defaults.
PAYMENT_PROVIDER_CONNECT_TIMEOUT = float(os.environ.get("PAYMENT_PROVIDER_CONNECT_TIMEOUT", "3"))
PAYMENT_PROVIDER_READ_TIMEOUT = float(os.environ.get("PAYMENT_PROVIDER_READ_TIMEOUT", "6"))
PAYMENT_PROVIDER_RETRIES = int(os.environ.get("PAYMENT_PROVIDER_RETRIES", "1"))
# Seconds within which every provider call of one payment start must finish: replacing an open payment
# takes a query, a close and a new order, and a call that could not finish in time at its slowest is not
# made (bookings.payments.services._StartDeadline). Keep it under gunicorn's --timeout and above one call.
PAYMENT_START_DEADLINE = float(os.environ.get("PAYMENT_START_DEADLINE", "25"))
# Where daily reconciliation reads our profit-sharing records (a dotted path set by the profit-sharing
# code, not by the environment; docs/payments.md, "对账"); empty: splits are not reconciled.
RECONCILIATION_SPLIT_RECORDS = "bookings.payments.splits.reconciliation_records"
# Profit sharing (分账, docs/payments.md): WeChat Pay in service-provider mode (the WECHATPAY_* above are
# then the service provider's) with the group's own sub-merchant for what it collects; the split cap,
# the days after check-out before a split, and the retries (first wait in seconds, tries before staff).
WECHATPAY_PARTNER_MODE = os.environ.get("WECHATPAY_PARTNER_MODE", "")
WECHATPAY_GROUP_SUB_MCHID = os.environ.get("WECHATPAY_GROUP_SUB_MCHID", "")
# Alipay royalty for owners who authorised the group's application (their app_auth_token in the admin).
ALIPAY_ROYALTY = os.environ.get("ALIPAY_ROYALTY", "")
PROFIT_SHARING_MAX_RATIO = os.environ.get("PROFIT_SHARING_MAX_RATIO", "0.30")
PROFIT_SHARING_DELAY_DAYS = int(os.environ.get("PROFIT_SHARING_DELAY_DAYS", "1"))
PROFIT_SHARING_RETRY_BASE = float(os.environ.get("PROFIT_SHARING_RETRY_BASE", "300"))
PROFIT_SHARING_MAX_ATTEMPTS = int(os.environ.get("PROFIT_SHARING_MAX_ATTEMPTS", "6"))

# Booking attempts per signed-in person per minute through the API (shared across workers with REDIS_URL).
BOOKING_CREATE_RATE_PER_MINUTE = int(os.environ.get("BOOKING_CREATE_RATE_PER_MINUTE", "20"))
# ... and per client address (see TRUSTED_PROXY_COUNT), so many accounts from one address get no more.
BOOKING_CREATE_RATE_PER_ADDRESS_PER_MINUTE = int(
    os.environ.get("BOOKING_CREATE_RATE_PER_ADDRESS_PER_MINUTE", "60")
)

# How long an API write's Idempotency-Key and its answer are kept (common/idempotency.py); at least 24.
IDEMPOTENCY_KEY_TTL_HOURS = int(os.environ.get("IDEMPOTENCY_KEY_TTL_HOURS", "24"))

# Reviews (README, "Reviews"): the content check every review and owner's reply goes through, and the
# default check's word list (comma-separated; text containing one waits for staff).
REVIEW_CONTENT_CHECK = os.environ.get("REVIEW_CONTENT_CHECK", "bookings.reviews.moderation.word_list_check")
REVIEW_BLOCKED_WORDS = env_list("REVIEW_BLOCKED_WORDS", "加微信,加我微信,代开发票,刷单,赌博,博彩,色情,办证")
# How many days after check-out a guest may still write a review.
REVIEW_WINDOW_DAYS = int(os.environ.get("REVIEW_WINDOW_DAYS", "60"))
