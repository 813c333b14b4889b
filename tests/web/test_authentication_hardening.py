"""Findings of a security review of authentication and uploads, each reproduced as an attack.

1. guessing passwords: sign-in (the login page and the admin's) locks an account and an
   address after a few failures, for a cool-off, with a record and a page saying so;
   password-reset requests and invalid API bearer tokens are throttled the same way;
2. two-factor sign-in (TOTP) is asked of enrolled users and required of regulators,
   certifiers and administrators, who cannot reach any page until enrolled; bearer
   tokens are a separate credential;
3. a session ends after an idle time;
4. (reads out of reach answer 404: see ``test_permission_matrix.py``);
5. an oversized upload is refused while it arrives, never written to disk in full.

Time is a fake clock (``clock``): nothing sleeps, nothing reads the wall clock.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from django.test.client import BOUNDARY, FakePayload, encode_multipart
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.factories import PASSWORD, Network, bearer_client, logged_in_client, make_user
from tests.web.reviews.factories import build_review_network, make_application
from tianping.web.accounts.models import Role
from tianping.web.accounts.services import api_token_create
from tianping.web.accounts.two_factor import requires_two_factor
from tianping.web.uploads import server_options

# --- a fake clock -----------------------------------------------------------------------------


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """``django.utils.timezone.now`` (and django-axes' imported copies of it) on a fake clock."""
    fake = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    for target in ("django.utils.timezone.now", "axes.attempts.now", "axes.handlers.proxy.now"):
        monkeypatch.setattr(target, fake)
    return fake


def _english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _client(address: str = "192.0.2.10") -> Client:
    return _english(Client(REMOTE_ADDR=address))


def _signed_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


# --- 1. guessing passwords --------------------------------------------------------------------


@pytest.fixture
def limits(settings: Any) -> Any:
    """The platform's defaults, stated: 5 failures, 15 minutes."""
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
    return settings


def _log_in(client: Client, username: str, password: str, url: str = "") -> Any:
    return client.post(
        url or reverse("login"), {"username": username, "password": password, "next": "/"}
    )


def test_the_defaults_lock_after_5_failures_for_15_minutes_per_account_and_address() -> None:
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == django_settings.AXES_COOLOFF_TIME
    assert django_settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert django_settings.AXES_ENABLED and django_settings.AXES_ENABLE_ACCESS_FAILURE_LOG


def test_30_wrong_passwords_then_the_right_one_does_not_sign_in(
    network: Network, limits: Any, clock: Clock
) -> None:
    client = _client()
    answers = []
    for _ in range(30):
        answers.append(_log_in(client, "applicant_a", "wrong password").status_code)
        clock.advance(seconds=0.3)
    assert answers[:4] == [200] * 4  # the form again, with its error
    assert set(answers[4:]) == {429}
    locked = _log_in(client, "applicant_a", PASSWORD)
    assert locked.status_code == 429 and not _signed_in(client)
    text = locked.content.decode()
    assert "Too many failed sign-in attempts" in text and "15 minutes" in text
    assert 'id="locked-out"' in text and "<form" not in text.split("<main")[1]
    assert locked["Retry-After"] == str(15 * 60)
    # The account is locked from any address.
    assert _log_in(_client("198.51.100.7"), "applicant_a", PASSWORD).status_code == 429
    # A record of the attack stays.
    attempt = AccessAttempt.objects.get(username="applicant_a", ip_address="192.0.2.10")
    assert attempt.failures_since_start == 5
    assert AccessFailureLog.objects.filter(username="applicant_a", locked_out=True).exists()
    # Attempts during the lockout do not extend it: 15 minutes after the last counted failure
    # the right password works.
    clock.advance(minutes=14)
    assert _log_in(client, "applicant_a", PASSWORD).status_code == 429
    clock.advance(minutes=2)
    assert _log_in(client, "applicant_a", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_one_address_guessing_many_accounts_is_locked(
    network: Network, limits: Any, clock: Clock
) -> None:
    client = _client("203.0.113.5")
    for username in ("applicant_a", "admin_a", "chair_a", "applicant_b", "outsider"):
        assert _log_in(client, username, "wrong password").status_code in (200, 429)
    # The address is locked, whatever account it tries next …
    assert _log_in(client, "regulator_central", PASSWORD).status_code == 429
    # … while that account still signs in from elsewhere.
    other = _client("198.51.100.8")
    assert _log_in(other, "regulator_central", PASSWORD).status_code == 302
    assert _signed_in(other)


def test_the_admin_login_is_locked_too(network: Network, limits: Any, clock: Clock) -> None:
    make_user("root", is_staff=True, is_superuser=True)
    client = _client()
    url = reverse("admin:login")
    for _ in range(5):
        _log_in(client, "root", "wrong password", url)
    refused = _log_in(client, "root", PASSWORD, url)
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # not signed in
    clock.advance(minutes=16)
    assert _log_in(client, "root", PASSWORD, url).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_password_reset_requests_are_throttled_per_address_and_per_email(
    network: Network, settings: Any, clock: Clock
) -> None:
    settings.TIANPING_PASSWORD_RESET_LIMIT = 3
    settings.TIANPING_PASSWORD_RESET_WINDOW_MINUTES = 60
    email = "applicant_a@example.invalid"
    client = _client()
    url = reverse("password_reset")
    for _ in range(3):
        assert client.post(url, {"email": email}).status_code == 302
    assert len(mail.outbox) == 3
    refused = client.post(url, {"email": email})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many password-reset requests" in refused.content.decode()
    # Per address: another e-mail from the same address; per e-mail: the same from elsewhere.
    assert client.post(url, {"email": "applicant_b@example.invalid"}).status_code == 429
    assert _client("198.51.100.9").post(url, {"email": email}).status_code == 429
    assert len(mail.outbox) == 3
    clock.advance(minutes=61)
    assert client.post(url, {"email": email}).status_code == 302
    assert len(mail.outbox) == 4


def test_invalid_bearer_tokens_from_one_address_get_429_with_retry_after(
    network: Network, settings: Any, clock: Clock
) -> None:
    settings.TIANPING_TOKEN_FAILURE_LIMIT = 5
    settings.TIANPING_TOKEN_COOLOFF_MINUTES = 15
    _token, raw = api_token_create(user=network.applicant_a, name="valid")

    def api(token: str, address: str = "192.0.2.20") -> Any:
        return Client(REMOTE_ADDR=address, headers={"Authorization": f"Bearer {token}"}).get(
            "/api/me"
        )

    assert [api(f"tp_guess-{i}").status_code for i in range(5)] == [401] * 5
    refused = api(raw)  # even a valid token, while the address is locked
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json") and refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert api(raw, address="198.51.100.10").status_code == 200  # another address
    clock.advance(seconds=int(refused["Retry-After"]))
    assert api(raw).status_code == 200


# --- 2. two-factor sign-in --------------------------------------------------------------------


@pytest.fixture
def two_factor(settings: Any) -> Any:
    """The production setting: required of regulators, certifiers, administrators, staff."""
    settings.TIANPING_REQUIRE_2FA = True
    settings.TIANPING_REQUIRE_2FA_ROLES = ["regulator", "certification_officer", "admin", "staff"]
    return settings


def _code(device: TOTPDevice, *, wrong: bool = False) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = int(totp.token())
    return f"{(code + 500_000) % 10**6 if wrong else code:06d}"


def _password_sign_in(username: str) -> Client:
    client = _client()
    assert _log_in(client, username, PASSWORD).status_code == 302
    return client


def test_production_requires_two_factor_by_default() -> None:
    import tianping.web.settings as production

    assert production.TIANPING_REQUIRE_2FA is True
    assert set(production.TIANPING_REQUIRE_2FA_ROLES) == {
        "regulator",
        "certification_officer",
        "admin",
        "staff",
    }


def test_who_must_use_two_factor(network: Network, two_factor: Any) -> None:
    certifier = make_user("certifier", organisation=network.enterprise_a, role="x")
    certifier.memberships.update(role=Role.CERTIFICATION_OFFICER)
    root = make_user("root", is_staff=True, is_superuser=True)
    for user in (network.regulator_province_a, network.regulator_central, network.admin_a):
        assert requires_two_factor(user), user
    assert requires_two_factor(certifier) and requires_two_factor(root)
    for user in (network.applicant_a, network.chair_a, network.outsider):
        assert not requires_two_factor(user), user
    two_factor.TIANPING_REQUIRE_2FA_ROLES = []
    assert not requires_two_factor(network.regulator_province_a)
    two_factor.TIANPING_REQUIRE_2FA = False
    assert not requires_two_factor(root)


def test_a_regulator_without_an_authenticator_reaches_no_page_before_enrolling(
    network: Network, two_factor: Any
) -> None:
    client = _password_sign_in("regulator_province_a")
    setup = reverse("two_factor_setup")
    pages = [
        reverse("home"),
        reverse("systems:list"),
        reverse("systems:detail", kwargs={"pk": network.system_a.pk}),
        reverse("reviews:home"),
        reverse("tokens"),
        reverse("password_change"),
        reverse("two_factor_verify"),
        reverse("admin:index"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(setup), (url, response["Location"])
    assert client.post(reverse("tokens"), {"name": "sneaky"}).status_code == 302
    assert not network.regulator_province_a.api_tokens.exists()
    # The password alone is no session for the API either …
    assert client.get("/api/me").status_code == 401
    # … while a bearer token, a separate credential, is not asked for a code.
    assert bearer_client(network.regulator_province_a).get("/api/me").status_code == 200
    # The enrolment page: the key as text, as an otpauth:// link and as a QR code (no script).
    page = client.get(setup)
    assert page.status_code == 200
    text = page.content.decode()
    device = TOTPDevice.objects.get(user=network.regulator_province_a, confirmed=False)
    assert re.search(r'id="totp-secret">[A-Z2-7]{32}<', text)
    assert "otpauth://totp/Tianping%3Aregulator_province_a?secret=" in text
    assert 'src="data:image/svg+xml;base64,' in text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", text)
    assert page["Cache-Control"].startswith("max-age=0")
    assert device.confirmed is False


def test_enrolment_refuses_a_wrong_code_and_confirms_the_right_one(
    network: Network, two_factor: Any, clock: Clock
) -> None:
    client = _password_sign_in("regulator_province_a")
    setup = reverse("two_factor_setup")
    client.get(setup)
    device = TOTPDevice.objects.get(user=network.regulator_province_a)
    wrong = client.post(setup, {"code": _code(device, wrong=True), "next": "/systems/"})
    assert wrong.status_code == 200 and "not valid" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("home"))["Location"].startswith(setup)
    clock.advance(seconds=5)  # django-otp's throttle after a wrong code
    right = client.post(setup, {"code": _code(device), "next": "/systems/"})
    assert right.status_code == 302 and right["Location"] == "/systems/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/me").status_code == 200


def test_a_user_with_an_authenticator_is_asked_for_the_code_after_the_password(
    network: Network, two_factor: Any, clock: Clock
) -> None:
    device = TOTPDevice.objects.create(user=network.regulator_province_a, name="phone")
    client = _password_sign_in("regulator_province_a")
    verify = reverse("two_factor_verify")
    for url in (reverse("home"), reverse("admin:index"), reverse("two_factor_setup")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(verify), url
    assert client.get("/api/me").status_code == 401
    wrong = client.post(verify, {"code": _code(device, wrong=True), "next": "/"})
    assert wrong.status_code == 200 and "not valid" in wrong.content.decode()
    assert not _signed_in(client)
    clock.advance(seconds=5)
    right = client.post(verify, {"code": _code(device), "next": "/"})
    assert right.status_code == 302 and right["Location"] == "/"
    assert _signed_in(client)
    # Logging out ends the second factor with the session.
    client.post(reverse("logout"))
    client = _password_sign_in("regulator_province_a")
    assert client.get(reverse("home"))["Location"].startswith(verify)


def test_an_enrolled_user_is_asked_for_the_code_even_where_not_required(
    network: Network, settings: Any
) -> None:
    settings.TIANPING_REQUIRE_2FA = False
    device = TOTPDevice.objects.create(user=network.applicant_a, name="phone")
    client = _password_sign_in("applicant_a")
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    assert client.post(reverse("two_factor_verify"), {"code": _code(device)}).status_code == 302
    assert _signed_in(client)


def test_users_without_the_requirement_are_not_stopped(network: Network, two_factor: Any) -> None:
    client = _password_sign_in("applicant_a")
    assert _signed_in(client)
    assert client.get("/api/me").status_code == 200


# --- 3. idle sessions -------------------------------------------------------------------------


def test_a_session_ends_after_30_idle_minutes(network: Network, clock: Clock) -> None:
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST
    client = logged_in_client(network.applicant_a)
    for _ in range(4):  # active: each request pushes the end on
        clock.advance(minutes=29)
        assert _signed_in(client)
    clock.advance(minutes=31)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_idle_time_is_configurable(network: Network, settings: Any, clock: Clock) -> None:
    settings.SESSION_COOKIE_AGE = 5 * 60
    client = logged_in_client(network.applicant_a)
    clock.advance(minutes=4)
    assert _signed_in(client)
    clock.advance(minutes=6)
    assert not _signed_in(client)


# --- 5. oversized uploads ---------------------------------------------------------------------

MiB = 1024 * 1024
LIMIT = 1 * MiB


class CountingPayload(FakePayload):
    """A request body that counts the bytes the server read of it."""

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size: int = -1, /) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int | None = -1, /) -> bytes:
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


@pytest.fixture
def small_limits(settings: Any, tmp_path: Any) -> Any:
    """Every upload limited to 1 MiB; uploads go to temporary files from the first byte."""
    settings.TIANPING = {
        **settings.TIANPING,
        "MAX_PREDICTIONS_BYTES": LIMIT,
        "MAX_UPLOAD_BYTES": LIMIT,
        "PREDICTIONS_DIR": tmp_path / "predictions",
    }
    settings.TIANPING_MAX_ATTACHMENT_BYTES = LIMIT
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return settings


@pytest.fixture
def disk_writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The size each temporary upload file reached, chunk by chunk."""
    written: list[int] = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def recording(self: Any, raw_data: bytes, start: int) -> Any:
        written.append(start + len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", recording)
    yield written


def _post_file(
    client: Client, url: str, fields: dict[str, Any], field: str, size: int, name: str
) -> tuple[Any, CountingPayload, int]:
    body = encode_multipart(
        BOUNDARY, {**fields, field: SimpleUploadedFile(name, b"1" * size, "text/plain")}
    )
    payload = CountingPayload(body)
    response = client.post(
        url,
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": payload},
    )
    return response, payload, len(body)


BIAS_FIELDS = {"protected": "sex", "label": "y", "prediction": "yhat"}


def _api_uploads(network: Network) -> list[tuple[str, dict[str, Any], str, str]]:
    reviews = build_review_network(network)
    draft = make_application(
        system=network.system_a, body=reviews.committee, applicant=network.applicant_a
    )
    return [
        (f"/api/systems/{network.system_a.pk}/bias-assessments", BIAS_FIELDS, "file", "d.csv"),
        (f"/api/systems/{network.system_a.pk}/privacy-scans", {}, "file", "people.csv"),
        (
            f"/api/reviews/applications/{draft.pk}/attachments",
            {"kind": "other", "expected_version": str(draft.version)},
            "file",
            "plan.txt",
        ),
        (
            "/api/reviews/entrustments",
            {
                "organisation_id": str(network.enterprise_a.pk),
                "centre_id": str(reviews.centre.pk),
                "agreement_reference": "WT-1",
                "signed_on": "2025-01-01",
            },
            "document",
            "agreement.txt",
        ),
    ]


def test_api_uploads_over_the_limit_are_refused_unread(
    network: Network, small_limits: Any, disk_writes: list[int]
) -> None:
    """5 MiB to each API upload endpoint limited to 1 MiB: 413 before a byte is read."""
    client = bearer_client(network.applicant_a)
    for url, fields, field, name in _api_uploads(network):
        response, payload, _size = _post_file(client, url, fields, field, 5 * MiB, name)
        assert response.status_code == 413, (url, response.content[:300])
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]
        assert payload.bytes_read == 0, url
    assert disk_writes == []


def test_api_uploads_are_cut_off_as_they_pass_the_limit(
    network: Network, small_limits: Any, disk_writes: list[int]
) -> None:
    """A body small enough to be read (1.5 MiB): reading stops at the limit, 413, and the
    temporary file never holds more than the limit."""
    client = bearer_client(network.applicant_a)
    for url, fields, field, name in _api_uploads(network):
        disk_writes.clear()
        response, payload, size = _post_file(client, url, fields, field, LIMIT + MiB // 2, name)
        assert response.status_code == 413, (url, response.content[:300])
        assert response["Content-Type"].startswith("application/json")
        assert payload.bytes_read < size and payload.bytes_read <= LIMIT + 256 * 1024, url
        assert disk_writes and max(disk_writes) <= LIMIT, url


def test_html_uploads_over_the_limit_are_cut_off_with_a_form_error(
    network: Network, small_limits: Any, disk_writes: list[int]
) -> None:
    """5 MiB to each upload form limited to 1 MiB: the form says so; at most 1 MiB on disk."""
    reviews = build_review_network(network)
    draft = make_application(
        system=network.system_a, body=reviews.committee, applicant=network.applicant_a
    )
    client = _english(logged_in_client(network.applicant_a))
    system = {"pk": network.system_a.pk}
    forms = [
        (
            reverse("assessments:new", kwargs=system),
            {
                **BIAS_FIELDS,
                "threshold": "0.5",
                "policy": "four-fifths",
                "replicates": "200",
                "min_group_size": "30",
            },
            "file",
        ),
        (
            reverse("assessments:privacy_new", kwargs=system),
            {"title": "people", "server_path": ""},  # what the browser sends with the file
            "file",
        ),
        (
            reverse("reviews:attachment_add", kwargs={"pk": draft.pk}),
            {"kind": "other", "expected_version": str(draft.version)},
            "file",
        ),
        (
            reverse("reviews:entrustment_create"),
            {
                "organisation": str(network.enterprise_a.pk),
                "centre": str(reviews.centre.pk),
                "agreement_reference": "WT-1",
                "signed_on": "2025-01-01",
            },
            "document",
        ),
    ]
    for url, fields, field in forms:
        disk_writes.clear()
        response, _payload, _size = _post_file(client, url, fields, field, 5 * MiB, "big.txt")
        if response.status_code == 302:  # the application page reports it as a message
            response = client.get(response["Location"])
        assert response.status_code == 200, url
        assert "larger than the limit of 1 MB" in response.content.decode(), url
        assert disk_writes and max(disk_writes) <= LIMIT, url
    assert not draft.attachments.exists()


def test_a_body_over_the_platform_limit_is_refused_before_it_is_read(
    network: Network, settings: Any
) -> None:
    settings.TIANPING_MAX_REQUEST_BYTES = 2 * MiB
    api = bearer_client(network.applicant_a)
    url, fields, field, name = _api_uploads(network)[0]
    response, payload, _size = _post_file(api, url, fields, field, 5 * MiB, name)
    assert response.status_code == 413 and payload.bytes_read == 0
    assert response.json()["detail"]
    page, payload, _size = _post_file(
        _english(Client()), reverse("login"), {"username": "x"}, "file", 5 * MiB, "x.txt"
    )
    assert page.status_code == 413 and payload.bytes_read == 0
    assert "larger than the limit of 2 MB" in page.content.decode()
    assert "Content-Security-Policy" in page


def test_the_default_platform_limit_is_the_largest_upload_limit_plus_the_form_fields() -> None:
    largest = max(
        django_settings.TIANPING["MAX_PREDICTIONS_BYTES"],
        django_settings.TIANPING_MAX_ATTACHMENT_BYTES,
    )
    limit = django_settings.TIANPING_MAX_REQUEST_BYTES
    assert limit == largest + django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert server_options() == {"max_request_body_size": limit}


def _send(sock: socket.socket, data: bytes) -> bool:
    try:
        sock.sendall(data)
    except OSError:
        return False
    return True


_SERVE = """
import sys
from waitress import create_server
from tianping.web.uploads import server_options
from tianping.web.wsgi import application
server = create_server(application, host="127.0.0.1", port=0, **server_options())
print(server.socket.getsockname()[1], flush=True)
server.run()
"""


@pytest.fixture
def waitress_port(tmp_path: Path) -> Iterator[int]:
    """``tianping serve``'s waitress with the production settings and a 1 MiB body limit."""
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "tianping.web.settings",
        "TIANPING_HOME": str(tmp_path / "home"),
        "TIANPING_MAX_REQUEST_BYTES": str(MiB),
    }
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVE],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield int(server.stdout.readline())
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_waitress_stops_reading_a_chunked_body_past_the_limit(waitress_port: int) -> None:
    """``tianping serve`` gives waitress TIANPING_MAX_REQUEST_BYTES: a chunked body (no
    Content-Length) is cut off with waitress's 413 as it passes the limit, and a declared
    length over it is refused unread; the platform never sees either request."""
    with socket.create_connection(("127.0.0.1", waitress_port), timeout=30) as sock:
        head = (
            "POST /api/systems/1/bias-assessments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
        )
        sent = 0
        chunk = b"x" * (64 * 1024)
        if _send(sock, head.encode()):
            while sent < 5 * MiB and _send(sock, b"%x\r\n%s\r\n" % (len(chunk), chunk)):
                sent += len(chunk)
            _send(sock, b"0\r\n\r\n")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert b"Request Entity Too Large" in answer
    with socket.create_connection(("127.0.0.1", waitress_port), timeout=30) as sock:
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Length: %d\r\n\r\n" % (5 * MiB)
        )
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413") and b"Request Entity Too Large" in answer
