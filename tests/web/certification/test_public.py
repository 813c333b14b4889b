"""The public verify page (paste, JSON upload, a photo of the QR code, ``?id=``) and the
bilingual PDF certificate whose QR code opens it."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageOps
from pypdf import PdfReader

from tests.interop.vc_verifier import npm_verify
from tests.web.certification.factories import issue_basic
from tests.web.factories import Network
from tianping.web.certification import public_views, selectors, services
from tianping.web.certification.models import Certificate
from tianping.web.transparency.demo import NOTICE
from tianping.web.transparency.services import document_publish, document_save


@pytest.fixture
def certificate(network: Network) -> Certificate:
    issued, _bodies = issue_basic(network)
    return issued


def _photo(png: bytes) -> bytes:
    """The QR code as a phone might see it: on a grey page, turned a little, as a JPEG."""
    code = Image.open(io.BytesIO(png)).convert("L")
    page = Image.new("L", (code.width * 3, code.height * 2), 200)
    page.paste(code, (code.width, code.height // 2))
    turned = ImageOps.expand(page.rotate(7, fillcolor=200), border=20, fill=180)
    out = io.BytesIO()
    turned.save(out, "JPEG", quality=80)
    return out.getvalue()


def test_the_pdf_is_bilingual_and_its_qr_code_opens_the_verify_page(
    certificate: Certificate,
) -> None:
    client = Client()
    response = client.get(reverse("certification:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "基础合规" in text and "Basic Compliance" in text
    assert "证书" in text and "Certificate" in text
    images = [image for page in reader.pages for image in page.images]
    assert images, "the PDF holds the QR code as an image"
    decoded = zxingcpp.read_barcodes(images[0].image.convert("L"))
    url = public_views.verify_url(certificate.credential_id)
    assert [code.text for code in decoded] == [url]
    # The URL opens the verify page with the register's certificate, judged now.
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and page.context["result"]["valid"]
    assert page.context["certificate"] == certificate
    # The end of validity reads in the platform's zone (Asia/Shanghai), not as ISO UTC.
    shanghai = certificate.valid_until.astimezone(ZoneInfo("Asia/Shanghai"))
    assert shanghai.strftime("%Y-%m-%d %H:%M") in page.content.decode()
    assert page.context["result"]["valid_until"] not in page.content.decode()
    # The trust page links the PDF.
    trust = client.get(reverse("certification:register_system", args=[certificate.system_id]))
    assert reverse("certification:certificate_pdf", args=[certificate.pk]) in trust.content.decode()


def test_upload_a_json_file_or_a_photo_of_the_qr_code(certificate: Certificate) -> None:
    client = Client()
    url = reverse("certification:verify")
    upload = SimpleUploadedFile("cert.json", json.dumps(certificate.credential).encode())
    page = client.post(url, {"file": upload})
    assert page.status_code == 200 and page.context["result"]["valid"]

    tampered = json.loads(json.dumps(certificate.credential))
    tampered["credentialSubject"]["name"] = "Someone else"
    page = client.post(url, {"file": SimpleUploadedFile("t.json", json.dumps(tampered).encode())})
    assert page.context["result"]["valid"] is False

    photo = _photo(public_views.qr_png(public_views.verify_url(certificate.credential_id)))
    page = client.post(url, {"file": SimpleUploadedFile("photo.jpg", photo, "image/jpeg")})
    assert page.context["result"]["valid"], page.context["form"].errors
    assert page.context["certificate"] == certificate


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("blank.png", b"", "empty"),
        ("not-json.txt", b"hello", "JSON"),
        ("cut.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(
    certificate: Certificate, name: str, data: bytes, needle: str
) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("certification:verify"), {"file": SimpleUploadedFile(name, data)}
    )
    assert page.status_code == 200 and page.context["result"] is None
    assert needle in " ".join(page.context["form"].errors["file"])


def test_a_photo_without_a_qr_code_and_an_unknown_id(certificate: Certificate) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    blank = io.BytesIO()
    Image.new("L", (200, 200), 255).save(blank, "PNG")
    page = client.post(
        reverse("certification:verify"), {"file": SimpleUploadedFile("b.png", blank.getvalue())}
    )
    assert "No QR code" in " ".join(page.context["form"].errors["file"])
    other = public_views.qr_png("https://example.org/verify/?id=urn:uuid:nothing")
    page = client.post(
        reverse("certification:verify"), {"file": SimpleUploadedFile("o.png", other)}
    )
    assert "register" in " ".join(page.context["form"].errors["file"])
    missing = client.get(reverse("certification:verify"), {"id": "urn:uuid:nothing"})
    assert missing.status_code == 404 and missing.context["result"] is None
    assert "No certificate with this ID" in missing.content.decode()


def test_a_platform_certificate_verifies_in_the_independent_verifier(
    certificate: Certificate,
) -> None:
    body = certificate.issuer
    tampered = json.loads(json.dumps(certificate.credential))
    tampered["validUntil"] = "2099-01-01T00:00:00Z"
    results, _seconds = npm_verify(
        [certificate.credential, tampered],
        status_lists=[selectors.status_list(body, p) for p in selectors.PURPOSES],
        did_documents=[selectors.did_document(body)],
        now=certificate.valid_from.isoformat(),
    )
    assert [r["verified"] for r in results] == [True, False], results


def test_a_process_with_other_certificate_keys_refuses_to_start(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tianping.web import launcher

    launcher.check_keys()  # the keys that issued it: starts
    other = base64.b64encode(b"\x07" * 32).decode()
    monkeypatch.setenv("TIANPING_KEY_CERTIFICATES", other)
    with pytest.raises(launcher.StartError) as refused:
        launcher.check_keys()
    assert str(certificate.issuer) in str(refused.value)
    # A rotation lists the old key after the new one: the process starts again.
    from django.conf import settings

    issued_with = (Path(settings.HOME) / "keys" / "certificates.key").read_text().split()[0]
    monkeypatch.setenv("TIANPING_KEY_CERTIFICATES", f"{other},{issued_with}")
    launcher.check_keys()


def test_a_compromised_key_fails_what_it_signed_afterwards_only(
    certificate: Certificate, network: Network
) -> None:
    from datetime import timedelta

    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import timezone

    from tianping.web.certification.models import RevokedKey

    body = certificate.issuer
    officer = next(
        m.user for m in body.organisation.memberships.all() if m.role == "certification_officer"
    )
    (key, state), *_older = selectors.key_states(body)
    assert state is None
    with pytest.raises(PermissionDenied):  # not an officer of the body
        services.key_mark_compromised(
            actor=network.applicant_a,  # type: ignore[arg-type]
            body=body,
            public_multibase=key,
            revoked_at=timezone.now(),
            reason="Leaked.",
        )
    with pytest.raises(ValidationError) as refused:
        services.key_mark_compromised(
            actor=officer,
            body=body,
            public_multibase="z6MkNotOurs",
            revoked_at=timezone.now() + timedelta(days=1),
            reason="",
        )
    assert set(refused.value.message_dict) == {"public_multibase", "revoked_at", "reason"}
    assert not RevokedKey.objects.exists()
    # Compromised from the moment the certificate was signed: it no longer verifies.
    from datetime import datetime

    signed_at = datetime.fromisoformat(certificate.credential["proof"]["created"])
    services.key_mark_compromised(
        actor=officer, body=body, public_multibase=key, revoked_at=signed_at, reason="Leaked."
    )
    (method,) = [m for m in selectors.did_document(body)["verificationMethod"] if key in m["id"]]
    assert "revoked" in method
    verdict = selectors.verify(certificate.credential)
    assert not verdict.valid and verdict.reason == "key_revoked"
    # The body signs nothing more with it until its keys are rotated.
    with pytest.raises(ValidationError, match="TIANPING_KEY_CERTIFICATES"):
        selectors.sign(body, {"@context": []}, at=timezone.now())
    # An officer of another organisation does not see the body: 404.
    client = Client()
    client.force_login(network.applicant_a)
    url = reverse("certification:key_compromised", args=[body.pk])
    answer = client.post(url, {"public_multibase": key, "revoked_at": "2026-01-01 00:00"})
    assert answer.status_code == 404


def test_the_trust_page_shows_the_published_user_notice(
    network: Network, certificate: Certificate
) -> None:
    """Art. 16: the register's page of a certified system says what its published user notice
    says of its limits, how to opt out and how to reach a person, and the certificate's state."""
    url = reverse("certification:register_system", args=[certificate.system.pk])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(url).content.decode()
    assert "trust-opt-out" not in page and "state-active" in page  # nothing published yet
    row = document_save(
        actor=network.applicant_a, system=certificate.system, kind="user-notice",
        owner_fields=NOTICE,
    )  # fmt: skip
    document_publish(actor=network.applicant_a, row=row)
    page = client.get(url).content.decode()
    assert "Choose “Human review” on the application page" in page
    assert "speak to a loan officer" in page and "short credit history" in page
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(url).content.decode()
    assert "致电客服热线" in zh and "退出方式" in zh
    # The register finds it by the organisation's name, and not by another name.
    register = reverse("certification:register")
    organisation = certificate.system.organisation.name
    assert url in client.get(register, {"q": organisation}).content.decode()
    assert url not in client.get(register, {"q": "无此系统 no such"}).content.decode()
