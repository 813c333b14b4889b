"""Django settings for the Tianping platform, read from the environment.

Environment variables
---------------------
TIANPING_HOME          folder for the embedded database, keys and uploads (default ``./var``);
                       made mode 0700, the SQLite database and its -wal/-shm files 0600
DATABASE_URL           e.g. ``postgres://user:pass@host/db``; default: SQLite in TIANPING_HOME
TIANPING_SECRET_KEY    Django's secret key, the same for every process of a cluster; else
TIANPING_SECRET_KEY_FILE  a file holding it (e.g. a mounted secret); if neither is set, one is
                       generated into ``TIANPING_HOME/secret_key`` (mode 0600) on first start
                       (one host, the demo)
TIANPING_DEBUG         ``1`` to turn on debug pages (off by default)
TIANPING_HTTPS         ``1`` behind TLS: secure cookies, HTTPS redirects and HSTS
TIANPING_HSTS_SECONDS  HSTS max-age with TIANPING_HTTPS (default one year)
TIANPING_ALLOWED_HOSTS comma-separated host names (default ``127.0.0.1,localhost``)
TIANPING_TASKS_BACKEND ``database`` (default) or ``immediate`` (run tasks in the request)
TIANPING_EMAIL_HOST    SMTP server for password resets and notifications; with
                       TIANPING_EMAIL_PORT (default 25, 587 with TLS, 465 with SSL),
                       TIANPING_EMAIL_USER, TIANPING_EMAIL_PASSWORD, TIANPING_EMAIL_TLS=1
                       (STARTTLS) or TIANPING_EMAIL_SSL=1; unset: messages are written to
                       ``TIANPING_HOME/outbox`` (folder 0700, files 0600), never to the log
TIANPING_EMAIL_BACKEND dotted path of a Django e-mail backend, overriding the above
                       (``tianping demo`` sets the console backend)
TIANPING_LEDGER_SECRET base64 of 32+ random bytes from which every ledger's checkpoint key is
                       derived; if unset, one is generated into ``TIANPING_HOME/ledger_secret``
                       (mode 0600) on first use
TIANPING_KEY_<PURPOSE> signing keys by purpose (LEDGER for a rotated checkpoint key,
                       CERTIFICATES, FEDERATION, SCORECARDS) and encryption keys (UPLOADS): base64
                       of 32 random bytes, several comma-separated, newest first; else
                       ``TIANPING_HOME/keys/<purpose>.key`` (see web/core/signing.py)
TIANPING_LEDGER_ORIGIN the host-like prefix of the ledgers' names (default ``tianping.local``)
TIANPING_STORAGE       where files are stored: ``local`` (default, under TIANPING_HOME) or ``s3``
                       with TIANPING_S3_BUCKET, TIANPING_S3_ENDPOINT_URL and the AWS credential
                       variables (see web/core/storage.py)
TIANPING_DATA_DIRS     folders on the server whose files a bias assessment may read, separated
                       by ``os.pathsep`` (``:``); unset: uploads only
TIANPING_MAX_PREDICTIONS_BYTES  size limit of an uploaded predictions file (default 64 MiB)
TIANPING_MAX_ATTACHMENT_BYTES   size limit of one attachment of a review application
                                (default 20 MiB)
TIANPING_REVIEW_RETENTION_YEARS years an ended review keeps its attachments' contents and
                                decision letters before ``review_purge`` removes them
                                (default 5; names and hashes stay)
TIANPING_MAX_REQUEST_BYTES      the largest request body read at all (413 unread beyond;
                                default: the largest upload limit + 2 MiB)
TIANPING_SESSION_IDLE_MINUTES   a session ends after this long without a request (default 30)
TIANPING_LOGIN_FAILURE_LIMIT    failed sign-ins per account and per address before a lockout
                                (default 5)
TIANPING_LOGIN_COOLOFF_MINUTES  how long a lockout lasts after the last failure (default 15)
TIANPING_LOGIN_LOCKOUT          what is counted: ``username,ip_address`` (default, each apart)
                                or e.g. ``username+ip_address`` (the pair)
TIANPING_PASSWORD_RESET_LIMIT   reset requests per address and per e-mail (default 5) in
TIANPING_PASSWORD_RESET_WINDOW_MINUTES (default 60)
TIANPING_TOKEN_FAILURE_LIMIT    invalid API bearer tokens from one address (default 20) before
                                its bearer requests answer 429 for
TIANPING_TOKEN_COOLOFF_MINUTES  (default: TIANPING_LOGIN_COOLOFF_MINUTES)
TIANPING_REQUIRE_2FA            ``1`` (default): the roles below must sign in with a TOTP code;
                                ``0``: two-factor sign-in is optional (``tianping demo``)
TIANPING_REQUIRE_2FA_ROLES      comma-separated roles that need it, ``staff`` for staff and
                                superusers (default ``regulator,certification_officer,admin,staff``)
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tianping.web.home import private_dir, private_sqlite

PACKAGE_DIR = Path(__file__).resolve().parent
HOME = private_dir(Path(os.environ.get("TIANPING_HOME", "var")).resolve())


ERR_SECRET_KEY_FILE = "TIANPING_SECRET_KEY_FILE={path}: {problem}"  # noqa: S105 - a message


def _secret_key() -> str:
    if key := os.environ.get("TIANPING_SECRET_KEY"):
        return key
    if mounted := os.environ.get("TIANPING_SECRET_KEY_FILE"):
        # A key every process of a cluster reads from the same mounted secret.
        try:
            key = Path(mounted).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                ERR_SECRET_KEY_FILE.format(path=mounted, problem=error.strerror)
            ) from None
        if not key:
            raise ImproperlyConfigured(ERR_SECRET_KEY_FILE.format(path=mounted, problem="empty"))
        return key
    path = HOME / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("TIANPING_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("TIANPING_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "tianping.web.core",
    "tianping.web.accounts",
    "tianping.web.catalogue",
    "tianping.web.systems",
    "tianping.web.ledger",
    "tianping.web.operations",
    "tianping.web.assessments",
    "tianping.web.reviews",
    "tianping.web.vendors",
    "tianping.web.probes",
    "tianping.web.transparency",
    "tianping.web.certification",
    "tianping.web.network",
    "tianping.web.cases",
    "tianping.web.index",
    "tianping.web.federation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tianping.web.security.ContentSecurityPolicyMiddleware",
    "tianping.web.security.BidiControlMiddleware",
    # Before anything reads a request body (tianping.web.uploads).
    "tianping.web.uploads.UploadLimitMiddleware",
    # Anonymous JSON POST /api/certification/verify: answered here, the same as by the API.
    "tianping.web.certification.fastpath.VerifyFastPathMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tianping.web.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tianping.web.urls"
WSGI_APPLICATION = "tianping.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tianping.web.accounts.context_processors.memberships",
            ],
            "builtins": ["tianping.web.core.templatetags.bilingual"],
        },
    },
]

_default_db = f"sqlite:///{HOME / 'tianping.sqlite3'}"
# A connection is kept for a minute (checked before reuse) rather than opened per request:
# opening one (and, for SQLite, its PRAGMAs) cost more than a certificate verification.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db),
        conn_max_age=int(os.environ.get("TIANPING_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process and the task worker read while one writes;
        # IMMEDIATE transactions avoid lock upgrades failing under concurrency.
        # synchronous=FULL: a commit is on disk when it returns, as the ledger promises
        # when it acknowledges decision records (WAL with NORMAL may lose the last
        # commits on power loss).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Created 0600 before SQLite opens it: the -wal and -shm files take its mode.
    private_sqlite(DATABASES["default"]["NAME"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes checks the lockout first; the model backend checks the password.
AUTHENTICATION_BACKENDS = [
    "tianping.web.accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The platform package is not an app itself, so its static folder is named here.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Files (tianping.web.core.storage): TIANPING_STORAGE=local (default) keeps them under
# TIANPING_HOME; s3 puts them in the bucket TIANPING_S3_BUCKET of an S3-compatible object
# storage at TIANPING_S3_ENDPOINT_URL (unset: AWS S3), shared by every host of a cluster;
# credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or any source boto3 reads).
STORAGE_KIND = os.environ.get("TIANPING_STORAGE", "").strip().lower() or "local"
if STORAGE_KIND == "local":
    _FILES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "tianping.web.core.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": HOME / "files"},
        },
        "uploads": {"BACKEND": "tianping.web.core.storage.UploadsFolderStorage"},
    }
elif STORAGE_KIND == "s3":
    _BUCKET = os.environ.get("TIANPING_S3_BUCKET", "").strip()
    if not _BUCKET:
        raise ImproperlyConfigured("TIANPING_STORAGE=s3 needs TIANPING_S3_BUCKET (a bucket name)")
    _ENDPOINT = os.environ.get("TIANPING_S3_ENDPOINT_URL", "").strip() or None
    _S3 = {
        "bucket_name": _BUCKET,
        "endpoint_url": _ENDPOINT,
        "addressing_style": "path" if _ENDPOINT else None,
        "default_acl": None,
        "max_memory_size": 1024 * 1024,  # larger objects are read through a temporary file
    }
    _FILES = {
        name: {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_S3, "location": prefix}}
        for name, prefix in (("default", "files"), ("uploads", "predictions"))
    }
else:
    raise ImproperlyConfigured(f"TIANPING_STORAGE must be 'local' or 's3', not {STORAGE_KIND!r}")
STORAGES = {
    **_FILES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
# A session ends after TIANPING_SESSION_IDLE_MINUTES without a request (default 30): each
# request saves the session and pushes its expiry on by that much.
SESSION_COOKIE_AGE = int(os.environ.get("TIANPING_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles from the platform's own static files only (no inline code, no CDN),
# no plugins, no framing; forms post to the platform only (tianping.web.security).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
if not DEBUG and os.environ.get("TIANPING_HTTPS") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # A load balancer's health probes (/healthz, /readyz) often speak plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    # Browsers come back over HTTPS only, for a year (TIANPING_HSTS_SECONDS changes it).
    SECURE_HSTS_SECONDS = int(os.environ.get("TIANPING_HSTS_SECONDS", str(365 * 24 * 3600)))

# E-mail (password-reset links, review notifications) never goes to the log: SMTP when
# TIANPING_EMAIL_HOST is set, otherwise a private outbox folder (tianping.web.mail). The
# demo prints it to the console (the launcher sets TIANPING_EMAIL_BACKEND).
EMAIL_HOST = os.environ.get("TIANPING_EMAIL_HOST", "")
EMAIL_USE_TLS = os.environ.get("TIANPING_EMAIL_TLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("TIANPING_EMAIL_SSL", "") == "1"
EMAIL_PORT = int(
    os.environ.get(
        "TIANPING_EMAIL_PORT", "465" if EMAIL_USE_SSL else "587" if EMAIL_USE_TLS else "25"
    )
)
EMAIL_HOST_USER = os.environ.get("TIANPING_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TIANPING_EMAIL_PASSWORD", "")
EMAIL_TIMEOUT = 30
EMAIL_FILE_PATH = HOME / "outbox"
EMAIL_BACKEND = os.environ.get("TIANPING_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "tianping.web.mail.OutboxBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("TIANPING_FROM_EMAIL", "tianping@localhost")

_tasks_backend = os.environ.get("TIANPING_TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if _tasks_backend == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (403, 400 …) is logged on one line, without a traceback.
    "filters": {"client_errors": {"()": "tianping.web.security.ClientErrorWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "loggers": {"django.request": {"filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("TIANPING_LOG_LEVEL", "WARNING")},
}

TIANPING: dict[str, Any] = {
    # Size limits for uploaded files and intake documents (bytes).
    "MAX_UPLOAD_BYTES": 2 * 1024 * 1024,
    "SITE_NAME": _("Tianping AI ethics platform"),
}

# Bias assessments: predictions files are uploaded (kept in PREDICTIONS_DIR) or read
# from a server folder named in TIANPING_DATA_DIRS, never from any other path.
TIANPING["MAX_PREDICTIONS_BYTES"] = int(
    os.environ.get("TIANPING_MAX_PREDICTIONS_BYTES", str(64 * 1024 * 1024))
)
TIANPING["PREDICTIONS_DIR"] = HOME / "predictions"
# Uploaded datasets are stored encrypted and deleted when their job ends, unless their
# owner keeps them: then after this many days (tianping.web.assessments.inputs).
TIANPING["UPLOAD_RETENTION_DAYS"] = int(os.environ.get("TIANPING_UPLOAD_RETENTION_DAYS", "30"))
TIANPING["DATA_DIRS"] = [
    Path(d).expanduser()
    for d in os.environ.get("TIANPING_DATA_DIRS", "").split(os.pathsep)
    if d.strip()
]
# Probe runs (tianping.web.probes): hosts, addresses or networks ("10.0.0.0/8") a chat
# endpoint may resolve to although they are private, loopback or link-local (comma-separated).
TIANPING["PROBE_ALLOW_HOSTS"] = [
    h.strip() for h in os.environ.get("TIANPING_PROBE_ALLOW_HOSTS", "").split(",") if h.strip()
]

# Background jobs: each runs in a child process of a worker under these budgets; a job
# over one is stopped with the reason (tianping.web.core.jobs). Per job: 15 minutes,
# 2 GiB of memory, 20 million rows, 2 GiB decoded, 400 million cells; a 60-second lease
# renewed while it runs; two attempts when its worker dies.
for _name, _default in {
    "JOB_MAX_SECONDS": 15 * 60,
    "JOB_MAX_MEMORY_BYTES": 2 << 30,
    "JOB_MAX_ROWS": 20_000_000,
    "JOB_MAX_DECODED_BYTES": 2 << 30,
    "JOB_MAX_CELLS": 400_000_000,
    "JOB_LEASE_SECONDS": 60,
    "JOB_MAX_ATTEMPTS": 2,
    "JOB_CANCEL_GRACE_SECONDS": 5,
}.items():
    TIANPING[_name] = int(os.environ.get(f"TIANPING_{_name}", str(_default)))

# Ethics review: attachments are stored in the database, hashed; their contents are kept for
# the retention period after the review ends (records: ≥ 5 years suggested), then purged.
TIANPING_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("TIANPING_MAX_ATTACHMENT_BYTES", str(20 * 1024 * 1024))
)
TIANPING_REVIEW_RETENTION_YEARS = int(os.environ.get("TIANPING_REVIEW_RETENTION_YEARS", "5"))

# --- Sign-in defences (tianping.web.accounts.throttling, .two_factor; docs/security.md) -------
# Failed sign-ins (the login page and the admin's) are counted by django-axes per account and
# per address (TIANPING_LOGIN_LOCKOUT: parameters separated by commas are counted apart,
# joined by "+" together); at TIANPING_LOGIN_FAILURE_LIMIT (default 5) the account or address
# is locked for TIANPING_LOGIN_COOLOFF_MINUTES (default 15), counted from the last failure;
# attempts during a lockout do not extend it. Every failure is kept (axes.AccessFailureLog).
AXES_FAILURE_LIMIT = int(os.environ.get("TIANPING_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("TIANPING_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [
    [p.strip() for p in group.split("+") if p.strip()] if "+" in group else group.strip()
    for group in os.environ.get("TIANPING_LOGIN_LOCKOUT", "username,ip_address").split(",")
    if group.strip()
]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "tianping.web.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "tianping.web.accounts.throttling.client_address"
# Password-reset requests: per address and per e-mail, TIANPING_PASSWORD_RESET_LIMIT (default
# 5) in TIANPING_PASSWORD_RESET_WINDOW_MINUTES (default 60). API bearer tokens: after
# TIANPING_TOKEN_FAILURE_LIMIT (default 20) invalid ones from an address, its bearer requests
# answer 429 until TIANPING_TOKEN_COOLOFF_MINUTES (default: the login cool-off) have passed.
TIANPING_PASSWORD_RESET_LIMIT = int(os.environ.get("TIANPING_PASSWORD_RESET_LIMIT", "5"))
TIANPING_PASSWORD_RESET_WINDOW_MINUTES = int(
    os.environ.get("TIANPING_PASSWORD_RESET_WINDOW_MINUTES", "60")
)
TIANPING_TOKEN_FAILURE_LIMIT = int(os.environ.get("TIANPING_TOKEN_FAILURE_LIMIT", "20"))
TIANPING_TOKEN_COOLOFF_MINUTES = int(
    os.environ.get(
        "TIANPING_TOKEN_COOLOFF_MINUTES", os.environ.get("TIANPING_LOGIN_COOLOFF_MINUTES", "15")
    )
)
# The counters live in this process's memory (waitress: one process, many threads).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tianping-throttle",
    },
}
# Two-factor sign-in (TOTP, django-otp): required, when TIANPING_REQUIRE_2FA is 1 (default),
# of the users holding one of TIANPING_REQUIRE_2FA_ROLES (comma-separated roles, and "staff"
# for staff and superusers; default: regulator, certification_officer, admin, staff).
TIANPING_REQUIRE_2FA = os.environ.get("TIANPING_REQUIRE_2FA", "1") == "1"
TIANPING_REQUIRE_2FA_ROLES = [
    r.strip()
    for r in os.environ.get(
        "TIANPING_REQUIRE_2FA_ROLES", "regulator,certification_officer,admin,staff"
    ).split(",")
    if r.strip()
]
OTP_TOTP_ISSUER = "Tianping"

# --- Uploads (tianping.web.uploads) ------------------------------------------------------------
# No request body over TIANPING_MAX_REQUEST_BYTES is read (413 before reading; waitress is
# given the same limit): by default the largest upload limit plus the form fields' 2 MiB.
# Each upload endpoint's files are cut off as they pass its own limit.
TIANPING_MAX_REQUEST_BYTES = int(
    os.environ.get(
        "TIANPING_MAX_REQUEST_BYTES",
        str(
            max(
                TIANPING["MAX_PREDICTIONS_BYTES"],
                TIANPING_MAX_ATTACHMENT_BYTES,
                TIANPING["MAX_UPLOAD_BYTES"],
            )
            + DATA_UPLOAD_MAX_MEMORY_SIZE
        ),
    )
)
