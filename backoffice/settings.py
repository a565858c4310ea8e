"""Settings for the back office, read from environment variables (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from backoffice.env import (
    database_from_url,
    envbool,
    envfloat,
    envint,
    envlist,
    read_env_file,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent
read_env_file(BASE_DIR / ".env")  # `make demo` writes it; the environment wins over it

DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (in the environment or in .env; "
            "`make demo` writes a .env for development, .env.example lists every setting)"
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The base of links in customer emails; unset, the local server's (PORT, as `make demo` uses).
SITE_URL = os.environ.get("SITE_URL", f"http://localhost:{envint('PORT', 8000)}").rstrip("/")

INSTALLED_APPS = [
    "backoffice.apps.BackofficeAdminConfig",  # django.contrib.admin on our site class
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    "django_htmx",
    "django_q",
    "template_partials",
    "axes",
    "csp",
    "customers",
    "cases",
    "review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "backoffice.guards.UnstorableTextMiddleware",  # NUL and lone surrogates: a 400
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cases.middleware.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "backoffice.guards.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Content-Security-Policy (django-csp 4): our own origin only; no inline script or style
# (none is needed; a template that must have one uses `request.csp_nonce`).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)

ROOT_URLCONF = "backoffice.urls"
WSGI_APPLICATION = "backoffice.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": (
        database_from_url(os.environ["DATABASE_URL"], BASE_DIR)
        if os.environ.get("DATABASE_URL")
        else sqlite_database(str(BASE_DIR / "db.sqlite3"))
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every process and machine (throttles, rate limits, presence): Redis when
# REDIS_URL is set, else a table in the database. Never a process's own memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "backoffice.cache.SharedRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache"}
    )
}
# Sessions read from Redis and written through to the database (no session query per request);
# without Redis the cache is a table as well, and the database alone serves them.
SESSION_ENGINE = f"django.contrib.sessions.backends.{'cached_db' if REDIS_URL else 'db'}"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True
# One date and time format per language (backoffice/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["backoffice.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Files served at the site's root (favicon.ico): browsers ask for it on every page.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Attachments: files under MEDIA_ROOT that only the app's user reads, or, with
# ATTACHMENTS_S3_BUCKET, objects in an S3-compatible bucket (django-storages) that every node
# shares. Credentials come from boto3's usual chain: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the machine's role.
ATTACHMENTS_S3_BUCKET = os.environ.get("ATTACHMENTS_S3_BUCKET", "")
STORAGES["attachments"] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATTACHMENTS_S3_BUCKET,
            "endpoint_url": os.environ.get("ATTACHMENTS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("ATTACHMENTS_S3_REGION") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
    if ATTACHMENTS_S3_BUCKET
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    }
)

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username, or
# from one address, logins are refused for AXES_COOLOFF_MINUTES, on the workspace's and the
# admin's login page alike. Behind a proxy, see docs/deploy.md for the client address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind a proxy that overwrites X-Forwarded-For: count by the client's address, not the proxy's.
AXES_IPWARE_PROXY_COUNT = envint("AXES_IPWARE_PROXY_COUNT", 0) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "queue"
LOGOUT_REDIRECT_URL = "login"

# Email: SMTP when EMAIL_HOST is set, otherwise a local file outbox the demo can show.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "support@localhost")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / "var" / "outbox"

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_NAME (e.g.
# HTTP_X_FORWARDED_PROTO); `manage.py check --deploy` passes with DEBUG off.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if os.environ.get("SECURE_PROXY_SSL_HEADER_NAME"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER_NAME"], "https")
# The health check and other plain-HTTP probes on localhost.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cases.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"intake": os.environ.get("INTAKE_RATE", "120/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Back office API",
    "DESCRIPTION": "Submit customer messages, read cases, drive their transitions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# django-q2 with the ORM broker on the default database: an enqueue inside a transaction becomes
# visible only on commit. A task is leased to the cluster that took it for Q_LEASE seconds and
# renewed while that cluster lives (backoffice/broker.py): a dead node's tasks move on in seconds.
Q_CLUSTER = {
    "name": "backoffice",
    "orm": "default",
    "broker_class": "backoffice.broker.LeasedORM",
    "workers": envint("Q_WORKERS", 2),
    "timeout": envint("Q_TIMEOUT", 120),
    "lease": envint("Q_LEASE", 15),
    "max_attempts": envint("Q_MAX_ATTEMPTS", 3),
    "ack_failures": True,
    "catch_up": False,
    "poll": 0.5,
    # Tasks taken per dequeue: one statement for four tasks, each leased (backoffice/broker.py).
    # Intake ran at 13.2 against 6.7 messages/s with 1 (bench/intake.py, docs/performance.md).
    "bulk": 4,
    "save_limit": 0,  # no pruning per save (42 % of the worker's CPU): purged hourly instead
    "label": "Tasks",
    "ALT_CLUSTERS": {},  # Q_CLUSTER_NAME would poll a queue of its own: docs/deploy.md
}
Q_CLUSTER["retry"] = Q_CLUSTER["timeout"] + Q_CLUSTER["lease"]  # django-q2's own check
TASK_RESULTS_KEEP_HOURS = envint("TASK_RESULTS_KEEP_HOURS", 24)  # failures: 7 times as long
# The broker (docs/deploy.md): "orm" (the default) keeps tasks in PostgreSQL until they finish;
# "redis" (with REDIS_URL) takes a task off the queue when a worker starts it, so a killed
# worker's task is lost, not retried.
Q_BROKER = os.environ.get("Q_BROKER", "orm")
if Q_BROKER not in ("orm", "redis"):
    raise ImproperlyConfigured('Q_BROKER must be "orm" or "redis"')
if Q_BROKER == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("Q_BROKER=redis needs REDIS_URL")
    del Q_CLUSTER["orm"], Q_CLUSTER["broker_class"]
    Q_CLUSTER["redis"] = REDIS_URL
if Q_CLUSTER["lease"] < 3 or Q_CLUSTER["timeout"] < 1:
    raise ImproperlyConfigured("Q_LEASE must be at least 3 seconds, Q_TIMEOUT at least 1")
if Q_CLUSTER["max_attempts"] < 1:
    raise ImproperlyConfigured("Q_MAX_ATTEMPTS must be at least 1 (0 retries forever)")

# The suggestion engine and the routing policy.
ENGINE = os.environ.get("ENGINE", "tfidf")
ENGINE_EMBEDDINGS = os.environ.get("ENGINE_EMBEDDINGS", "minilm")  # hybrid's model (docs/engine.md)
# Where the hybrid engine keeps its optimised ONNX graphs (docs/engine.md, "Serving memory");
# empty: a directory of its own under the system's temporary directory.
ENGINE_CACHE_DIR = os.environ.get("ENGINE_CACHE_DIR", "")
# Optional: draft replies from an OpenAI-compatible chat endpoint; off while LLM_BASE_URL is unset.
LLM_BASE_URL = os.environ.get("LLM_BASE_URL", "")
LLM_MODEL = os.environ.get("LLM_MODEL", "")
LLM_API_KEY = os.environ.get("LLM_API_KEY", "")
LLM_TIMEOUT = float(os.environ.get("LLM_TIMEOUT", "10"))
# Below this calibrated confidence for every intent, a message is out of scope: a human decides.
OUT_OF_SCOPE_THRESHOLD = envfloat("OUT_OF_SCOPE_THRESHOLD", 0.40, low=0.0, high=1.0)
# The retrain gate: the precision automated answers must reach (thresholds are chosen for it),
# and the share of labelled examples held out of training to compare models on.
ENGINE_TARGET_PRECISION = envfloat("ENGINE_TARGET_PRECISION", 0.98, low=0.5, high=0.9999)
ENGINE_HOLDOUT_SHARE = envfloat("ENGINE_HOLDOUT_SHARE", 0.1, low=0.0, high=0.5)
# Model versions per engine whose blob is kept (plus the active one); older ones keep only their
# figures. At least 2, so that a roll back always has a model to return to.
ENGINE_KEEP_VERSIONS = envint("ENGINE_KEEP_VERSIONS", 10)
if ENGINE_KEEP_VERSIONS < 2:
    raise ImproperlyConfigured("ENGINE_KEEP_VERSIONS must be at least 2 (a roll back needs one)")
# Intake limits: bigger bodies get a clear 400, never a 500.
MAX_MESSAGE_CHARS = envint("MAX_MESSAGE_CHARS", 200_000)
# Email in (docs/email.md). What one email may be; beyond it, the raw mail goes to quarantine.
EMAIL_MAX_BYTES = envint("EMAIL_MAX_BYTES", 40 * 1024 * 1024)
EMAIL_MAX_HEADER_BYTES = envint("EMAIL_MAX_HEADER_BYTES", 256 * 1024)
EMAIL_MAX_PARTS = envint("EMAIL_MAX_PARTS", 250)
EMAIL_MAX_DEPTH = envint("EMAIL_MAX_DEPTH", 20)
# Our MTA's authserv-id in Authentication-Results (e.g. mx.example.com): its DMARC/SPF/DKIM
# verdicts decide whether a reply may join a case on its own (cases/mail/trust.py).
MAIL_AUTHSERV_ID = os.environ.get("MAIL_AUTHSERV_ID", "")
# A bigger file is refused, its message kept.
EMAIL_MAX_ATTACHMENT_BYTES = envint("EMAIL_MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024)
# Mail out: how often a reply or a customer email is tried before it counts as undelivered
# (pauses grow from 1 minute to 12 hours; cases/models/delivery.py).
MAIL_MAX_ATTEMPTS = envint("MAIL_MAX_ATTEMPTS", 10)
if MAIL_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("MAIL_MAX_ATTEMPTS must be at least 1")
# Files an agent sends with a reply: how many, and how big together.
REPLY_MAX_FILES = envint("REPLY_MAX_FILES", 10)
REPLY_MAX_ATTACHMENT_BYTES = envint("REPLY_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
# More emails than this from one sender within the window go to quarantine (0: no limit).
EMAIL_RATE_LIMIT = envint("EMAIL_RATE_LIMIT", 30)
EMAIL_RATE_WINDOW_MINUTES = envint("EMAIL_RATE_WINDOW_MINUTES", 60)
# The mailbox poller (a django-q2 schedule); it does nothing while IMAP_HOST is unset.
# IMAP_SSL on: TLS from the first byte (port 993); off: STARTTLS, required (port 143).
IMAP_HOST = os.environ.get("IMAP_HOST", "")
IMAP_SSL = envbool("IMAP_SSL", True)
IMAP_PORT = envint("IMAP_PORT", 993 if IMAP_SSL else 143)
IMAP_USER = os.environ.get("IMAP_USER", "")
IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD", "")
IMAP_FOLDER = os.environ.get("IMAP_FOLDER", "INBOX")
IMAP_PROCESSED_FOLDER = os.environ.get("IMAP_PROCESSED_FOLDER", "Processed")
IMAP_CA_FILE = os.environ.get("IMAP_CA_FILE", "")  # a private CA's certificate (PEM)
IMAP_BATCH = envint("IMAP_BATCH", 100)
# How long a customer's link stays valid, per kind (days), and when the one reminder goes out.
CONFIRMATION_TTL_DAYS = {
    "choose": envint("CONFIRM_CHOOSE_DAYS", 3),
    "confirm": envint("CONFIRM_ADJUSTMENT_DAYS", 7),
    "feedback": envint("CONFIRM_FEEDBACK_DAYS", 14),
}
REMINDER_HOURS_BEFORE = envint("REMINDER_HOURS_BEFORE", 24)
# Resolved cases without news are closed after this many days by a scheduled job.
CLOSE_AFTER_DAYS = envint("CLOSE_AFTER_DAYS", 7)
# A new case that repeats one of the same customer's cases from the last N hours is marked as a
# possible duplicate: a person decides, the AI does not answer it twice (docs/bulk.md).
DUPLICATE_WINDOW_HOURS = envint("DUPLICATE_WINDOW_HOURS", 24)
# Webhooks (docs/api.md): each POST times out after WEBHOOK_TIMEOUT seconds; a failed one is
# retried after WEBHOOK_BACKOFF_SECONDS * 2^(attempt-1), and marked failed after the last attempt.
WEBHOOK_TIMEOUT = envint("WEBHOOK_TIMEOUT", 10)
WEBHOOK_BACKOFF_SECONDS = envint("WEBHOOK_BACKOFF_SECONDS", 60)
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", 8)
if WEBHOOK_MAX_ATTEMPTS < 1 or not 0 < WEBHOOK_TIMEOUT < Q_CLUSTER["timeout"] / 2:
    raise ImproperlyConfigured("WEBHOOK_MAX_ATTEMPTS ≥ 1 and 0 < WEBHOOK_TIMEOUT < Q_TIMEOUT / 2")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
