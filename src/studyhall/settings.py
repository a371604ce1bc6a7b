"""Settings for studyhall, read from environment variables.

Every variable has an embedded default that works on a fresh machine: SQLite
under var/, an in-memory channel layer and cache, tasks run in-process, mail
printed to the console. docs/configuration.md describes each variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("STUDYHALL_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


def load_secret_key() -> str:
    """Return SECRET_KEY from the environment, or a key kept in var/ for this install."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def email_settings(url: str) -> dict[str, object]:
    """Translate EMAIL_URL (console://, smtp://, smtp+tls://, smtps://) to settings."""
    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("memory:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtp+tls", "smtps"}:
        raise ValueError(f"EMAIL_URL scheme {parsed.scheme!r} is not supported")
    options = parse_qs(parsed.query)
    default_port = {"smtp": 25, "smtp+tls": 587, "smtps": 465}[parsed.scheme]
    result: dict[str, object] = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or default_port,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": parsed.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
    }
    if "timeout" in options:
        result["EMAIL_TIMEOUT"] = int(options["timeout"][0])
    return result


SECRET_KEY = load_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "studyhall")
# The contact address in the Open Badges issuer profile.
BADGE_ISSUER_EMAIL = os.environ.get("BADGE_ISSUER_EMAIL", "badges@localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "studyhall.core",
    "studyhall.accounts",
    "studyhall.communities",
    "studyhall.discussions",
    "studyhall.realtime",
    "studyhall.notifications",
    "studyhall.chat",
    "studyhall.groups",
    "studyhall.library",
    "studyhall.live",
    "studyhall.recognition",
    "studyhall.profiles",
    "studyhall.search",
    "studyhall.moderation",
    "studyhall.security",
    "studyhall.privacy",
    "studyhall.analytics",
    "studyhall.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages shrink to about a sixth; Django pads compressed responses against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "studyhall.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "studyhall.security.middleware.SessionsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "studyhall.urls"
ASGI_APPLICATION = "studyhall.asgi.application"
WSGI_APPLICATION = "studyhall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "studyhall.core.context_processors.site",
                "studyhall.notifications.context_processors.bell",
            ],
            # {% url %} remembered per process (core/urls.py).
            "builtins": ["studyhall.core.templatetags.cached_url"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "")
        or f"sqlite:///{VAR_DIR / 'studyhall.sqlite3'}",
        # HTTP views run on a fixed pool of threads (asgi.py), so each thread
        # keeps its connection rather than opening one per request.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "300")),
        conn_health_checks=True,
    )
}
# Threads per server process running the (synchronous) HTTP views.
HTTP_THREADS = int(os.environ.get("HTTP_THREADS", "8"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE avoids the
    # lock upgrade deadlock when two requests write at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Messages a channel-layer channel may hold before new ones are dropped. Each
# server process reads one channel for all its sockets (realtime.fanout), so
# it must absorb a burst of events; a gap is filled from storage anyway.
CHANNEL_CAPACITY = int(os.environ.get("CHANNEL_CAPACITY", "1000"))
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "studyhall",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": "studyhall",
                "capacity": CHANNEL_CAPACITY,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Room for every post fragment of the busiest pages (discussions.fragments).
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "studyhall.realtime.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_CAPACITY},
        }
    }

# WebSocket handshakes are accepted only from these origins (scheme://host[:port]).
# A handshake without an Origin header is refused. Defaults to SITE_URL's origin.
WEBSOCKET_ALLOWED_ORIGINS = env_list("WEBSOCKET_ALLOWED_ORIGINS", SITE_URL) or [
    SITE_URL
]
if "*" in WEBSOCKET_ALLOWED_ORIGINS and not DEBUG:
    raise ValueError("WEBSOCKET_ALLOWED_ORIGINS must list origins; '*' needs DEBUG=1")
# Sockets: ping interval, how long a silent peer is kept, how long a send may
# wait on a client that stopped reading, and how often access is re-checked
# (changes of membership or session re-check at once). Silence is noticed at
# a ping, so a dead peer is dropped within idle timeout + ping interval (60 s).
REALTIME_PING_SECONDS = float(os.environ.get("REALTIME_PING_SECONDS", "20"))
REALTIME_IDLE_TIMEOUT_SECONDS = float(
    os.environ.get("REALTIME_IDLE_TIMEOUT_SECONDS", "40")
)
REALTIME_SEND_TIMEOUT_SECONDS = float(
    os.environ.get("REALTIME_SEND_TIMEOUT_SECONDS", "10")
)
REALTIME_RECHECK_SECONDS = float(os.environ.get("REALTIME_RECHECK_SECONDS", "10"))
REALTIME_REPLAY_LIMIT = int(os.environ.get("REALTIME_REPLAY_LIMIT", "500"))
# Frames a socket may have waiting to be written; a client that lets more pile
# up is closed as too slow (4429) and resumes by sequence.
REALTIME_OUTBOX_FRAMES = int(os.environ.get("REALTIME_OUTBOX_FRAMES", "1000"))

TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ValueError("TASKS_BACKEND must be 'immediate' or 'database'")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["studyhall.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "communities:home"
LOGOUT_REDIRECT_URL = "communities:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling: failures allowed per account and per client address
# within the window before further attempts are refused.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
LOGIN_FAILURE_WINDOW_SECONDS = int(
    os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "1800")
)

# Profiles and networking (docs/profiles.md).
PROFILES_AVATAR_MAX_BYTES = int(os.environ.get("PROFILES_AVATAR_MAX_BYTES", "2097152"))
PROFILES_SHOWCASE_MAX_BYTES = int(
    os.environ.get("PROFILES_SHOWCASE_MAX_BYTES", "10485760")
)
PROFILES_MAX_TAGS = int(os.environ.get("PROFILES_MAX_TAGS", "12"))
PROFILES_CONNECTION_REQUESTS_PER_DAY = int(
    os.environ.get("PROFILES_CONNECTION_REQUESTS_PER_DAY", "20")
)
PROFILES_MENTORSHIP_EXPIRY_DAYS = int(
    os.environ.get("PROFILES_MENTORSHIP_EXPIRY_DAYS", "14")
)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

for _key, _value in email_settings(os.environ.get("EMAIL_URL", "")).items():
    globals()[_key] = _value
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "studyhall <noreply@localhost>"
)

# HTTPS=1 when the site is served over TLS (behind a proxy that sets
# X-Forwarded-Proto): secure cookies, HSTS and redirects to https.
HTTPS = env_bool("HTTPS", False)
# Django's database sessions, looked up with a compiled query (accounts/sessions.py).
SESSION_ENGINE = "studyhall.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
    },
}

# Limits on what people type; every form and API input shares them.
TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 50_000
PAGE_SIZE = 20
CHAT_MESSAGE_MAX_LENGTH = 10_000
# Flood limit: at most this many chat messages per person in this many seconds.
CHAT_RATE_MESSAGES = int(os.environ.get("CHAT_RATE_MESSAGES", "10"))
CHAT_RATE_SECONDS = int(os.environ.get("CHAT_RATE_SECONDS", "10"))

# Notifications and email (docs/notifications.md). Immediate emails a person
# may get in 24 hours before the rest wait for their digest; attempts before
# an email is given up; the shared secret of the bounce and inbound webhooks;
# the domain whose reply+...@ addresses reach `manage.py receive_email`
# (empty: no reply by email).
NOTIFICATIONS_DAILY_EMAIL_CAP = int(
    os.environ.get("NOTIFICATIONS_DAILY_EMAIL_CAP", "20")
)
NOTIFICATIONS_EMAIL_MAX_ATTEMPTS = int(
    os.environ.get("NOTIFICATIONS_EMAIL_MAX_ATTEMPTS", "6")
)
# How long before a study session its members are reminded, unless they chose;
# how long a direct message may stay unread before it is emailed.
NOTIFICATIONS_SESSION_REMINDER_MINUTES = int(
    os.environ.get("NOTIFICATIONS_SESSION_REMINDER_MINUTES", "60")
)
NOTIFICATIONS_MESSAGE_EMAIL_DELAY_MINUTES = int(
    os.environ.get("NOTIFICATIONS_MESSAGE_EMAIL_DELAY_MINUTES", "5")
)
MAIL_WEBHOOK_SECRET = os.environ.get("MAIL_WEBHOOK_SECRET", "")
MAIL_REPLY_DOMAIN = os.environ.get("MAIL_REPLY_DOMAIN", "")

# Moderation (docs/moderation.md): flags one person may raise per window,
# the default number of trusted flags that hide content pending review, and
# when a member's flags count as trusted.
MODERATION_FLAGS_PER_WINDOW = int(os.environ.get("MODERATION_FLAGS_PER_WINDOW", "10"))
MODERATION_FLAG_WINDOW_SECONDS = int(
    os.environ.get("MODERATION_FLAG_WINDOW_SECONDS", "3600")
)
MODERATION_AUTO_HIDE_FLAGS = int(os.environ.get("MODERATION_AUTO_HIDE_FLAGS", "3"))
MODERATION_TRUSTED_AFTER_DAYS = int(
    os.environ.get("MODERATION_TRUSTED_AFTER_DAYS", "7")
)
MODERATION_TRUSTED_AFTER_POSTS = int(
    os.environ.get("MODERATION_TRUSTED_AFTER_POSTS", "3")
)

# Reaching strangers (people you are not connected with and share no study
# group with): conversations opened a day, fewer for New members everywhere,
# and messages before they answer (docs/moderation.md).
DMS_TO_STRANGERS_PER_DAY = int(os.environ.get("DMS_TO_STRANGERS_PER_DAY", "10"))
NEW_MEMBER_DMS_TO_STRANGERS_PER_DAY = int(
    os.environ.get("NEW_MEMBER_DMS_TO_STRANGERS_PER_DAY", "3")
)
DMS_BEFORE_REPLY = int(os.environ.get("DMS_BEFORE_REPLY", "3"))

# Owners and moderators (and site administrators) must turn on two-factor
# authentication before using the site (docs/security.md).
TWO_FACTOR_REQUIRED_FOR_STAFF = env_bool("TWO_FACTOR_REQUIRED_FOR_STAFF", True)

# Days between asking to delete an account and its deletion (docs/privacy.md).
ACCOUNT_DELETION_GRACE_DAYS = int(os.environ.get("ACCOUNT_DELETION_GRACE_DAYS", "14"))

# A password reset request answers after at least this long whether or not the
# address has an account, so response time reveals nothing.
PASSWORD_RESET_MIN_SECONDS = float(os.environ.get("PASSWORD_RESET_MIN_SECONDS", "1.0"))

# Sign-ups allowed from one network address per window.
SIGNUPS_PER_ADDRESS = int(os.environ.get("SIGNUPS_PER_ADDRESS", "5"))
SIGNUP_WINDOW_SECONDS = int(os.environ.get("SIGNUP_WINDOW_SECONDS", "3600"))

# Anti-abuse limits on new posts (docs/moderation.md); moderators are exempt.
POSTS_PER_MINUTE = int(os.environ.get("POSTS_PER_MINUTE", "6"))
MAX_LINKS_PER_POST = int(os.environ.get("MAX_LINKS_PER_POST", "20"))
NEW_MEMBER_MAX_LINKS_PER_POST = int(
    os.environ.get("NEW_MEMBER_MAX_LINKS_PER_POST", "2")
)
NEW_MEMBER_MAX_IMAGES_PER_POST = int(
    os.environ.get("NEW_MEMBER_MAX_IMAGES_PER_POST", "1")
)
NEW_MEMBER_MAX_MENTIONS_PER_POST = int(
    os.environ.get("NEW_MEMBER_MAX_MENTIONS_PER_POST", "3")
)
SPAM_REPEAT_WINDOW_SECONDS = int(os.environ.get("SPAM_REPEAT_WINDOW_SECONDS", "86400"))

# Who may create communities: "staff" (site administrators) or "verified"
# (anyone with a verified email address, who becomes the owner).
COMMUNITY_CREATORS = os.environ.get("COMMUNITY_CREATORS", "staff")

# Files shared in study groups and the library: the largest upload in bytes,
# and the file types accepted (by extension). Files are always served as
# downloads with a safe content type.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_EXTENSIONS = env_list(
    "UPLOAD_EXTENSIONS", "pdf,txt,md,csv,png,jpg,jpeg,gif,zip,bib,ipynb,docx,pptx,xlsx"
)
# Search (docs/search.md): the PostgreSQL text search configuration that
# stems words, and whether the optional semantic method is used when installed.
SEARCH_LANGUAGE = os.environ.get("SEARCH_LANGUAGE", "english")
SEARCH_SEMANTIC = os.environ.get("SEARCH_SEMANTIC", "auto")
if SEARCH_SEMANTIC not in {"auto", "off"}:
    raise ValueError("SEARCH_SEMANTIC must be 'auto' or 'off'")
