"""Account pages: API tokens, the throttled password reset, two-factor sign-in."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from tianping.web.accounts import services, throttling, two_factor
from tianping.web.accounts.models import ApiToken
from tianping.web.core.http import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    new_token = None
    error = None
    if request.method == "POST":
        try:
            _token, new_token = services.api_token_create(
                user=request.user, name=request.POST.get("name", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": ApiToken.objects.filter(user=request.user),
            "new_token": new_token,
            "error": error,
        },
    )


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(user=request.user, token_id=token_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Token revoked."))
    return redirect("tokens")


# --- password reset, throttled ------------------------------------------------------------------


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, at most ``TIANPING_PASSWORD_RESET_LIMIT`` requests per address
    and per e-mail in ``TIANPING_PASSWORD_RESET_WINDOW_MINUTES``; beyond, 429 and no mail."""

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            throttling.password_reset_allowed(self.request, form.cleaned_data["email"])
        except throttling.TooManyAttempts as exc:
            form.add_error(
                None,
                _("Too many password-reset requests. {wait}").format(
                    wait=throttling.minutes_message(exc.retry_after)
                ),
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().form_valid(form)


# --- two-factor sign-in -------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split())


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _refused(device: Any) -> str:
    """Why a code was refused; after wrong codes django-otp makes each next try wait longer."""
    message = _("That code is not valid. Check that your device's clock is right and try again.")
    allowed, detail = device.verify_is_allowed()
    if not allowed and detail and detail.get("locked_until"):
        wait = max(1, math.ceil((detail["locked_until"] - timezone.now()).total_seconds()))
        message += " " + _("Wait {seconds} s before the next try.").format(seconds=wait)
    return message


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the user's authenticator."""
    if two_factor.is_verified(request.user):
        return redirect(_next(request))
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            verified = django_otp.verify_token(
                request.user, device.persistent_id, form.cleaned_data["code"]
            )
            if verified is not None:
                django_otp.login(request, verified)
                return redirect(_next(request))
        devices[0].refresh_from_db()
        form.add_error("code", _refused(devices[0]))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrolment: the key (text, ``otpauth://`` link, QR code) and a code to confirm it."""
    if two_factor.has_device(request.user):
        if not two_factor.is_verified(request.user):
            return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next(request)})}")
        messages.info(request, _("Two-factor sign-in is already set up for your account."))
        return redirect(_next(request))
    device = two_factor.enrolment_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            django_otp.login(request, device)
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect(_next(request))
        device.refresh_from_db()
        form.add_error("code", _refused(device))
    uri = device.config_url
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "secret": two_factor.secret(device),
            "otpauth_uri": uri,
            "qr_data_uri": two_factor.qr_data_uri(uri),
            "required": two_factor.requires_two_factor(request.user),
        },
    )
