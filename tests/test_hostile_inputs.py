"""Hostile files against every upload endpoint of the platform and every file reader of the CLI.

The targets are found by discovery, so that a new one fails a test until it is covered:

- upload endpoints of the platform: the JSON API's operations whose OpenAPI request body
  is ``multipart/form-data`` with a ``format: binary`` property, and the pages whose view
  (or a function of its module that it calls) reads ``request.FILES``; the two must equal
  ``ENDPOINTS``, the registry of upload limits (``tianping.web.uploads.ENDPOINT_LIMITS``)
  and, for the pages, the forms of ``tianping.web`` that have a ``FileField``;
- file readers of the command line: every parameter of every ``tianping`` command that
  names a file (a ``Path``, a metavar such as FILE, TABLE, DATA, PATH, IN, OUT, DIR, or a
  help text that speaks of a file) must be in ``CLI_PARAMETERS``: either how to feed it a
  hostile file, or why it reads nothing untrusted.

Each target gets every file of the corpus (built once per session, in a few seconds):
a Parquet row bomb, gzip and zip decompression bombs, deep JSON and YAML, a long
integer, wrong encodings, NUL bytes and wrong magic numbers. The platform must answer
with a 4xx (API), a page with a form error or an error message (HTML), or accept the
file where it is legitimately acceptable (``ACCEPTED_DOCUMENTS``); never a 5xx or a
traceback, and nothing is saved for a refused file. A command must exit 0, 1 or 2
without a traceback; a row bomb under ``--max-rows`` exits 2 naming the option.
"""

from __future__ import annotations

import gzip
import inspect
import io
import json
import re
import shutil
import struct
import sys
import traceback
import types
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

MiB = 1 << 20
BOMB_ROWS = 3_000_000
MAX_ROWS = 100_000
"""The lowered row limit: the platform's TIANPING_JOB_MAX_ROWS, the CLI's --max-rows."""
ZEROS = 200 * MiB
"""What the gzip and zip bombs expand to."""

DECISIONS = "sex,y,yhat\n" + "F,1,0\nM,0,1\nF,0,0\nM,1,1\n" * 25
CHINESE_CSV = DECISIONS.replace("F,", "女,").replace("M,", "男,")
"""The decisions with Chinese group names: what Excel saves as GBK on Chinese Windows, and
which data endpoints read (``ACCEPTED_DATA``) as the command line reads it."""


# The corpus ------------------------------------------------------------------------------------


def _row_bomb() -> bytes:
    """About 36 KB of ZSTD Parquet, 3,000,000 rows of one repeated value."""
    table = pa.table(
        {
            "sex": pa.array(["F"] * BOMB_ROWS),
            "y": pa.array([1] * BOMB_ROWS, type=pa.int64()),
            "yhat": pa.array([0] * BOMB_ROWS, type=pa.int64()),
        }
    )
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    return out.getvalue()


def _zeros(write: Callable[[bytes], Any]) -> None:
    chunk = bytes(MiB)
    for _ in range(ZEROS // MiB):
        write(chunk)


def _gzip_bomb() -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as stream:
        _zeros(stream.write)
    return out.getvalue()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.csv", "w") as member,
    ):
        _zeros(member.write)
    return out.getvalue()


def _small_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("agreement.txt", "Signed.\n")
    return out.getvalue()


def _png() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def build_corpus() -> dict[str, bytes]:
    """The hostile files by name (the name's ending is part of the test)."""
    gzip_bomb = _gzip_bomb()
    big_integer = b'{"n": ' + b"9" * 5000 + b"}\n"
    return {
        # Bombs
        "row-bomb.parquet": _row_bomb(),
        "zeros.gz": gzip_bomb,
        "zeros.zip": _zip_bomb(),
        "gzip.csv": gzip_bomb,
        # Deep and long structures
        "deep.jsonl": b"[" * 100_000 + b"\n",
        "big-integer.json": big_integer,
        "big-integer.jsonl": big_integer,
        "deep.yaml": b"- " * 10_000 + b"x\n",
        # Wrong encodings
        "gbk.csv": CHINESE_CSV.encode("gb18030"),
        "utf16.csv": CHINESE_CSV.encode("utf-16"),
        "latin1.csv": "name,y,yhat\nJosé,1,0\nRenée,0,1\n".encode("latin-1"),
        "invalid-utf8.csv": b"sex,y,yhat\nF,1,0\n\xc3\x28,0,1\n\xff\xfe,1,1\n",
        "nul.csv": b"sex,y,yhat\nF,1,0\nM\x00,0,1\n",
        # Wrong magic numbers, nothing at all
        "csv-text.parquet": DECISIONS.encode(),
        "png.csv": _png(),
        "zip.pdf": _small_zip(),
        "text.docx": b"This is not a Word document.\n",
        "empty.csv": b"",
        "newline.csv": b"\n",
    }


TEXT_ALIASES = {
    "deep.jsonl": "deep.txt",
    "gzip.csv": "gzip.txt",
    "gbk.csv": "gbk.txt",
    "utf16.csv": "utf16.txt",
    "latin1.csv": "latin1.txt",
    "invalid-utf8.csv": "invalid-utf8.txt",
    "nul.csv": "nul.txt",
    "empty.csv": "empty.txt",
    "newline.csv": "newline.txt",
}
"""Document endpoints judge a file by its content: these go to them as ``.txt`` too."""

ACCEPTED_DOCUMENTS = {
    "deep.txt": "100,000 '[' are plain UTF-8 text; a document is stored, never parsed",
    "newline.txt": "one line break is plain UTF-8 text",
}
"""What a document endpoint (attachment, signed agreement) may accept, and why."""

ACCEPTED_REPORT_FILES = {
    **ACCEPTED_DOCUMENTS,
    "newline.csv": "one line break is plain UTF-8 text, and a risk report takes CSV",
}
"""What a risk report's attachment endpoint may accept (text free of personal data)."""


@dataclass(frozen=True)
class Corpus:
    files: dict[str, bytes]
    folder: Path

    def path(self, name: str) -> Path:
        return self.folder / name


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    files = build_corpus()
    folder = tmp_path_factory.mktemp("hostile")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return Corpus(files, folder)


def test_the_corpus_is_small_and_its_bombs_are_bombs(corpus: Corpus) -> None:
    files = corpus.files
    assert sum(len(data) for data in files.values()) < 2 * MiB
    assert len(files["row-bomb.parquet"]) < 100_000
    assert pq.ParquetFile(corpus.path("row-bomb.parquet")).metadata.num_rows == BOMB_ROWS
    assert len(files["zeros.gz"]) * 500 < ZEROS
    with zipfile.ZipFile(corpus.path("zeros.zip")) as archive:
        assert archive.infolist()[0].file_size == ZEROS
    assert files["gzip.csv"].startswith(b"\x1f\x8b")
    assert files["utf16.csv"].startswith(b"\xff\xfe")
    assert files["gbk.csv"].decode("gb18030") == CHINESE_CSV


# The platform: upload endpoints ----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One upload endpoint, ready: its URL, the client and the other form fields."""

    url: str
    client: Any
    fields: Callable[[int], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    """How to post a file to an upload endpoint and how it answers.

    ``style``: ``api`` (JSON, 4xx with the field in ``detail``), ``form`` (the page again
    with an error on the file field; a redirect on success), ``message`` (a redirect
    with an error or a success message) or ``verdict`` (a public page that judges the
    file: the page again with a verdict, or with an error on the file field). ``kind``:
    ``data`` (predictions, datasets), ``document`` (review documents), ``credential``
    (a certificate's JSON or a photo of its QR code), ``bom`` (a system's AI-BOM,
    CycloneDX JSON: every file of the corpus is refused), ``aiid`` (an AI Incident
    Database ``incidents.csv``: every file of the corpus is refused) or ``report_file`` (a
    risk report's attachment: PDF, PNG, JPEG, or UTF-8 text and CSV free of personal data).
    """

    style: str
    kind: str
    field: str
    setup: Callable[[Any], Target]
    form: str | None = None


def _network(db: Any) -> Any:
    from tests.web.factories import build_network

    return build_network()


BIAS_FIELDS = {
    "protected": "sex",
    "label": "y",
    "prediction": "yhat",
    "threshold": "0.5",
    "policy": "four-fifths",
    "replicates": "0",
    "min_group_size": "0",
}


def _bias_page(n: Any) -> Target:
    from django.urls import reverse

    from tests.web.factories import logged_in_client

    url = reverse("assessments:new", args=[n.system_a.pk])
    return Target(url, logged_in_client(n.applicant_a), lambda i: dict(BIAS_FIELDS))


def _privacy_page(n: Any) -> Target:
    from django.urls import reverse

    from tests.web.factories import logged_in_client

    url = reverse("assessments:privacy_new", args=[n.system_a.pk])
    return Target(url, logged_in_client(n.applicant_a), lambda i: {"title": f"Hostile {i}"})


def _bias_api(n: Any) -> Target:
    from tests.web.factories import bearer_client

    url = f"/api/systems/{n.system_a.pk}/bias-assessments"
    return Target(url, bearer_client(n.applicant_a), lambda i: dict(BIAS_FIELDS))


def _privacy_api(n: Any) -> Target:
    from tests.web.factories import bearer_client

    url = f"/api/systems/{n.system_a.pk}/privacy-scans"
    return Target(url, bearer_client(n.applicant_a), lambda i: {"title": f"Hostile {i}"})


def _draft(n: Any) -> Any:
    """A draft application of system A before the committee of A (attachments can change)."""
    from tests.web.reviews.factories import build_review_network, make_application

    reviews = build_review_network(n)
    return make_application(system=n.system_a, body=reviews.committee, applicant=n.applicant_a)


def _version(application: Any) -> str:
    application.refresh_from_db()
    return str(application.version)


def _attachment_page(n: Any) -> Target:
    from django.urls import reverse

    from tests.web.factories import logged_in_client

    draft = _draft(n)
    url = reverse("reviews:attachment_add", args=[draft.pk])
    return Target(
        url,
        logged_in_client(n.applicant_a),
        lambda i: {"kind": "other", "expected_version": _version(draft)},
    )


def _attachment_api(n: Any) -> Target:
    from tests.web.factories import bearer_client

    draft = _draft(n)
    url = f"/api/reviews/applications/{draft.pk}/attachments"
    return Target(
        url,
        bearer_client(n.applicant_a),
        lambda i: {"kind": "other", "expected_version": _version(draft)},
    )


def _centre(n: Any) -> Any:
    from tests.web.reviews.factories import build_review_network

    return build_review_network(n).centre


def _entrustment_page(n: Any) -> Target:
    from django.urls import reverse

    from tests.web.factories import logged_in_client

    centre = _centre(n)
    return Target(
        reverse("reviews:entrustment_create"),
        logged_in_client(n.applicant_a),
        lambda i: {
            "organisation": n.enterprise_a.pk,
            "centre": centre.pk,
            "agreement_reference": f"WT-HOSTILE-{i}",
            "signed_on": "2025-01-01",
        },
    )


def _entrustment_api(n: Any) -> Target:
    from tests.web.factories import bearer_client

    centre = _centre(n)
    return Target(
        "/api/reviews/entrustments",
        bearer_client(n.applicant_a),
        lambda i: {
            "organisation_id": n.enterprise_a.pk,
            "centre_id": centre.pk,
            "agreement_reference": f"WT-HOSTILE-{i}",
            "signed_on": "2025-01-01",
        },
    )


def _verify_page(n: Any) -> Target:
    """The public verify page: no login, no other field."""
    from django.test import Client
    from django.urls import reverse

    return Target(reverse("certification:verify"), Client(), lambda i: {})


def _bom_page(n: Any) -> Target:
    from django.urls import reverse

    from tests.web.factories import logged_in_client

    url = reverse("vendors:bom_upload", args=[n.system_a.pk])
    return Target(url, logged_in_client(n.applicant_a), lambda i: {})


def _bom_api(n: Any) -> Target:
    from tests.web.factories import bearer_client

    url = f"/api/vendors/systems/{n.system_a.pk}/bom"
    return Target(url, bearer_client(n.applicant_a), lambda i: {})


def _aiid_page(n: Any) -> Target:
    """The cases app's AIID snapshot upload: a platform administrator."""
    from django.contrib.auth.models import User
    from django.urls import reverse

    from tests.web.factories import logged_in_client

    admin = User.objects.create_superuser("hostile-admin", "hostile@example.invalid", "x")
    return Target(reverse("cases:aiid_imports"), logged_in_client(admin), lambda i: {})


def _report_of_a(n: Any) -> Any:
    from tests.web.network.factories import file_report

    return file_report(n)


def _report_attachment_page(n: Any) -> Target:
    from django.urls import reverse

    from tests.web.factories import logged_in_client

    url = reverse("network:report_attachment_add", args=[_report_of_a(n).pk])
    return Target(url, logged_in_client(n.applicant_a), lambda i: {})


def _report_attachment_api(n: Any) -> Target:
    from tests.web.factories import bearer_client

    url = f"/api/network/reports/{_report_of_a(n).pk}/attachments"
    return Target(url, bearer_client(n.applicant_a), lambda i: {})


ENDPOINTS: dict[str, Endpoint] = {
    "assessments:new": Endpoint(
        "form", "data", "file", _bias_page, "tianping.web.assessments.bias.forms.BiasAssessmentForm"
    ),
    "assessments:privacy_new": Endpoint(
        "form",
        "data",
        "file",
        _privacy_page,
        "tianping.web.assessments.privacy.forms.PrivacyScanForm",
    ),
    "reviews:attachment_add": Endpoint(
        "message",
        "document",
        "file",
        _attachment_page,
        "tianping.web.reviews.applications.forms.AttachmentForm",
    ),
    "reviews:entrustment_create": Endpoint(
        "form",
        "document",
        "document",
        _entrustment_page,
        "tianping.web.reviews.bodies.forms.EntrustmentForm",
    ),
    "certification:verify": Endpoint(
        "verdict",
        "credential",
        "file",
        _verify_page,
        "tianping.web.certification.public_forms.VerifyUploadForm",
    ),
    "api:start_bias_assessment": Endpoint("api", "data", "file", _bias_api),
    "api:start_privacy_scan": Endpoint("api", "data", "file", _privacy_api),
    "api:upload_attachment": Endpoint("api", "document", "file", _attachment_api),
    "api:create_entrustment": Endpoint("api", "document", "document", _entrustment_api),
    "vendors:bom_upload": Endpoint(
        "form", "bom", "file", _bom_page, "tianping.web.vendors.forms.BomUploadForm"
    ),
    "api:upload_system_bom": Endpoint("api", "bom", "file", _bom_api),
    "cases:aiid_imports": Endpoint(
        "form", "aiid", "file", _aiid_page, "tianping.web.cases.forms.AiidUploadForm"
    ),
    "network:report_attachment_add": Endpoint(
        "message",
        "report_file",
        "file",
        _report_attachment_page,
        "tianping.web.network.forms.AttachmentForm",
    ),
    "api:upload_report_attachment": Endpoint("api", "report_file", "file", _report_attachment_api),
}
"""Every upload endpoint by URL name (HTML pages have the form class that takes the file)."""

DATA_NEEDLES = {
    "row-bomb.parquet": "TIANPING_JOB_MAX_ROWS",
    "latin1.csv": "UTF-8",
    "invalid-utf8.csv": "UTF-8",
    "nul.csv": "NUL",
}
"""What a data endpoint's refusal of these files names."""

ACCEPTED_DATA = {
    "gbk.csv": "GB18030 (what Excel saves on Chinese Windows) is read as the command line reads it",
    "utf16.csv": "UTF-16 with a byte-order mark is read as the command line reads it",
}
"""What a data endpoint (predictions, datasets) accepts, and why: stored as UTF-8."""

VALID = {
    "data": ("decisions.csv", DECISIONS.encode()),
    "document": ("agreement.txt", "Signed agreement 已签署的协议\n".encode()),
    "report_file": ("timeline.txt", "Feature switched off at noon 中午关闭该功能\n".encode()),
    "bom": (
        "ai-bom.json",
        (Path(__file__).parent.parent / "examples/bom/ai-bom.json").read_bytes(),
    ),
    "aiid": (
        "incidents.csv",
        (Path(__file__).parent / "cases/fixtures/incidents.csv").read_bytes(),
    ),
    "credential": (
        "certificate.json",
        (Path(__file__).parent.parent / "examples/certificates/certificate.json").read_bytes(),
    ),
}
"""A file each kind of endpoint accepts: the requests are right, refusals are the file's."""


# Discovering the upload endpoints


def _routes() -> Iterator[tuple[str, str, Any]]:
    from django.urls import URLResolver, get_resolver

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[Any]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                name = pattern.name and (
                    f"{namespace}:{pattern.name}" if namespace else pattern.name
                )
                yield name or prefix + str(pattern.pattern), prefix + str(pattern.pattern), pattern

    for name, route, pattern in walk(get_resolver().url_patterns, "", None):
        yield name, route, pattern.callback


def _code_objects(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _reads_files(view: Any, seen: set[Any] | None = None) -> bool:
    """Whether ``view``, or a function of its module it calls, reads ``request.FILES``."""
    seen = set() if seen is None else seen
    function = inspect.unwrap(view)
    if not isinstance(function, types.FunctionType) or function in seen:
        return False
    seen.add(function)
    for code in _code_objects(function.__code__):
        if "FILES" in code.co_names:
            return True
        for name in code.co_names:
            called = function.__globals__.get(name)
            if (
                isinstance(called, types.FunctionType)
                and called.__module__ == function.__module__
                and _reads_files(called, seen)
            ):
                return True
    return False


def _has_binary(schema: Any) -> bool:
    if isinstance(schema, dict):
        if schema.get("format") == "binary":
            return True
        return any(_has_binary(value) for value in schema.values())
    if isinstance(schema, list):
        return any(_has_binary(value) for value in schema)
    return False


def _api_upload_operations() -> set[str]:
    """URL names of the API operations that take a file (multipart with a binary part)."""
    from tianping.web.api import api

    names = set()
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            multipart = content.get("multipart/form-data", {})
            if not _has_binary(multipart.get("schema")):
                continue
            view = operation["operationId"]  # module_function; the URL name is the function's
            found = {
                name
                for name, route, _callback in _routes()
                if name.startswith("api:") and view.endswith("_" + name.removeprefix("api:"))
            }
            assert len(found) == 1, (method, path, view, found)
            names |= found
    return names


def _forms_with_file_fields() -> set[str]:
    from django import forms

    found = set()
    stack = list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("tianping.web"):
            continue
        if any(isinstance(f, forms.FileField) for f in getattr(cls, "base_fields", {}).values()):
            found.add(f"{cls.__module__}.{cls.__qualname__}")
    return found


def test_every_upload_endpoint_is_covered() -> None:
    from tianping.web import uploads

    pages = {
        name
        for name, route, callback in _routes()
        if not route.startswith("admin/") and _reads_files(callback)
    }
    api = _api_upload_operations()
    assert api, "the OpenAPI walk found no upload operation at all"
    assert pages, "the URL walk found no page that reads request.FILES"
    covered_pages = {name for name, e in ENDPOINTS.items() if e.style != "api"}
    covered_api = {name for name, e in ENDPOINTS.items() if e.style == "api"}
    assert pages == covered_pages, f"pages that read files, add them to ENDPOINTS: {pages}"
    assert api == covered_api, f"API operations that take files, add them to ENDPOINTS: {api}"
    assert set(uploads.ENDPOINT_LIMITS) == set(ENDPOINTS)
    forms_in_table = {e.form for e in ENDPOINTS.values() if e.form}
    assert _forms_with_file_fields() == forms_in_table


def test_the_admin_takes_no_files() -> None:
    """Admin pages are left out of the walk: they take files only for a model's FileField."""
    from django.apps import apps
    from django.db import models

    file_fields = [
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField)
    ]
    assert file_fields == []


# Posting the corpus


def _saved(folder: Path) -> tuple[Any, ...]:
    """The rows an upload may create (count, last id) and the files kept for uploads."""
    from tianping.web.assessments.models import BiasAssessment, PredictionsFile, PrivacyScan
    from tianping.web.cases.models import AiidImport, CaseRecord
    from tianping.web.network.models import ReportAttachment
    from tianping.web.reviews.models import Attachment, Entrustment
    from tianping.web.vendors.models import BomComponent, SystemBom

    rows = tuple(
        (
            model.__name__,
            model.objects.count(),
            str(model.objects.order_by("-pk").values_list("pk", flat=True).first()),
        )
        for model in (
            PredictionsFile,
            BiasAssessment,
            PrivacyScan,
            Attachment,
            Entrustment,
            SystemBom,
            BomComponent,
            AiidImport,
            CaseRecord,
            ReportAttachment,
        )
    )
    files = (
        tuple(sorted(str(p) for p in folder.rglob("*") if p.is_file())) if folder.exists() else ()
    )
    return rows, files


def _text(response: Any) -> str:
    return response.content.decode("utf-8", "replace")


def _messages(response: Any) -> list[tuple[str, str]]:
    from django.contrib.messages import get_messages

    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def _outcome(endpoint: Endpoint, response: Any) -> tuple[str, str]:
    """``("refused", why)``, ``("accepted", "")`` or ``("wrong", what)``."""
    status = response.status_code
    if status >= 500:
        return "wrong", f"{status}: {_text(response)[:300]}"
    if "Traceback" in _text(response):
        return "wrong", "a traceback in the response"
    if endpoint.style == "api":
        if status in (201, 202):
            return "accepted", ""
        if not 400 <= status < 500:
            return "wrong", f"status {status}"
        detail = response.json().get("detail")
        if status == 422 and not (isinstance(detail, dict) and endpoint.field in detail):
            return "wrong", f"422 without an error on {endpoint.field}: {detail}"
        return "refused", str(detail)
    if endpoint.style == "verdict":
        if status != 200 or response.context is None:
            return "wrong", f"status {status}"
        errors = response.context["form"].errors
        if response.context["result"] is not None and not errors:
            return "accepted", ""
        if endpoint.field not in errors:
            return "wrong", f"a page without an error on {endpoint.field}: {dict(errors)}"
        return "refused", " ".join(errors[endpoint.field])
    if endpoint.style == "form":
        if status == 302:
            return "accepted", ""
        if status != 200 or response.context is None:
            return "wrong", f"status {status}"
        errors = response.context["form"].errors
        if endpoint.field not in errors:
            return "wrong", f"a page without an error on {endpoint.field}: {dict(errors)}"
        return "refused", " ".join(errors[endpoint.field])
    messages = _messages(response)
    if [code for _url, code in response.redirect_chain] != [302] or status != 200:
        return "wrong", f"status {status} after {response.redirect_chain}"
    if any(level == "error" for level, _text_ in messages):
        return "refused", " ".join(text for _level, text in messages)
    if any(level == "success" for level, _text_ in messages):
        return "accepted", ""
    return "wrong", f"a redirect without a message: {messages}"


def _cases(endpoint: Endpoint, corpus: Corpus) -> list[tuple[str, bytes]]:
    cases = list(corpus.files.items())
    if endpoint.kind in ("document", "report_file"):
        cases += [(alias, corpus.files[name]) for name, alias in TEXT_ALIASES.items()]
    return cases


@pytest.fixture
def upload_settings(settings: Any, tmp_path: Path) -> Path:
    """Uploads kept under a fresh folder, no server folder readable, a job limit of 100,000 rows."""
    folder = tmp_path / "predictions"
    settings.TIANPING = {
        **settings.TIANPING,
        "PREDICTIONS_DIR": folder,
        "DATA_DIRS": [],
        "JOB_MAX_ROWS": MAX_ROWS,
    }
    return folder


def _post(
    endpoint: Endpoint, target: Target, number: int, name: str, data: bytes
) -> tuple[str, str]:
    """Post ``data`` as the file ``name``: the outcome (see ``_outcome``) and why."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data, "application/octet-stream")
    body = {**target.fields(number), endpoint.field: upload}
    try:
        # A message is read on the page redirected to (which also clears it).
        response = target.client.post(target.url, body, follow=endpoint.style == "message")
    except Exception:
        return "wrong", "an uncaught exception:\n" + traceback.format_exc()
    return _outcome(endpoint, response)


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_hostile_file_is_refused_cleanly_by_every_upload_endpoint(
    name: str, corpus: Corpus, upload_settings: Path, db: None
) -> None:
    endpoint = ENDPOINTS[name]
    target = endpoint.setup(_network(db))
    outcome, why = _post(endpoint, target, 0, *VALID[endpoint.kind])
    assert outcome == "accepted", f"{name} refuses a valid file: {why}"

    problems: list[str] = []
    for number, (file_name, data) in enumerate(_cases(endpoint, corpus), start=1):
        before = _saved(upload_settings)
        outcome, why = _post(endpoint, target, number, file_name, data)
        accepted = endpoint.kind not in ("bom", "credential", "aiid") and file_name in (
            {"document": ACCEPTED_DOCUMENTS, "report_file": ACCEPTED_REPORT_FILES}.get(
                endpoint.kind, ACCEPTED_DATA
            )
        )
        expected = "accepted" if accepted else "refused"
        if outcome != expected:
            problems.append(f"{file_name}: {outcome}, expected {expected}: {why}")
            continue
        if outcome == "refused" and _saved(upload_settings) != before:
            problems.append(f"{file_name}: refused, yet something was saved")
        needle = DATA_NEEDLES.get(file_name) if endpoint.kind == "data" else None
        if needle and needle not in why:
            problems.append(f"{file_name}: the refusal does not name {needle}: {why}")
    assert not problems, f"{name}:\n" + "\n".join(problems)


def _larger_than_the_default_limit(kind: str) -> tuple[str, bytes]:
    """A valid file of ``kind``, 512 KiB over the limit of endpoints that take no file."""
    from tianping.web import uploads

    size = uploads.default_limit() + 512 * 1024
    if kind == "credential":  # a certificate with a long note: judged, not refused
        note = "x" * size
        return "large.json", json.dumps({"type": ["VerifiableCredential"], "note": note}).encode()
    if kind == "bom":  # a valid AI-BOM with a long description
        document = json.loads(VALID["bom"][1])
        document["metadata"]["component"]["description"] = "x" * size
        return "large.json", json.dumps(document).encode()
    if kind == "data":  # long rows: fewer than the 100,000 rows allowed
        row = "F,1,0," + "x" * 64 + "\n"
        return "large.csv", ("sex,y,yhat,note\n" + row * (size // len(row) + 1)).encode()
    if kind == "aiid":  # the fixture's incidents again and again, each under a new number
        header, *rows = VALID["aiid"][1].decode().splitlines(keepends=True)
        out, number = [header], 100_000
        while sum(map(len, out)) < size:
            for row in rows:
                number += 1
                _id, _incident, rest = row.split(",", 2)
                out.append(f"{_id},{number},{rest}")
        return "large.csv", "".join(out).encode()
    return "large.txt", b"Signed agreement.\n" * (size // 18 + 1)


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_upload_endpoint_takes_a_file_over_the_default_limit(
    name: str, upload_settings: Path, db: None
) -> None:
    """Each endpoint's own limit (uploads.ENDPOINT_LIMITS) is the one applied to it."""
    from tianping.web import uploads

    endpoint = ENDPOINTS[name]
    file_name, data = _larger_than_the_default_limit(endpoint.kind)
    assert uploads.default_limit() < len(data) < uploads.ENDPOINT_LIMITS[name]()
    outcome, why = _post(endpoint, endpoint.setup(_network(db)), 0, file_name, data)
    assert outcome == "accepted", why


# The command line: file readers ----------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    """Valid companions of the hostile files: a table, policies, a signed log and its export …"""

    decisions: Path
    records: Path
    reference: Path
    policy: Path
    deid_policy: Path
    questionnaire: Path
    intake: Path
    system: Path
    committee: Path
    catalogue: Path
    privacy_corpus: Path
    log: Path
    signing_key: Path
    verifier_key: Path
    export: Path
    receipt: Path


@dataclass(frozen=True)
class Reader:
    """How to run a command with a hostile file in one parameter.

    ``args(path, workspace, tmp)`` is the command line with ``path`` in that parameter;
    ``valid(workspace)`` a file the command reads there without complaint, so a refusal is
    the hostile file's, not the command line's; ``limits``: ``--max-rows`` measures that
    file, so the row bomb must exit 2 naming the option.
    """

    args: Callable[[Path, Workspace, Path], list[str]]
    valid: Callable[[Workspace], Path]
    limits: bool = False


@dataclass(frozen=True)
class NotReader:
    """A parameter that names no untrusted input, and why."""

    reason: str


OUTPUT = NotReader("an output path the command writes")
NOT_RUN = {
    "demo": "starts a web server on a fresh demo database; reads no file given to it",
    "serve": "starts the web server; reads no file given to it",
    "worker": "runs background tasks until stopped; reads no file given to it",
}
"""Commands never run here (they serve or loop); they must have no file parameter."""


def _as(path: Path, tmp: Path, name: str) -> Path:
    """A copy of ``path`` named ``name`` (a log must end in .sqlite to be read as SQLite)."""
    target = tmp / name
    shutil.copyfile(path, target)
    return target


def _catalogue(path: Path, tmp: Path) -> Path:
    """The shipped catalogue with ``path`` as its norms.yaml."""
    from tianping.norms._loader import DATA_DIR

    folder = tmp / "catalogue"
    shutil.copytree(DATA_DIR, folder)
    shutil.copyfile(path, folder / "norms.yaml")
    return folder


def _limits(*args: str) -> list[str]:
    return [*args, "--max-rows", str(MAX_ROWS)]


AUDIT = ["fairness", "audit", "--protected", "sex", "--label", "y", "--prediction", "yhat",
         "--bootstrap", "0", "--lang", "en"]  # fmt: skip
EN = ["--lang", "en"]
TRANSPARENCY_INPUT = Path(__file__).parent.parent / "examples" / "transparency" / "system.yaml"
INDEX_EVIDENCE = Path(__file__).parent.parent / "examples" / "index" / "evidence.yaml"
INDEX_FMTI = Path(__file__).parent.parent / "src" / "tianping" / "index" / "data" / "fmti"
CERTIFICATES = Path(__file__).parent.parent / "examples" / "certificates"
PROBES = Path(__file__).parent.parent / "examples" / "probes"
CERTIFICATE = CERTIFICATES / "certificate.json"
LABELS = Path(__file__).parent.parent / "examples" / "labels"
CASES_SNAPSHOT = Path(__file__).parent / "cases" / "fixtures" / "incidents.csv"
CERT_OPTIONS = ["--status-list", str(CERTIFICATES / "status-revocation.json"),
                "--status-list", str(CERTIFICATES / "status-suspension.json"),
                "--at", "2027-01-01T00:00:00Z", *EN]  # fmt: skip

# fmt: off
CLI_PARAMETERS: dict[str, Reader | NotReader] = {
    # cert
    "cert gap evidence_file": Reader(
        lambda p, ws, t: ["cert", "gap", str(p), "--level", "basic_compliance", *EN],
        lambda ws: CERTIFICATES / "evidence.yaml",
    ),
    "cert gap --json": OUTPUT,
    "cert levels --json": OUTPUT,
    "cert verify certificate": Reader(
        lambda p, ws, t: ["cert", "verify", str(p), *CERT_OPTIONS], lambda ws: CERTIFICATE
    ),
    "cert verify --status-list": Reader(
        lambda p, ws, t: ["cert", "verify", str(CERTIFICATE), "--status-list", str(p),
                          "--status-list", str(CERTIFICATES / "status-suspension.json"), "--at",
                          "2027-01-01T00:00:00Z", *EN],
        lambda ws: CERTIFICATES / "status-revocation.json",
    ),
    "cert verify --key": Reader(
        lambda p, ws, t: ["cert", "verify", str(CERTIFICATE), *CERT_OPTIONS, "--key", str(p)],
        lambda ws: CERTIFICATES / "issuer-did.json",
    ),
    "cert verify --json": OUTPUT,
    "cert issue subject_file": Reader(
        lambda p, ws, t: ["cert", "issue", str(p), "--issuer-key",
                          str(CERTIFICATES / "TEST-ONLY-issuer-key.json"),
                          "--level", "basic_compliance", "--out", str(t / "issued.json"), *EN],
        lambda ws: CERTIFICATES / "subject.yaml",
    ),
    "cert issue --issuer-key": Reader(
        lambda p, ws, t: ["cert", "issue", str(CERTIFICATES / "subject.yaml"), "--issuer-key",
                          str(p), "--level", "basic_compliance", "--out",
                          str(t / "issued.json"), *EN],
        lambda ws: CERTIFICATES / "TEST-ONLY-issuer-key.json",
    ),
    "cert issue --out": OUTPUT,
    "cert status certificate": Reader(
        lambda p, ws, t: ["cert", "status", str(p), *CERT_OPTIONS], lambda ws: CERTIFICATE
    ),
    "cert status --status-list": Reader(
        lambda p, ws, t: ["cert", "status", str(CERTIFICATE), "--status-list", str(p),
                          "--status-list", str(CERTIFICATES / "status-suspension.json"), "--at",
                          "2027-01-01T00:00:00Z", *EN],
        lambda ws: CERTIFICATES / "status-revocation.json",
    ),
    "cert status --key": Reader(
        lambda p, ws, t: ["cert", "status", str(CERTIFICATE), *CERT_OPTIONS, "--key", str(p)],
        lambda ws: CERTIFICATES / "issuer-did.json",
    ),
    "cert status --json": OUTPUT,
    # cases
    "cases import file": Reader(
        lambda p, ws, t: ["cases", "import", str(p), *EN], lambda ws: CASES_SNAPSHOT
    ),
    "cases import --json": OUTPUT,
    "cases search --json": OUTPUT,
    "cases similar --json": OUTPUT,
    "cases export --json": OUTPUT,
    "network report --json": OUTPUT,
    "network warnings --json": OUTPUT,
    "network monthly --json": OUTPUT,
    "federation key --json": OUTPUT,
    "federation outbox --json": OUTPUT,
    "cases export --csv": OUTPUT,
    # bom
    "bom verify bom_file": Reader(
        lambda p, ws, t: ["bom", "verify", str(p), "--cert", str(CERTIFICATE), *CERT_OPTIONS,
                          "--applications", str(CERTIFICATES.parent / "bom" / "applications.yaml")],
        lambda ws: CERTIFICATES.parent / "bom" / "ai-bom.json",
    ),
    "bom verify --cert": Reader(
        lambda p, ws, t: ["bom", "verify", str(CERTIFICATES.parent / "bom" / "ai-bom.json"),
                          "--cert", str(p), *CERT_OPTIONS, "--applications",
                          str(CERTIFICATES.parent / "bom" / "applications.yaml")],
        lambda ws: CERTIFICATE,
    ),
    "bom verify --status-list": Reader(
        lambda p, ws, t: ["bom", "verify", str(CERTIFICATES.parent / "bom" / "ai-bom.json"),
                          "--cert", str(CERTIFICATE), "--status-list", str(p), "--status-list",
                          str(CERTIFICATES / "status-suspension.json"), "--applications",
                          str(CERTIFICATES.parent / "bom" / "applications.yaml"),
                          "--at", "2027-01-01T00:00:00Z", *EN],
        lambda ws: CERTIFICATES / "status-revocation.json",
    ),
    "bom verify --applications": Reader(
        lambda p, ws, t: ["bom", "verify", str(CERTIFICATES.parent / "bom" / "ai-bom.json"),
                          "--cert", str(CERTIFICATE), *CERT_OPTIONS, "--applications", str(p)],
        lambda ws: CERTIFICATES.parent / "bom" / "applications.yaml",
    ),
    "bom verify --key": Reader(
        lambda p, ws, t: ["bom", "verify", str(CERTIFICATES.parent / "bom" / "ai-bom.json"),
                          "--cert", str(CERTIFICATE), *CERT_OPTIONS, "--applications",
                          str(CERTIFICATES.parent / "bom" / "applications.yaml"), "--key", str(p)],
        lambda ws: CERTIFICATES / "issuer-did.json",
    ),
    "bom verify --json": OUTPUT,
    "bom export system": Reader(
        lambda p, ws, t: ["bom", "export", str(p), "--out", str(t / "bom.json"), *EN],
        lambda ws: CERTIFICATES.parent / "bom" / "system.yaml",
    ),
    "bom export --out": OUTPUT,
    # docs
    "docs generate input_file": Reader(
        lambda p, ws, t: ["docs", "generate", "user-notice", str(p), "--out", str(t / "docs"),
                          "--format", "json", *EN],
        lambda ws: TRANSPARENCY_INPUT,
    ),
    "docs generate --out": OUTPUT,
    # fairness
    "fairness audit data": Reader(
        lambda p, ws, t: _limits(*AUDIT, str(p)), lambda ws: ws.decisions, limits=True
    ),
    "fairness audit --reference": Reader(
        lambda p, ws, t: [*AUDIT, str(ws.decisions), "--reference", str(p)],
        lambda ws: ws.reference,
    ),
    "fairness audit --policy": Reader(
        lambda p, ws, t: [*AUDIT, str(ws.decisions), "--policy", str(p)], lambda ws: ws.policy
    ),
    "fairness audit --json": OUTPUT,
    "intake questions --json": OUTPUT,
    "intake score --json": OUTPUT,
    "ledger prove --json": OUTPUT,
    "norms crosswalk --json": OUTPUT,
    "norms list --json": OUTPUT,
    "norms show --json": OUTPUT,
    "review check-committee --json": OUTPUT,
    "review export --json": OUTPUT,
    "review purge --json": OUTPUT,
    "review rules --json": OUTPUT,
    "fairness audit --html": OUTPUT,
    "fairness audit --system": NotReader("the system's name on the report, not a path"),
    # index
    "index compute evidence": Reader(
        lambda p, ws, t: ["index", "compute", str(p), "--draws", "10", *EN],
        lambda ws: INDEX_EVIDENCE,
    ),
    "index compute --json": OUTPUT,
    "index explain evidence": Reader(
        lambda p, ws, t: ["index", "explain", str(p), "co.kill_switch", *EN],
        lambda ws: INDEX_EVIDENCE,
    ),
    "index explain --json": OUTPUT,
    "index fmti directory": Reader(
        lambda p, ws, t: ["index", "fmti", str(p), *EN], lambda ws: INDEX_FMTI
    ),
    "index fmti --json": OUTPUT,
    # intake
    "intake questions --questionnaire": Reader(
        lambda p, ws, t: ["intake", "questions", "--questionnaire", str(p), *EN],
        lambda ws: ws.questionnaire,
    ),
    "intake score file": Reader(
        lambda p, ws, t: ["intake", "score", str(p), *EN], lambda ws: ws.intake
    ),
    "intake score --questionnaire": Reader(
        lambda p, ws, t: ["intake", "score", str(ws.intake), "--questionnaire", str(p), *EN],
        lambda ws: ws.questionnaire,
    ),
    # label
    "label check files": Reader(
        lambda p, ws, t: ["label", "check", str(p), *EN], lambda ws: LABELS / "compliant.png"
    ),
    "label check --json": OUTPUT,
    "label rules --json": OUTPUT,
    # ledger (the log is an SQLite file, so a hostile file can take its place)
    "ledger append log": Reader(
        lambda p, ws, t: ["ledger", "append", str(_as(p, t, "log.sqlite")), str(ws.records)],
        lambda ws: ws.log,
    ),
    "ledger append file": Reader(
        lambda p, ws, t: ["ledger", "append", str(_as(ws.log, t, "log.sqlite")), str(p)],
        lambda ws: ws.records,
    ),
    "ledger append --salts-out": OUTPUT,
    "ledger append --on-personal-data": NotReader("a choice, 'refuse' or 'hash', not a path"),
    "ledger checkpoint log": Reader(
        lambda p, ws, t: ["ledger", "checkpoint", str(_as(p, t, "log.sqlite")),
                          "--key-file", str(ws.signing_key)],
        lambda ws: ws.log,
    ),
    "ledger checkpoint --key-file": Reader(
        lambda p, ws, t: ["ledger", "checkpoint", str(_as(ws.log, t, "log.sqlite")),
                          "--key-file", str(p)],
        lambda ws: ws.signing_key,
    ),
    "ledger export log": Reader(
        lambda p, ws, t: ["ledger", "export", str(_as(p, t, "log.sqlite")), str(t / "x.jsonl")],
        lambda ws: ws.log,
    ),
    "ledger export out": OUTPUT,
    "ledger init log": NotReader("the log the command creates (it refuses an existing one)"),
    "ledger init --key-file": NotReader("the signing key the command writes (never overwritten)"),
    "ledger prove log": Reader(
        lambda p, ws, t: ["ledger", "prove", str(_as(p, t, "log.sqlite")), "0", "--json", "-"],
        lambda ws: ws.log,
    ),
    "ledger verify path": Reader(
        lambda p, ws, t: ["ledger", "verify", str(p)], lambda ws: ws.export
    ),
    "ledger verify --key": Reader(
        lambda p, ws, t: ["ledger", "verify", str(ws.export), "--key", str(p)],
        lambda ws: ws.verifier_key,
    ),
    "ledger verify-receipt receipt": Reader(
        lambda p, ws, t: ["ledger", "verify-receipt", str(p), "--key", str(ws.verifier_key)],
        lambda ws: ws.receipt,
    ),
    "ledger verify-receipt --key": Reader(
        lambda p, ws, t: ["ledger", "verify-receipt", str(ws.receipt), "--key", str(p)],
        lambda ws: ws.verifier_key,
    ),
    # norms
    "norms validate directory": Reader(
        lambda p, ws, t: ["norms", "validate", str(_catalogue(p, t))], lambda ws: ws.catalogue
    ),
    # privacy
    "privacy anonymity data": Reader(
        lambda p, ws, t: _limits("privacy", "anonymity", str(p), "--quasi", "sex", *EN),
        lambda ws: ws.decisions,
        limits=True,
    ),
    # --max-rows measures DATA only: the population table is read whole (reported).
    "privacy anonymity --population": Reader(
        lambda p, ws, t: ["privacy", "anonymity", str(ws.decisions), "--quasi", "sex",
                          "--population", str(p), *EN],
        lambda ws: ws.decisions,
    ),
    "privacy anonymity --json": OUTPUT,
    "privacy deidentify source": Reader(
        lambda p, ws, t: _limits("privacy", "deidentify", str(p), str(t / f"out{p.suffix}"),
                                 "--policy", str(ws.deid_policy), *EN),
        lambda ws: ws.decisions,
        limits=True,
    ),
    "privacy deidentify output": OUTPUT,
    "privacy deidentify --policy": Reader(
        lambda p, ws, t: ["privacy", "deidentify", str(ws.decisions), str(t / "out.csv"),
                          "--policy", str(p), *EN],
        lambda ws: ws.deid_policy,
    ),
    "privacy deidentify --json": OUTPUT,
    "privacy evaluate --corpus": Reader(
        lambda p, ws, t: ["privacy", "evaluate", "--corpus", str(p), *EN],
        lambda ws: ws.privacy_corpus,
    ),
    "privacy evaluate --write-corpus": OUTPUT,
    "privacy evaluate --json": OUTPUT,
    "privacy profile table_path": Reader(
        lambda p, ws, t: _limits("privacy", "profile", str(p), *EN),
        lambda ws: ws.decisions,
        limits=True,
    ),
    "privacy profile --json": OUTPUT,
    "privacy scan paths": Reader(
        lambda p, ws, t: _limits("privacy", "scan", str(p), "--workers", "1", *EN),
        lambda ws: ws.decisions,
        limits=True,
    ),
    "privacy scan --salt-file": Reader(
        lambda p, ws, t: ["privacy", "scan", str(ws.decisions), "--workers", "1",
                          "--salt-file", str(p), *EN],
        lambda ws: ws.decisions,
    ),
    "privacy scan --json": OUTPUT,
    "privacy scan --workers": NotReader("a number of processes"),
    # probe (port 9 on loopback refuses at once: every probe is an error, the run finishes)
    "probe run --suite": Reader(
        lambda p, ws, t: ["probe", "run", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m",
                          "--suite", str(p), "--out", str(t / "out"), "--retries", "0", *EN],
        lambda ws: PROBES / "bank.jsonl",
    ),
    "probe run --out": OUTPUT,
    "probe run --response-path": NotReader("a dotted path into the JSON reply, not a file"),
    "probe run --request-template": Reader(
        lambda p, ws, t: ["probe", "run", "--endpoint", "http://127.0.0.1:9/json", "--model", "m",
                          "--suite", str(PROBES / "bank.jsonl"), "--adapter", "json",
                          "--request-template", str(p), "--response-path", "reply.text",
                          "--out", str(t / "out"), "--retries", "0", *EN],
        lambda ws: PROBES / "json-request.json",
    ),
    "probe report directory": Reader(
        lambda p, ws, t: ["probe", "report", str(_as(p, t, "results.json").parent), *EN],
        lambda ws: PROBES / "results.json",
    ),
    "probe report --json": OUTPUT,
    "probe report --html": OUTPUT,
    "probe report --pdf": OUTPUT,
    # report
    "report intake intake_file": Reader(
        lambda p, ws, t: ["report", "intake", str(p), "--system", str(ws.system),
                          "--out", str(t / "r.html"), *EN],
        lambda ws: ws.intake,
    ),
    "report intake --out": OUTPUT,
    "report intake --system": Reader(
        lambda p, ws, t: ["report", "intake", str(ws.intake), "--system", str(p),
                          "--out", str(t / "r.html"), *EN],
        lambda ws: ws.system,
    ),
    # review
    "review check-committee file": Reader(
        lambda p, ws, t: ["review", "check-committee", str(p), *EN], lambda ws: ws.committee
    ),
}
# fmt: on
"""Every file parameter of the command line (``command parameter``): a reader or not."""


# Discovering the file parameters

FILE_METAVAR = re.compile(
    r"\b(FILE|TABLE|DATA|PATH|IN|OUT|DIR|LOG|EXPORT|RECEIPT)\b|\.(ya?ml|json)"
)


def _commands() -> Iterator[tuple[str, Any]]:
    import typer.main

    from tianping.cli import app

    def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        children = getattr(command, "commands", None)
        if children is None:
            yield " ".join(path), command
            return
        for name, child in sorted(children.items()):
            yield from walk(child, (*path, name))

    yield from walk(typer.main.get_command(app), ())


def _names_a_file(param: Any) -> bool:
    """A path type, a metavar such as FILE or TABLE, or a help text that speaks of a file."""
    annotation = param.type_descriptor.annotation
    if annotation is bool:
        return False
    if "Path" in str(annotation):
        return True
    if param.metavar and FILE_METAVAR.search(param.metavar):
        return True
    return bool(re.search(r"\bfiles?\b", param.help or "", re.IGNORECASE))


def _file_parameters() -> set[str]:
    """``command parameter`` (an argument's name, an option's flag) of every file parameter."""
    return {
        f"{path} {param.name if param.param_type_name == 'argument' else param.opts[0]}"
        for path, command in _commands()
        for param in command.params
        if _names_a_file(param)
    }


def test_every_file_parameter_of_the_command_line_is_in_the_table() -> None:
    found = _file_parameters()
    assert len(found) > 20, found
    missing = sorted(found - set(CLI_PARAMETERS))
    assert not missing, f"file parameters not in CLI_PARAMETERS: {missing}"
    gone = sorted(set(CLI_PARAMETERS) - found)
    assert not gone, f"CLI_PARAMETERS names parameters that no longer exist: {gone}"
    commands = dict(_commands())
    for name in NOT_RUN:
        assert name in commands
        assert not any(key.startswith(f"{name} ") for key in found), name


# Running the readers


@dataclass
class Run:
    code: int
    output: str
    crash: str = ""


def _run(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> Run:
    """``tianping ARGS`` through ``cli.main()``: the exit code, the output, an escaped exception."""
    from typer.testing import CliRunner

    from tianping import cli

    monkeypatch.setattr(sys, "argv", ["tianping", *args])
    with CliRunner().isolation(env={"COLUMNS": "200"}) as (out, err, _):
        crash = ""
        try:
            cli.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception:
            code, crash = -1, traceback.format_exc()
        sys.stdout.flush()
        sys.stderr.flush()
        return Run(code, out.getvalue().decode() + err.getvalue().decode(), crash)


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    import tianping.tiering
    from tianping.fairness._policy import POLICY_DIR
    from tianping.ledger import read_key_file
    from tianping.norms._loader import DATA_DIR

    examples = Path(__file__).parent.parent / "examples"
    folder = tmp_path_factory.mktemp("workspace")
    texts = {
        "decisions.csv": DECISIONS,
        "records.jsonl": '{"case": 1}\n{"case": 2}\n',
        "reference.yaml": "sex: {F: 0.5, M: 0.5}\n",
        "deid-policy.yaml": "columns:\n  sex: mask\n",
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    log, key = folder / "log.sqlite", folder / "signing.key"
    steps = [
        ["ledger", "init", str(log), "--name", "tianping.example/hostile", "--key-file", str(key)],
        ["ledger", "append", str(log), str(folder / "records.jsonl")],
        ["ledger", "checkpoint", str(log), "--key-file", str(key)],
        ["ledger", "export", str(log), str(folder / "export.jsonl")],
        ["ledger", "prove", str(log), "0", "--json", "-"],
        ["privacy", "evaluate", "--documents", "20", "--write-corpus",
         str(folder / "privacy-corpus.jsonl"), *EN],
    ]  # fmt: skip
    monkeypatch = pytest.MonkeyPatch()
    try:
        runs = [_run(monkeypatch, step) for step in steps]
    finally:
        monkeypatch.undo()
    for step, run in zip(steps, runs, strict=True):
        assert run.code == 0, (step, run.output, run.crash)
    (folder / "receipt.json").write_text(runs[4].output, encoding="utf-8")
    (folder / "verifier.key").write_text(read_key_file(key).verifier.text, encoding="utf-8")
    yield Workspace(
        decisions=folder / "decisions.csv",
        records=folder / "records.jsonl",
        reference=folder / "reference.yaml",
        policy=POLICY_DIR / "four-fifths.yaml",
        deid_policy=folder / "deid-policy.yaml",
        questionnaire=Path(tianping.tiering.__file__).parent / "data" / "questionnaire.yaml",
        intake=examples / "intake" / "credit_scoring.yaml",
        system=examples / "systems" / "credit_scoring.yaml",
        committee=examples / "review" / "acme_committee.yaml",
        catalogue=DATA_DIR / "norms.yaml",
        privacy_corpus=folder / "privacy-corpus.jsonl",
        log=log,
        signing_key=key,
        verifier_key=folder / "verifier.key",
        export=folder / "export.jsonl",
        receipt=folder / "receipt.json",
    )


READERS = sorted(key for key, entry in CLI_PARAMETERS.items() if isinstance(entry, Reader))


@pytest.mark.parametrize("key", READERS)
def test_every_hostile_file_is_refused_cleanly_by_every_file_reader(
    key: str,
    corpus: Corpus,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reader = CLI_PARAMETERS[key]
    assert isinstance(reader, Reader)
    monkeypatch.setenv("TIANPING_DEID_KEY", "0123456789abcdef0123")
    (tmp_path / "valid").mkdir()
    control = _run(monkeypatch, reader.args(reader.valid(workspace), workspace, tmp_path / "valid"))
    assert (control.code, control.crash) == (0, ""), f"{key} refuses a valid file: {control}"

    problems: list[str] = []
    for number, name in enumerate(corpus.files):
        tmp = tmp_path / str(number)
        tmp.mkdir()
        run = _run(monkeypatch, reader.args(corpus.path(name), workspace, tmp))
        said = " ".join(run.output.split())
        if run.crash:
            problems.append(f"{name}: an uncaught exception:\n{run.crash}")
        elif run.code not in (0, 1, 2):
            problems.append(f"{name}: exit {run.code}: {said[:300]}")
        elif "Traceback" in run.output:
            problems.append(f"{name}: a traceback in the output: {run.output[-1500:]}")
        elif (
            reader.limits
            and name == "row-bomb.parquet"
            and (run.code != 2 or "--max-rows" not in said)
        ):
            problems.append(f"{name}: exit {run.code} without naming --max-rows: {said[:300]}")
    assert not problems, f"tianping {key}:\n" + "\n".join(problems)
