"""Findings of a security review, each reproduced as an attack or a leak that must fail.

1. the home folder and the SQLite database (and its -wal/-shm files) are private;
2. password-reset links and addresses never reach the log: mail goes to SMTP or a
   private outbox, the demo alone prints it;
3. errors about an uploaded file name it, never its path on the server;
4. reads out of reach answer 404; API writes without credentials answer 401;
5. a Content-Security-Policy on every response, HSTS behind HTTPS;
6. right-to-left controls typed by a user cannot reorder a page;
7. a refused request is logged on one line, without a traceback;
8. a playbook is adopted with the schema's empty defaults.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.web.assessments.factories import SETTINGS as BIAS_SETTINGS
from tests.web.assessments.factories import parquet_bytes, upload
from tests.web.factories import Network, bearer_client, logged_in_client, make_system
from tianping.web.accounts.models import ApiToken
from tianping.web.accounts.services import api_token_create, api_token_revoke
from tianping.web.assessments.bias.services import bias_assessment_run, bias_assessment_start
from tianping.web.assessments.models import BiasAssessment, PrivacyScan
from tianping.web.assessments.privacy.services import privacy_scan_run, privacy_scan_start
from tianping.web.core.keys import encrypt_file
from tianping.web.mail import OUTBOX_BACKEND, OutboxBackend, announce_outbox
from tianping.web.operations.models import IncidentPlaybook

# --- 1, 2 and 5: what the settings make of the environment, in a fresh process -------------------

_PROBE = textwrap.dedent(
    """
    import json, os, stat, sys
    os.umask(0o022)  # the usual umask: files 0644 and folders 0755 unless the platform says so
    import django
    django.setup()
    from django.conf import settings
    from django.db import connection

    def mode(path):
        return oct(stat.S_IMODE(os.stat(path).st_mode)) if os.path.exists(path) else None

    def database_modes():
        name = str(connection.settings_dict["NAME"])
        return {s or "db": mode(name + s) for s in ("", "-wal", "-shm")}

    out = {}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE probe (secret TEXT)")
        cursor.execute("INSERT INTO probe VALUES ('pbkdf2_sha256$hash')")
    out["first"] = database_modes()
    # `tianping demo --reset` removes the database after the settings were read.
    name = str(connection.settings_dict["NAME"])
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(name + suffix):
            os.remove(name + suffix)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE probe (secret TEXT)")
        cursor.execute("INSERT INTO probe VALUES ('pbkdf2_sha256$hash')")
    out["recreated"] = database_modes()
    out["home"] = mode(settings.HOME)
    out["secret_key"] = mode(settings.HOME / "secret_key")
    out["email_backend"] = settings.EMAIL_BACKEND
    out["email_port"] = settings.EMAIL_PORT
    out["email_file_path"] = str(getattr(settings, "EMAIL_FILE_PATH", ""))
    out["hsts"] = getattr(settings, "SECURE_HSTS_SECONDS", 0)
    print(json.dumps(out))
    """
)
_CLEARED = (
    "DATABASE_URL",
    "TIANPING_SECRET_KEY",
    "TIANPING_EMAIL_BACKEND",
    "TIANPING_EMAIL_HOST",
    "TIANPING_EMAIL_PORT",
    "TIANPING_EMAIL_TLS",
    "TIANPING_EMAIL_SSL",
    "TIANPING_HTTPS",
    "TIANPING_DEBUG",
)


def _probe(home: Path, **env: str) -> dict[str, Any]:
    """The platform's settings and database files, started in a fresh process on ``home``."""
    environment = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    environment.update(
        DJANGO_SETTINGS_MODULE="tianping.web.settings", TIANPING_HOME=str(home), **env
    )
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_home_folder_and_the_database_files_are_private(tmp_path: Path) -> None:
    found = _probe(tmp_path / "home")
    assert found["home"] == "0o700"
    assert found["secret_key"] == "0o600"
    for when in ("first", "recreated"):
        assert found[when] == {"db": "0o600", "-wal": "0o600", "-shm": "0o600"}, when
    # No mail server configured: mail goes to a private outbox, not the log.
    assert found["email_backend"] == OUTBOX_BACKEND
    assert found["email_file_path"] == str(tmp_path / "home" / "outbox")
    assert found["hsts"] == 0


def test_an_existing_home_and_database_are_made_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    (home / "tianping.sqlite3").touch()
    (home / "tianping.sqlite3").chmod(0o644)
    found = _probe(home)
    assert found["home"] == "0o700"
    assert found["first"]["db"] == "0o600"


def test_smtp_is_used_when_configured_and_https_brings_hsts(tmp_path: Path) -> None:
    found = _probe(
        tmp_path / "home",
        TIANPING_EMAIL_HOST="smtp.example.invalid",
        TIANPING_EMAIL_TLS="1",
        TIANPING_HTTPS="1",
    )
    assert found["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert found["email_port"] == 587
    assert found["hsts"] >= 365 * 24 * 3600


# --- 2: mail ----------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_password_reset_goes_to_the_private_outbox_and_not_to_the_log(
    network: Network,
    settings: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outbox = tmp_path / "home" / "outbox"
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    settings.EMAIL_FILE_PATH = outbox
    user = network.applicant_a
    user.email = "applicant.a@example.invalid"
    user.save()
    caplog.set_level(logging.DEBUG)
    response = Client().post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    files = list(outbox.iterdir())
    assert len(files) == 1
    assert _mode(outbox) == 0o700 and _mode(files[0]) == 0o600
    letter = files[0].read_text()
    link = re.search(r"/accounts/reset/\S+/\S+/", letter)
    assert link is not None
    printed = capsys.readouterr()
    for text in (caplog.text, printed.out, printed.err):
        assert link.group(0) not in text and user.email not in text


def test_the_outbox_is_announced_once_by_its_folder(
    settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    settings.EMAIL_FILE_PATH = tmp_path / "outbox"
    with caplog.at_level(logging.INFO, logger="tianping.web.mail"):
        announce_outbox()
    assert len(caplog.records) == 1 and str(tmp_path / "outbox") in caplog.records[0].getMessage()
    caplog.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    announce_outbox()
    assert not caplog.records


def test_the_outbox_backend_writes_private_files(tmp_path: Path) -> None:
    backend = OutboxBackend(file_path=str(tmp_path / "outbox"))
    message = mail.EmailMessage("s", "body", "a@example.invalid", ["b@example.invalid"])
    assert backend.send_messages([message]) == 1
    (written,) = (tmp_path / "outbox").iterdir()
    assert _mode(tmp_path / "outbox") == 0o700 and _mode(written) == 0o600


def test_only_the_demo_prints_mail_to_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    from tianping.web import launcher

    class _Stop(Exception):
        pass

    def stop() -> None:
        raise _Stop

    monkeypatch.delenv("TIANPING_EMAIL_BACKEND", raising=False)
    monkeypatch.setattr(launcher, "setup", stop)
    with pytest.raises(_Stop):
        launcher.run_demo(host="127.0.0.1", port=0)
    assert os.environ["TIANPING_EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


# --- 3: errors name the uploaded file, never a server path ------------------------------------


BROKEN_PARQUET = b"PAR1" + b"not a parquet footer " * 8 + b"PAR1"


@pytest.fixture
def private_home(settings: Any, tmp_path: Path) -> Path:
    """Uploads kept under a home folder of this test's own."""
    home = tmp_path / "home"
    settings.TIANPING = {
        **settings.TIANPING,
        "PREDICTIONS_DIR": home / "predictions",
        "DATA_DIRS": [],
    }
    return home


def _server_paths_in(text: str, home: Path) -> list[str]:
    return [
        p
        for p in (str(home), str(django_settings.HOME), "/predictions/", "incoming", "/tmp")
        if p in text
    ]


def _english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_broken_upload_is_named_by_its_own_name_on_the_page_and_in_the_api(
    network: Network, private_home: Path
) -> None:
    page = _english(logged_in_client(network.applicant_a)).post(
        reverse("assessments:new", kwargs={"pk": network.system_a.pk}),
        {
            "title": "t",
            "file": upload(BROKEN_PARQUET, name="my-decisions.parquet"),
            "protected": "sex",
            "label": "y",
            "prediction": "yhat",
            "threshold": "0.5",
            "policy": "four-fifths",
            "replicates": "200",
            "min_group_size": "30",
        },
    )
    text = page.content.decode()
    assert "could not be read" in text and "my-decisions.parquet" in text
    assert _server_paths_in(text, private_home) == []
    api = bearer_client(network.applicant_a)
    answer = api.post(
        f"/api/systems/{network.system_a.pk}/bias-assessments",
        {
            "protected": "sex",
            "label": "y",
            "prediction": "yhat",
            "file": upload(BROKEN_PARQUET, name="my-decisions.parquet"),
        },
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 422
    assert "my-decisions.parquet" in answer.content.decode()
    assert _server_paths_in(answer.content.decode(), private_home) == []
    privacy = api.post(
        f"/api/systems/{network.system_a.pk}/privacy-scans",
        {"file": upload(BROKEN_PARQUET, name="people.parquet")},
    )
    assert privacy.status_code == 422
    assert _server_paths_in(privacy.content.decode(), private_home) == []


def _store_encrypted(path: Path, content: bytes) -> None:
    """Replace a stored upload (encrypted at rest) with ``content``, encrypted the same way."""
    plain = path.with_name("plain.tmp")
    plain.write_bytes(content)
    encrypt_file(plain, path, purpose="uploads")
    plain.unlink()


def test_a_failed_audit_names_the_file_by_its_own_name(
    network: Network,
    private_home: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        assessment = bias_assessment_start(
            actor=network.applicant_a,
            system=network.system_a,
            upload=upload(parquet_bytes(), name="credit-2026.parquet"),
            **BIAS_SETTINGS,
        )
    # The stored copy is damaged on the server before the worker reads it.
    _store_encrypted(assessment.data.path(), BROKEN_PARQUET)
    bias_assessment_run(assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert assessment.status == BiasAssessment.Status.FAILED and assessment.error
    for language, reason in assessment.error.items():
        assert "credit-2026.parquet" in reason, language
        assert _server_paths_in(reason, private_home) == [], reason
    client = _english(logged_in_client(network.applicant_a))
    page = client.get(reverse("assessments:detail", kwargs={"assessment_id": assessment.pk}))
    assert _server_paths_in(page.content.decode(), private_home) == []
    answer = bearer_client(network.applicant_a).get(f"/api/bias-assessments/{assessment.pk}")
    assert _server_paths_in(answer.content.decode(), private_home) == []


def test_a_failed_privacy_scan_names_the_file_by_its_own_name(
    network: Network,
    private_home: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        scan = privacy_scan_start(
            actor=network.applicant_a,
            system=network.system_a,
            upload=upload(parquet_bytes(), name="people-2026.parquet"),
        )
    _store_encrypted(scan.data.path(), BROKEN_PARQUET)
    privacy_scan_run(scan_id=scan.pk)
    scan.refresh_from_db()
    assert scan.status == PrivacyScan.Status.FAILED and scan.error
    for reason in scan.error.values():
        assert "people-2026.parquet" in reason
        assert _server_paths_in(reason, private_home) == [], reason
    answer = bearer_client(network.applicant_a).get(f"/api/privacy-scans/{scan.pk}")
    assert _server_paths_in(answer.content.decode(), private_home) == []


# --- 4: API writes without credentials --------------------------------------------------------


def _writes(network: Network) -> list[tuple[str, str]]:
    return [
        ("post", reverse("api:create_system")),
        ("patch", reverse("api:update_system", kwargs={"system_id": network.system_a.pk})),
        ("put", reverse("api:update_self_assessment", kwargs={"application_id": 1})),
        (
            "delete",
            reverse("api:delete_attachment", kwargs={"application_id": 1, "attachment_id": 1}),
        ),
    ]


def _send(client: Client, method: str, url: str, **extra: Any) -> Any:
    return getattr(client, method)(url, "{}", content_type="application/json", **extra)


def test_api_writes_without_credentials_answer_401_in_json(network: Network) -> None:
    token, raw = api_token_create(user=network.applicant_a, name="revoked")
    api_token_revoke(user=network.applicant_a, token_id=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    clients = {
        "anonymous": Client(enforce_csrf_checks=True),
        "revoked token": Client(
            enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"}
        ),
        "unknown token": Client(
            enforce_csrf_checks=True, headers={"Authorization": "Bearer tp_nonsense"}
        ),
    }
    for who, client in clients.items():
        client.get(reverse("login"))  # a CSRF cookie, as a browser would hold
        for method, url in _writes(network):
            response = _send(client, method, url)
            assert response.status_code == 401, (who, method, url, response.content)
            assert response["Content-Type"].startswith("application/json")
            assert "detail" in response.json()


def test_session_writes_to_the_api_still_need_the_csrf_token(network: Network) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(network.applicant_a)
    client.get(reverse("login"))
    url = reverse("api:update_system", kwargs={"system_id": network.system_a.pk})
    refused = _send(client, "patch", url)
    assert refused.status_code == 403
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    accepted = _send(client, "patch", url, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200


def test_a_bearer_token_writes_without_csrf(network: Network) -> None:
    url = reverse("api:update_system", kwargs={"system_id": network.system_a.pk})
    client = bearer_client(network.applicant_a)
    assert _send(client, "patch", url).status_code == 200


# --- 5: Content-Security-Policy ---------------------------------------------------------------


def _override_url(network: Network) -> str:
    """A page the owner may not open (tier overrides are the regulator's): 403."""
    return reverse(
        "systems:override", kwargs={"pk": network.system_a.pk, "intake_pk": network.intake_a.pk}
    )


REQUIRED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _policy(response: Any) -> dict[str, str]:
    header = response.get("Content-Security-Policy", "")
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_every_response_carries_the_content_security_policy(network: Network) -> None:
    client = logged_in_client(network.applicant_a)
    responses = [
        Client().get(reverse("login")),
        client.get(reverse("systems:detail", kwargs={"pk": network.system_a.pk})),
        client.get(reverse("systems:list"), headers={"HX-Request": "true"}),
        client.get("/api/systems"),
        Client().post("/api/systems", "{}", content_type="application/json"),
        client.get("/no-such-page/"),
        client.get(_override_url(network)),
    ]
    for response in responses:
        policy = _policy(response)
        for directive, value in REQUIRED_DIRECTIVES.items():
            assert policy.get(directive) == value, (response.status_code, directive, policy)


def test_the_pages_hold_no_inline_script_or_style(network: Network) -> None:
    """What the policy would block: inline scripts, style elements and attributes, handlers."""
    client = logged_in_client(network.applicant_a)
    pages = [
        reverse("login"),
        reverse("home"),
        reverse("systems:detail", kwargs={"pk": network.system_a.pk}),
        reverse("systems:intake", kwargs={"pk": network.system_a.pk}),
        reverse("reviews:home"),
    ]
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", re.I)
    for url in pages:
        response = (Client() if url == reverse("login") else client).get(url)
        assert response.status_code == 200, url
        assert inline.findall(response.content.decode()) == [], url
    # Django's own page for a failed CSRF check has an inline style; the platform's has none.
    refused = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert refused.status_code == 403 and 'id="csrf-failure"' in refused.content.decode()
    assert inline.findall(refused.content.decode()) == []


# --- 6: right-to-left controls ----------------------------------------------------------------

RLO_NAME = "Loan scorer \u202egnp.exe\u202c \u2067evil\u2069 \u202b\u202d\u202a"


def test_bidi_controls_in_a_system_name_cannot_reorder_the_page(network: Network) -> None:
    system = make_system(
        actor=network.applicant_a, organisation=network.enterprise_a, name=RLO_NAME
    )
    client = logged_in_client(network.applicant_a)
    for response in (
        client.get(reverse("systems:detail", kwargs={"pk": system.pk})),
        client.get(reverse("systems:list")),
        client.get(reverse("systems:list") + "?q=Loan", headers={"HX-Request": "true"}),
    ):
        page = response.content.decode()
        assert "Loan scorer gnp.exe evil" in page
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", page)
    title = client.get(reverse("systems:detail", kwargs={"pk": system.pk})).content.decode()
    assert re.search(r"<title>[^<]*Loan scorer gnp\.exe evil", title)


# --- 7: a refused request is one line in the log ----------------------------------------------


def test_a_refused_request_is_logged_on_one_line_without_a_traceback(
    network: Network, caplog: pytest.LogCaptureFixture
) -> None:
    client = logged_in_client(network.applicant_a)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(_override_url(network))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None and records[0].exc_text is None
    assert "Traceback" not in caplog.text and len(caplog.text.strip().splitlines()) == 1


# --- 8: a playbook with the schema's empty defaults -------------------------------------------


def test_a_playbook_is_adopted_without_thresholds_or_contacts(network: Network) -> None:
    client = bearer_client(network.admin_a)
    response = client.patch(
        reverse("api:update_playbook", kwargs={"system_id": network.system_a.pk}),
        json.dumps({"switch_roles": {"paused": ["admin"]}}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["takeover_thresholds"] == {} and body["escalation_contacts"] == []
    playbook = IncidentPlaybook.objects.get(system=network.system_a)
    assert playbook.takeover_thresholds == {} and playbook.escalation_contacts == []


def test_the_playbook_form_adopts_empty_thresholds_and_contacts(network: Network) -> None:
    client = logged_in_client(network.admin_a)
    response = client.post(
        reverse("operations:playbook", kwargs={"pk": network.system_a.pk}),
        {
            "roles_paused": ["admin"],
            "takeover_thresholds": "",
            "escalation_contacts": "",
            "fallback_path": "",
            "fail_safe": "human",
            "offline_grace_s": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert IncidentPlaybook.objects.get(system=network.system_a).escalation_contacts == []
