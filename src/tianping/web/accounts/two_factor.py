"""Two-factor sign-in with time-based one-time passwords (django-otp's TOTP devices).

Who must use it: with ``TIANPING_REQUIRE_2FA`` on (the default), every user holding one
of ``TIANPING_REQUIRE_2FA_ROLES`` (default: regulators, certification officers,
organisation administrators, and ``staff``, i.e. the platform's staff and superusers).
Anyone else may set it up too. A user with a confirmed device is asked for a code
after the password, whatever the setting; :class:`TwoFactorMiddleware
<tianping.web.accounts.middleware.TwoFactorMiddleware>` keeps a session that has only
the password on the code (or enrolment) page.

API bearer tokens are a separate credential and are not asked for a code; they can
only be created from a session that passed the second factor.
"""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from tianping.web.accounts.models import Membership

STAFF = "staff"
"""In ``TIANPING_REQUIRE_2FA_ROLES``: the platform's staff and superusers."""
DEVICE_NAME = "authenticator"


def required_roles() -> set[str]:
    roles = settings.TIANPING_REQUIRE_2FA_ROLES
    if isinstance(roles, str):
        roles = roles.split(",")
    return {r.strip() for r in roles if r.strip()}


def requires_two_factor(user: User | AnonymousUser) -> bool:
    """Whether ``user``'s roles oblige them to sign in with a second factor."""
    if not user.is_authenticated or not settings.TIANPING_REQUIRE_2FA:
        return False
    roles = required_roles()
    if STAFF in roles and (
        getattr(user, "is_staff", False) or getattr(user, "is_superuser", False)
    ):
        return True
    return Membership.objects.filter(user=user, role__in=roles).exists()


def is_verified(user: User | AnonymousUser) -> bool:
    """Whether the session passed the second factor (``OTPMiddleware`` gives the user
    ``is_verified``)."""
    return bool(getattr(user, "is_verified", lambda: False)())


def has_device(user: User | AnonymousUser) -> bool:
    """Whether ``user`` has a confirmed authenticator."""
    return bool(user.is_authenticated and user_has_device(user, confirmed=True))


def pending(request: Any) -> str | None:
    """What a signed-in session still lacks: ``"verify"`` (a code), ``"enrol"`` (a device),
    or None when it may go anywhere its roles allow."""
    user = request.user
    if not user.is_authenticated:
        return None
    if getattr(user, "is_verified", lambda: False)():
        return None
    if has_device(user):
        return "verify"
    if requires_two_factor(user):
        return "enrol"
    return None


def enrolment_device(user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator, created with a fresh secret when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret(device: TOTPDevice) -> str:
    """The key in base32, as authenticator apps take it when typed in."""
    return base64.b32encode(bytes(device.bin_key)).decode("ascii").rstrip("=")


def qr_data_uri(uri: str) -> str:
    """A QR code of ``uri`` as an SVG ``data:`` URI (made here: no other origin, no script)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")
