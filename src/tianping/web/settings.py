"""Django settings for the Tianping platform, read from the environment.

Environment variables
---------------------
TIANPING_HOME          folder for the embedded database, keys and uploads (default ``./var``)
DATABASE_URL           e.g. ``postgres://user:pass@host/db``; default: SQLite in TIANPING_HOME
TIANPING_SECRET_KEY    Django's secret key; if unset, one is generated into
                       ``TIANPING_HOME/secret_key`` (mode 0600) on first start
TIANPING_DEBUG         ``1`` to turn on debug pages (off by default)
TIANPING_ALLOWED_HOSTS comma-separated host names (default ``127.0.0.1,localhost``)
TIANPING_TASKS_BACKEND ``database`` (default) or ``immediate`` (run tasks in the request)
TIANPING_EMAIL_BACKEND dotted path of a Django e-mail backend (default: console)
TIANPING_LEDGER_SECRET base64 of 32+ random bytes from which every ledger's checkpoint key is
                       derived; if unset, one is generated into ``TIANPING_HOME/ledger_secret``
                       (mode 0600) on first use
TIANPING_LEDGER_ORIGIN the host-like prefix of the ledgers' names (default ``tianping.local``)
TIANPING_DATA_DIRS     folders on the server whose files a bias assessment may read, separated
                       by ``os.pathsep`` (``:``); unset: uploads only
TIANPING_MAX_PREDICTIONS_BYTES  size limit of an uploaded predictions file (default 64 MiB)
TIANPING_MAX_ATTACHMENT_BYTES   size limit of one attachment of a review application
                                (default 20 MiB)
TIANPING_REVIEW_RETENTION_YEARS years an ended review keeps its attachments' contents and
                                decision letters before ``review_purge`` removes them
                                (default 5; names and hashes stay)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("TIANPING_HOME", "var")).resolve()
HOME.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("TIANPING_SECRET_KEY"):
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
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "tianping.web.accounts",
    "tianping.web.catalogue",
    "tianping.web.systems",
    "tianping.web.operations",
    "tianping.web.assessments",
    "tianping.web.reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
        },
    },
]

_default_db = f"sqlite:///{HOME / 'tianping.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and os.environ.get("TIANPING_HTTPS") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True

EMAIL_BACKEND = os.environ.get(
    "TIANPING_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TIANPING_LOG_LEVEL", "WARNING")},
}

TIANPING = {
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
TIANPING["DATA_DIRS"] = [
    Path(d).expanduser()
    for d in os.environ.get("TIANPING_DATA_DIRS", "").split(os.pathsep)
    if d.strip()
]

# Ethics review: attachments are stored in the database, hashed; their contents are kept for
# the retention period after the review ends (records: ≥ 5 years suggested), then purged.
TIANPING_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("TIANPING_MAX_ATTACHMENT_BYTES", str(20 * 1024 * 1024))
)
TIANPING_REVIEW_RETENTION_YEARS = int(os.environ.get("TIANPING_REVIEW_RETENTION_YEARS", "5"))
