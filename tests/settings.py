"""Settings for the test suite: the platform's settings with test-only knobs.

The database comes from DATABASE_URL like in production: unset means SQLite,
``scripts/with-postgres`` sets it to a throwaway PostgreSQL cluster.
"""

import os
import tempfile

os.environ.setdefault("TIANPING_HOME", tempfile.mkdtemp(prefix="tianping-test-"))
os.environ.setdefault("TIANPING_TASKS_BACKEND", "immediate")

from tianping.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405 (the platform's file storages: TIANPING_STORAGE)
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Two-factor sign-in is off for the suite, whose regulators and administrators sign in with
# force_login or the login form; tests/web/test_authentication_hardening.py turns it on.
# Sign-in lockouts stay on with the platform's limits: each test's database starts empty.
TIANPING_REQUIRE_2FA = False
