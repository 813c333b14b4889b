"""Every URL of the project, requested by five kinds of visitor, against a table of outcomes.

The URL patterns are enumerated from the resolver (the JSON API's routes
included: django-ninja registers each operation as a Django URL pattern), path
parameters are filled with the ids of enterprise A's objects, and each URL is
requested as:

- ``anonymous``;
- ``other_organisation``: applicant_b of enterprise B;
- ``outside_regulator``: the regulator of B's province;
- ``jurisdiction_regulator``: the regulator of A's province;
- ``owner``: applicant_a of enterprise A (last, as its requests may change things).

``EXPECTED`` holds the outcome for each URL name and method. A URL without an
entry fails ``test_every_url_is_classified``: add it to the table. The admin's
URLs only need to send non-staff users to the admin login.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.web.assessments.factories import SETTINGS as ASSESSMENT_SETTINGS
from tests.web.assessments.factories import upload
from tests.web.cases.factories import cases_values
from tests.web.factories import (
    JUSTIFICATION,
    LOW_RISK_ANSWERS,
    SYSTEM_A_NAME,
    Network,
    system_fields,
)
from tests.web.network.factories import network_values, report_fields
from tests.web.reviews.factories import build_review_objects
from tianping.probes import read_results
from tianping.web.accounts.models import ApiToken
from tianping.web.accounts.services import api_token_create
from tianping.web.assessments.bias.services import bias_assessment_run, bias_assessment_start
from tianping.web.assessments.privacy.services import privacy_scan_run, privacy_scan_start
from tianping.web.index.services import scorecard_compute
from tianping.web.operations.services import (
    DecisionRecord,
    decision_records_ingest,
    system_api_key_create,
)
from tianping.web.probes.services import probe_run_load
from tianping.web.systems.models import AISystem, ReportJob
from tianping.web.systems.services import report_job_start
from tianping.web.transparency.services import document_save

LOGIN = "login"
"""A redirect to the login page."""
ADMIN_LOGIN = "admin_login"
"""A redirect to the admin's login page."""

Outcome = int | str
Outcomes = dict[str, Outcome]

ACTORS: dict[str, str | None] = {
    "anonymous": None,
    "other_organisation": "applicant_b",
    "outside_regulator": "regulator_province_b",
    "jurisdiction_regulator": "regulator_province_a",
    "owner": "applicant_a",
}
OUTSIDERS = ("anonymous", "other_organisation", "outside_regulator")
"""Visitors who may not learn anything about enterprise A's systems."""


def everyone(outcome: Outcome) -> Outcomes:
    return dict.fromkeys(ACTORS, outcome)


def signed_in(outcome: Outcome = 200, *, anonymous: Outcome = LOGIN) -> Outcomes:
    """The same outcome for every signed-in user; anonymous visitors are sent to log in."""
    return {**everyone(outcome), "anonymous": anonymous}


def about_a(*, owner: Outcome, jurisdiction: Outcome, anonymous: Outcome = LOGIN) -> Outcomes:
    """A page about enterprise A's objects: 404 for whoever may not read them."""
    return {
        "anonymous": anonymous,
        "other_organisation": 404,
        "outside_regulator": 404,
        "jurisdiction_regulator": jurisdiction,
        "owner": owner,
    }


@dataclass(frozen=True)
class Expect:
    """The outcomes of one URL name per method, and the body to send with POST/PATCH/PUT."""

    get: Outcomes | None = None
    post: Outcomes | None = None
    patch: Outcomes | None = None
    put: Outcomes | None = None
    delete: Outcomes | None = None
    body: Callable[[Network], dict[str, Any]] = field(default=lambda n: {})
    json: bool = False
    catalogue: bool = False


def _risk_report_payload(n: Network) -> dict[str, Any]:
    return {"organisation_id": n.enterprise_a.pk, **report_fields()}


def cert_api(*, owner: Outcome, jurisdiction: Outcome) -> Outcomes:
    """A certification API operation on enterprise A's application: 404 for outsiders."""
    return {**about_a(owner=owner, jurisdiction=jurisdiction), "anonymous": 401}


def _certification_apply(n: Network) -> dict[str, Any]:
    from tianping.web.certification.models import CertificationBody

    issuer = CertificationBody.objects.filter(issues=True).values_list("pk", flat=True).first()
    return {"system_id": n.system_a.pk, "scheme": "basic_compliance", "issuer_id": issuer}


def _system_payload(n: Network) -> dict[str, Any]:
    return {**system_fields(name="Matrix system"), "organisation_id": n.enterprise_a.pk}


API = {"anonymous": 401}

EXPECTED: dict[str, Expect] = {
    # Pages of the registry
    "home": Expect(get=signed_in()),
    "systems:list": Expect(get=signed_in()),
    "systems:create": Expect(
        get={**signed_in(200), "outside_regulator": 403, "jurisdiction_regulator": 403},
        post={**signed_in(200), "outside_regulator": 403, "jurisdiction_regulator": 403},
    ),
    "systems:detail": Expect(get=about_a(owner=200, jurisdiction=200)),
    "systems:edit": Expect(
        get=about_a(owner=200, jurisdiction=403), post=about_a(owner=200, jurisdiction=403)
    ),
    "systems:intake": Expect(
        get=about_a(owner=200, jurisdiction=403), post=about_a(owner=200, jurisdiction=403)
    ),
    "systems:override": Expect(
        get=about_a(owner=403, jurisdiction=200), post=about_a(owner=403, jurisdiction=200)
    ),
    # A regulator over the organisation decides on an override below a floor (none pending
    # here: the decision is refused with a message and a redirect).
    "systems:floor_review": Expect(
        get=signed_in(405),
        post=about_a(owner=403, jurisdiction=302),
        body=lambda n: {"decision": "confirm"},
    ),
    "systems:report_start": Expect(
        get=signed_in(405),
        post=about_a(owner=302, jurisdiction=302),
        body=lambda n: {"language": "en"},
    ),
    "systems:report_job": Expect(get=about_a(owner=200, jurisdiction=200)),
    "systems:report_job_cancel": Expect(post=about_a(owner=302, jurisdiction=403)),
    "systems:report_job_download": Expect(get=about_a(owner=200, jurisdiction=200)),
    # Bias assessments (the one in the table is finished)
    "assessments:new": Expect(
        get=about_a(owner=200, jurisdiction=403), post=about_a(owner=200, jurisdiction=403)
    ),
    "assessments:detail": Expect(get=about_a(owner=200, jurisdiction=200)),
    "assessments:cancel": Expect(post=about_a(owner=302, jurisdiction=403)),
    "assessments:report": Expect(get=about_a(owner=200, jurisdiction=200)),
    # Privacy scans (the one in the table is finished)
    "assessments:privacy_new": Expect(
        get=about_a(owner=200, jurisdiction=403), post=about_a(owner=200, jurisdiction=403)
    ),
    "assessments:privacy_detail": Expect(get=about_a(owner=200, jurisdiction=200)),
    "assessments:privacy_impact_report": Expect(get=about_a(owner=200, jurisdiction=200)),
    "assessments:privacy_cancel": Expect(post=about_a(owner=302, jurisdiction=403)),
    # Generative-AI probes: the endpoint and runs of a system; a finished run of system A.
    "probes:system": Expect(
        get=about_a(owner=200, jurisdiction=200), post=about_a(owner=200, jurisdiction=403)
    ),
    "probes:endpoint": Expect(
        get=about_a(owner=200, jurisdiction=403), post=about_a(owner=200, jurisdiction=403)
    ),
    "probes:run_detail": Expect(get=about_a(owner=200, jurisdiction=200)),
    "probes:run_cancel": Expect(post=about_a(owner=302, jurisdiction=403)),
    # Operations of system A (a system API key and a batch of decision records exist)
    "operations:page": Expect(get=about_a(owner=200, jurisdiction=200)),
    "operations:counters": Expect(get=about_a(owner=200, jurisdiction=200)),
    # The regulator pauses first; the owner's pause then changes nothing and redirects too.
    "operations:switch": Expect(
        get=about_a(owner=200, jurisdiction=200),
        post=about_a(owner=302, jurisdiction=302),
        body=lambda n: {"state": "paused", "reason": JUSTIFICATION, "confirm": "on"},
    ),
    "operations:playbook": Expect(
        get=about_a(owner=403, jurisdiction=403), post=about_a(owner=403, jurisdiction=403)
    ),
    "operations:key_create": Expect(
        get=signed_in(405),
        post=about_a(owner=200, jurisdiction=403),
        body=lambda n: {"name": "matrix"},
    ),
    "operations:key_revoke": Expect(get=signed_in(405), post=about_a(owner=302, jurisdiction=403)),
    "operations:checkpoint": Expect(get=signed_in(405), post=about_a(owner=302, jurisdiction=302)),
    "operations:export": Expect(get=about_a(owner=200, jurisdiction=200)),
    "operations:verifier_key": Expect(get=about_a(owner=200, jurisdiction=200)),
    "operations:receipt": Expect(get=about_a(owner=200, jurisdiction=200)),
    # Catalogue pages
    "catalogue:index": Expect(get=signed_in(), catalogue=True),
    "catalogue:article": Expect(get=signed_in(), catalogue=True),
    # Accounts
    "login": Expect(get=everyone(200), post=everyone(200)),
    "logout": Expect(get=everyone(405), post=everyone(302)),
    "password_change": Expect(get=signed_in(), post=signed_in()),
    "password_change_done": Expect(get=signed_in()),
    "password_reset": Expect(
        get=everyone(200), post=everyone(302), body=lambda n: {"email": "nobody@example.invalid"}
    ),
    "password_reset_done": Expect(get=everyone(200)),
    "password_reset_confirm": Expect(get=everyone(200)),
    "password_reset_complete": Expect(get=everyone(200)),
    "tokens": Expect(get=signed_in(), post=signed_in()),
    # Two-factor sign-in (not required in the suite): without an authenticator the code page
    # sends to enrolment, which shows a new key (and, for a wrong code, the form again).
    "two_factor_verify": Expect(get=signed_in(302), post=signed_in(302)),
    "two_factor_setup": Expect(get=signed_in(200), post=signed_in(200)),
    # Revoking someone else's token answers like an unknown token: a message, nothing revoked.
    "token_revoke": Expect(get=signed_in(405), post=signed_in(302)),
    "set_language": Expect(post=everyone(302), body=lambda n: {"language": "en", "next": "/"}),
    # The icon browsers ask for on their own: public, read-only.
    "favicon": Expect(get=everyone(200), post=everyone(405)),
    # A load balancer's probes: public, read-only, no secrets (tests/web/core/test_health.py).
    "healthz": Expect(get=everyone(200), post=everyone(405)),
    "readyz": Expect(get=everyone(200), post=everyone(405)),
    # The JSON API
    "api:openapi-json": Expect(get=everyone(200)),
    "api:openapi-view": Expect(get=everyone(200)),
    "api:api-root": Expect(get=everyone(404)),
    # Anything under /api/ that matches no operation: the API's JSON 404 for everyone.
    "api:not_found": Expect(get=everyone(404), post=everyone(404), json=True),
    # Paths no route can match at all (a line break in a segment): the same JSON 404.
    "api_not_found": Expect(get=everyone(404), post=everyone(404), json=True),
    "api:me": Expect(get=signed_in(200, anonymous=401)),
    "api:organisations": Expect(get=signed_in(200, anonymous=401)),
    "api:list_systems": Expect(get=signed_in(200, anonymous=401)),
    "api:create_system": Expect(
        post={**about_a(owner=201, jurisdiction=403), **API}, body=_system_payload, json=True
    ),
    "api:get_system": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:update_system": Expect(
        patch={**about_a(owner=200, jurisdiction=403), **API},
        body=lambda n: {"purpose": "Changed through the matrix"},
        json=True,
    ),
    "api:system_history": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:list_intakes": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:submit_intake": Expect(
        post={**about_a(owner=201, jurisdiction=403), **API},
        body=lambda n: {"answers": LOW_RISK_ANSWERS},
        json=True,
    ),
    "api:override_intake": Expect(
        post={**about_a(owner=403, jurisdiction=200), **API},
        body=lambda n: {"tier": "medium", "justification": JUSTIFICATION},
        json=True,
    ),
    # Starting one without a file is refused (422) once the caller may start one.
    "api:start_bias_assessment": Expect(
        post={**about_a(owner=422, jurisdiction=403), **API},
        body=lambda n: {"protected": "sex", "label": "y", "prediction": "yhat"},
    ),
    "api:list_bias_assessments": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:get_bias_assessment": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:cancel_bias_assessment": Expect(post={**about_a(owner=422, jurisdiction=403), **API}),
    "api:start_privacy_scan": Expect(post={**about_a(owner=422, jurisdiction=403), **API}),
    "api:list_privacy_scans": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:get_privacy_scan": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:cancel_privacy_scan": Expect(post={**about_a(owner=422, jurisdiction=403), **API}),
    # Generative-AI probes: system A has no chat endpoint (a loopback one is refused: 422);
    # the run named is finished (cancelling it: 422).
    "api:get_probe_endpoint": Expect(get={**about_a(owner=404, jurisdiction=404), **API}),
    "api:save_probe_endpoint": Expect(
        put={**about_a(owner=422, jurisdiction=403), **API},
        body=lambda n: {"base_url": "http://127.0.0.1:9/v1", "model": "m"},
        json=True,
    ),
    "api:delete_probe_endpoint": Expect(delete={**about_a(owner=422, jurisdiction=403), **API}),
    "api:start_probe_run": Expect(
        post={**about_a(owner=422, jurisdiction=403), **API},
        body=lambda n: {"languages": ["en"]},
        json=True,
    ),
    "api:list_probe_runs": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:get_probe_run": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:cancel_probe_run": Expect(post={**about_a(owner=422, jurisdiction=403), **API}),
    # Ingestion takes a system API key only: people's sessions and tokens are refused.
    "api:ingest_decisions": Expect(
        post=everyone(401), body=lambda n: {"records": [{"record": {"case": 1}}]}, json=True
    ),
    "api:switch_state": Expect(get=everyone(401)),
    "api:operations_overview": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:change_switch": Expect(
        post={**about_a(owner=200, jurisdiction=200), **API},
        body=lambda n: {"state": "paused", "reason": JUSTIFICATION},
        json=True,
    ),
    "api:update_playbook": Expect(
        patch={**about_a(owner=403, jurisdiction=403), **API},
        body=lambda n: {"switch_roles": {"paused": ["admin"]}, "fail_safe": "human"},
        json=True,
    ),
    "api:ledger_entries": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:ledger_receipt": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:ledger_checkpoint": Expect(post={**about_a(owner=200, jurisdiction=200), **API}),
    # Monitors of system A (an alert and an incident exist; regulators read, operators act)
    "operations:alert_handle": Expect(
        get=signed_in(405),
        post=about_a(owner=302, jurisdiction=403),
        body=lambda n: {"reason": "x"},
    ),
    "operations:incident_close": Expect(
        get=signed_in(405),
        post=about_a(owner=302, jurisdiction=403),
        body=lambda n: {"reason": "x"},
    ),
    "api:monitor_readings": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:monitor_alerts": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:monitor_incidents": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:monitor_alert_handle": Expect(
        post={**about_a(owner=200, jurisdiction=403), **API},
        body=lambda n: {"reason": JUSTIFICATION},
        json=True,
    ),
    "api:monitor_incident_close": Expect(
        post={**about_a(owner=200, jurisdiction=403), **API},
        body=lambda n: {"reason": JUSTIFICATION},
        json=True,
    ),
    "api:questionnaire": Expect(get=signed_in(200, anonymous=401)),
    "api:score": Expect(
        post=signed_in(200, anonymous=401), body=lambda n: {"answers": LOW_RISK_ANSWERS}, json=True
    ),
    "api:principles": Expect(get=signed_in(200, anonymous=401), catalogue=True),
    "api:articles": Expect(get=signed_in(200, anonymous=401), catalogue=True),
    "api:article": Expect(get=signed_in(200, anonymous=401), catalogue=True),
    "api:requirements": Expect(get=signed_in(200, anonymous=401), catalogue=True),
    "api:listed_activities": Expect(get=signed_in(200, anonymous=401), catalogue=True),
    # Certification: applicants, the issuing body's officers and the named evaluators read an
    # application; the rest answer 404. The verify page, register, DID documents and status
    # lists are public.
    "certification:home": Expect(get=signed_in()),
    "certification:apply": Expect(get=signed_in(), post=signed_in()),
    "certification:detail": Expect(get=about_a(owner=200, jurisdiction=404)),
    "certification:assign": Expect(get=signed_in(405), post=about_a(owner=403, jurisdiction=404)),
    "certification:findings": Expect(get=signed_in(405), post=about_a(owner=403, jurisdiction=404)),
    "certification:decide": Expect(get=signed_in(405), post=about_a(owner=403, jurisdiction=404)),
    "certification:certificate_change": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=404)
    ),
    "certification:certificate_download": Expect(get=about_a(owner=404, jurisdiction=404)),
    # The applicant appeals a refusal (this one is not refused: the form comes back) and renews a
    # certificate (there is none yet); the issuing body's officers decide the rest.
    "certification:appeal": Expect(get=signed_in(405), post=about_a(owner=302, jurisdiction=404)),
    "certification:appeal_decide": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=404)
    ),
    "certification:renew": Expect(get=signed_in(405), post=about_a(owner=404, jurisdiction=404)),
    "certification:scope_record": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=404)
    ),
    "certification:surveillance_decide": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=404)
    ),
    "certification:verify": Expect(get=everyone(200), post=everyone(200)),
    "certification:register": Expect(get=everyone(200)),
    # System A holds no certificate: its trust page does not exist.
    "certification:register_system": Expect(get=everyone(404)),
    # Public: the PDF of a certificate in the register (system A holds none).
    "certification:certificate_pdf": Expect(get=everyone(404)),
    "certification:did": Expect(get=everyone(200)),
    # Only the issuing body's officers mark its keys compromised; no actor here is one.
    "certification:key_compromised": Expect(get=signed_in(405), post=signed_in(404)),
    "certification:status_list": Expect(get=everyone(200)),
    "api:certification_verify": Expect(post=everyone(200), json=True),
    # The workflow over the API: the same checks as the pages (the application has no
    # evaluators, decision, refusal, certificate or case yet).
    "api:list_certification_applications": Expect(get=signed_in(200, anonymous=401)),
    "api:apply_for_certification": Expect(
        post=cert_api(owner=201, jurisdiction=404), body=_certification_apply, json=True
    ),
    "api:get_certification_application": Expect(get=cert_api(owner=200, jurisdiction=404)),
    "api:assign_certification_evaluators": Expect(
        post=cert_api(owner=403, jurisdiction=404),
        body=lambda n: {"evaluator_ids": [1, 2]},
        json=True,
    ),
    "api:record_certification_findings": Expect(
        post=cert_api(owner=403, jurisdiction=404), body=lambda n: {"findings": {}}, json=True
    ),
    "api:decide_certification_application": Expect(
        post=cert_api(owner=403, jurisdiction=404),
        body=lambda n: {"grant": False, "reason": "x"},
        json=True,
    ),
    "api:appeal_certification_refusal": Expect(
        post=cert_api(owner=422, jurisdiction=404), body=lambda n: {"grounds": "x"}, json=True
    ),
    "api:decide_certification_appeal": Expect(
        post=cert_api(owner=403, jurisdiction=404),
        body=lambda n: {"overturn": False, "reason": "x"},
        json=True,
    ),
    "api:get_certificate_credential": Expect(get=cert_api(owner=404, jurisdiction=404)),
    "api:change_certificate": Expect(
        post=cert_api(owner=403, jurisdiction=404), body=lambda n: {"reason": "x"}, json=True
    ),
    "api:renew_certificate": Expect(post=cert_api(owner=404, jurisdiction=404), json=True),
    "api:record_certificate_scope": Expect(post=cert_api(owner=403, jurisdiction=404), json=True),
    "api:list_surveillance_cases": Expect(get=signed_in(200, anonymous=401)),
    "api:decide_surveillance_case": Expect(
        post=cert_api(owner=403, jurisdiction=404),
        body=lambda n: {"action": "close", "reason": "x"},
        json=True,
    ),
    # Federation: the public keys are public; the inbox hears only messages a configured
    # peer signed, whoever posts them (an unsigned body is malformed: 400).
    "api:federation_key": Expect(get=everyone(200), json=True),
    "api:federation_inbox": Expect(post=everyone(400), json=True),
    # The vendor register and system A's AI-BOM (a supplier of A, a BOM with components)
    "vendors:home": Expect(
        get=signed_in(),
        post={**signed_in(200), "outside_regulator": 403, "jurisdiction_regulator": 403},
    ),
    "vendors:supplier": Expect(
        get=about_a(owner=200, jurisdiction=200), post=about_a(owner=200, jurisdiction=403)
    ),
    "vendors:bom": Expect(get=about_a(owner=200, jurisdiction=200)),
    "vendors:bom_upload": Expect(get=signed_in(405), post=about_a(owner=200, jurisdiction=403)),
    "vendors:component": Expect(get=signed_in(405), post=about_a(owner=302, jurisdiction=403)),
    "certification:bom_export": Expect(get=about_a(owner=200, jurisdiction=200)),
    "api:list_suppliers": Expect(get=signed_in(200, anonymous=401)),
    "api:create_supplier": Expect(
        post={**about_a(owner=201, jurisdiction=403), **API},
        body=lambda n: {"organisation_id": n.enterprise_a.pk, "name": "Matrix", "kind": "data"},
        json=True,
    ),
    "api:get_supplier": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:answer_questionnaire": Expect(
        put={**about_a(owner=200, jurisdiction=403), **API},
        body=lambda n: {"answers": {"remediation": {"answer": "yes"}}},
        json=True,
    ),
    "api:get_system_bom": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    "api:upload_system_bom": Expect(post={**about_a(owner=422, jurisdiction=403), **API}),
    "api:update_component": Expect(
        patch={**about_a(owner=200, jurisdiction=403), **API},
        body=lambda n: {"certificate_id": "urn:uuid:matrix"},
        json=True,
    ),
    "api:export_system_bom": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
    # The admin's own login and logout; every other admin URL sends non-staff users there.
    "admin:login": Expect(get=everyone(200)),
    "admin:logout": Expect(get=everyone(302)),
}


def api_a(*, owner: Outcome, jurisdiction: Outcome, outside: Outcome = 404) -> Outcomes:
    """An API operation on enterprise A's review objects (``outside``: B's regulator)."""
    return {**about_a(owner=owner, jurisdiction=jurisdiction), "outside_regulator": outside, **API}


def a_page(*, owner: Outcome, jurisdiction: Outcome, outside: Outcome = 404) -> Outcomes:
    """A review page about enterprise A's objects."""
    return {**about_a(owner=owner, jurisdiction=jurisdiction), "outside_regulator": outside}


def _version(n: Network) -> dict[str, Any]:
    return {"expected_version": 0}


def _attachment_upload(n: Network) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"kind": "other", "file": SimpleUploadedFile("matrix.txt", b"matrix", "text/plain")}


def _report_attachment_upload(n: Network) -> dict[str, Any]:
    """A PDF without the confirmation that it carries no personal data: refused (422)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("matrix.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")}


def _evidence_payload(n: Network) -> dict[str, Any]:
    from tianping.web.assessments.models import Evidence

    return {"evidence_id": Evidence.objects.get(system=n.system_a, title="Matrix").pk}


def _application_payload(n: Network) -> dict[str, Any]:
    return {"system_id": n.system_a.pk, "title": "Matrix application"}


def _member_payload(n: Network) -> dict[str, Any]:
    return {
        "name": "Matrix member",
        "disciplines": ["law"],
        "gender": "female",
        "affiliation": "Matrix university",
        "term_start": "2025-01-01",
        "term_end": "2027-12-31",
    }


def _body_payload(n: Network) -> dict[str, Any]:
    return {"organisation_id": n.committee_a.pk, "established_on": "2024-01-01"}


def _entrustment_payload(n: Network) -> dict[str, Any]:
    from tianping.web.reviews.models import ReviewBody

    centre = ReviewBody.objects.get(organisation__kind="review_centre")
    return {
        "organisation_id": n.enterprise_a.pk,
        "centre_id": centre.pk,
        "agreement_reference": "WT-MATRIX-2",
        "signed_on": "2025-01-01",
    }


def _agenda_payload(n: Network) -> dict[str, Any]:
    from tianping.web.reviews.models import Application

    return {"application_id": Application.objects.get(status="submitted").pk}


def _seat_payload(n: Network) -> dict[str, Any]:
    return {"name": "Matrix expert", "disciplines": ["law"], "affiliation": "Matrix university"}


# Who does what in ethics review (see the docstring of tianping.web.reviews.selectors): the
# applicant (applicant_a) drafts, submits, replies, appeals and reports; the committee of A
# (its chair and roster, none of the five visitors) reviews, meets and votes; the regulator
# of province A has jurisdiction over A and its committee, manages the committee's roster
# and is the competent authority of the expert re-review; the regulator of province B sees
# the review centre under it, which A has entrusted, but nothing of A's applications.
REVIEWS: dict[str, Expect] = {
    # Dashboards and notifications (the notification in the table is applicant_a's)
    "reviews:home": Expect(get=signed_in()),
    "reviews:notifications": Expect(get=signed_in()),
    "reviews:notification_read": Expect(
        get=signed_in(405), post=about_a(owner=302, jurisdiction=404)
    ),
    "reviews:notifications_read_all": Expect(get=signed_in(405), post=signed_in(302)),
    # Records and decision letters of the decided application (its letter is finished)
    "reviews:record_export": Expect(get=about_a(owner=200, jurisdiction=200)),
    "reviews:letter_start": Expect(
        get=signed_in(405),
        post=about_a(owner=302, jurisdiction=403),
        body=lambda n: {"language": "en"},
    ),
    "reviews:letter_job": Expect(get=about_a(owner=200, jurisdiction=200)),
    "reviews:letter_job_cancel": Expect(
        get=signed_in(405), post=about_a(owner=302, jurisdiction=403)
    ),
    "reviews:letter_job_download": Expect(get=about_a(owner=200, jurisdiction=200)),
    # The committee of A: its roster and meetings are for the committee and its regulators,
    # not for the enterprise whose applications it reviews.
    "reviews:body_list": Expect(get=signed_in()),
    "reviews:body_create": Expect(get=signed_in(403), post=signed_in(403)),
    "reviews:body_detail": Expect(get=about_a(owner=404, jurisdiction=200)),
    "reviews:member_add": Expect(
        get=about_a(owner=404, jurisdiction=200), post=about_a(owner=404, jurisdiction=200)
    ),
    "reviews:member_edit": Expect(
        get=about_a(owner=404, jurisdiction=200), post=about_a(owner=404, jurisdiction=200)
    ),
    "reviews:member_deactivate": Expect(
        get=signed_in(405), post=about_a(owner=404, jurisdiction=302)
    ),
    "reviews:body_registration": Expect(
        get=signed_in(405), post=about_a(owner=404, jurisdiction=302)
    ),
    "reviews:body_annual_report": Expect(
        get=signed_in(405), post=about_a(owner=404, jurisdiction=302)
    ),
    # A's entrustment of the centre of province B: that centre's regulator sees it too.
    "reviews:entrustment_list": Expect(get=signed_in()),
    "reviews:entrustment_create": Expect(
        get={**signed_in(200), "outside_regulator": 403, "jurisdiction_regulator": 403},
        post={**signed_in(200), "outside_regulator": 403, "jurisdiction_regulator": 403},
    ),
    "reviews:entrustment_revoke": Expect(
        get=signed_in(405), post=a_page(owner=302, jurisdiction=403, outside=403)
    ),
    # The submitted application of system A, before the committee
    "reviews:application_list": Expect(get=signed_in()),
    "reviews:application_create": Expect(
        get=about_a(owner=200, jurisdiction=403), post=about_a(owner=200, jurisdiction=403)
    ),
    "reviews:application_detail": Expect(get=about_a(owner=200, jurisdiction=200)),
    "reviews:application_edit": Expect(
        get=about_a(owner=200, jurisdiction=403), post=about_a(owner=200, jurisdiction=403)
    ),
    "reviews:self_assessment": Expect(
        get=about_a(owner=200, jurisdiction=403), post=about_a(owner=200, jurisdiction=403)
    ),
    "reviews:attachment_add": Expect(get=signed_in(405), post=about_a(owner=302, jurisdiction=403)),
    "reviews:attachment_waive": Expect(
        get=signed_in(405), post=about_a(owner=302, jurisdiction=403)
    ),
    "reviews:attachment_download": Expect(get=about_a(owner=200, jurisdiction=200)),
    "reviews:attachment_remove": Expect(
        get=signed_in(405), post=about_a(owner=302, jurisdiction=403)
    ),
    "reviews:evidence_attach": Expect(
        get=signed_in(405), post=about_a(owner=302, jurisdiction=403)
    ),
    "reviews:application_submit": Expect(
        get=signed_in(405), post=about_a(owner=302, jurisdiction=403)
    ),
    "reviews:application_withdraw": Expect(
        get=signed_in(405), post=about_a(owner=302, jurisdiction=403)
    ),
    # The chair's actions: neither the applicant nor a regulator
    "reviews:application_accept": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=403)
    ),
    "reviews:materials_request": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=403)
    ),
    "reviews:deadline_extend": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=403)
    ),
    # The workspace: the applicant and the regulator see the questions, not the internal notes
    "reviews:workspace": Expect(get=about_a(owner=200, jurisdiction=200)),
    "reviews:finding_set": Expect(get=signed_in(405), post=about_a(owner=403, jurisdiction=403)),
    "reviews:comment_add": Expect(get=signed_in(405), post=about_a(owner=302, jurisdiction=403)),
    "reviews:declaration": Expect(
        get=about_a(owner=403, jurisdiction=403), post=about_a(owner=403, jurisdiction=403)
    ),
    "reviews:my_declarations": Expect(get=signed_in()),
    # The committee's meeting, with the submitted application on its agenda
    "reviews:meeting_list": Expect(get=about_a(owner=404, jurisdiction=200)),
    "reviews:meeting_create": Expect(
        get=about_a(owner=404, jurisdiction=403), post=about_a(owner=404, jurisdiction=403)
    ),
    "reviews:meeting_detail": Expect(get=about_a(owner=404, jurisdiction=200)),
    "reviews:agenda_add": Expect(get=signed_in(405), post=about_a(owner=404, jurisdiction=403)),
    "reviews:attendance_set": Expect(get=signed_in(405), post=about_a(owner=404, jurisdiction=403)),
    "reviews:meeting_close": Expect(get=signed_in(405), post=about_a(owner=404, jurisdiction=403)),
    "reviews:meeting_reschedule": Expect(
        get=signed_in(405), post=about_a(owner=404, jurisdiction=403)
    ),
    "reviews:item_quorum": Expect(get=about_a(owner=404, jurisdiction=200)),
    "reviews:voting_open": Expect(get=signed_in(405), post=about_a(owner=404, jurisdiction=403)),
    "reviews:vote_cast": Expect(get=signed_in(405), post=about_a(owner=404, jurisdiction=403)),
    "reviews:voting_close": Expect(get=signed_in(405), post=about_a(owner=404, jurisdiction=403)),
    # The simplified procedure is the committee's own
    "reviews:simplified": Expect(get=about_a(owner=404, jurisdiction=404)),
    "reviews:simplified_name": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=403)
    ),
    "reviews:simplified_opinion": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=403)
    ),
    "reviews:simplified_conclude": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=403)
    ),
    # Appeals of the decided application: the applicant files, the chair decides
    "reviews:appeal_file": Expect(
        get=about_a(owner=200, jurisdiction=403), post=about_a(owner=422, jurisdiction=403)
    ),
    "reviews:appeal_decide": Expect(
        get=about_a(owner=403, jurisdiction=403), post=about_a(owner=403, jurisdiction=403)
    ),
    # Expert re-review of the decided application, before province A (the competent
    # authority); its one seat is expert_1's.
    "reviews:expert_reviews": Expect(get=signed_in()),
    "reviews:expert_my_panels": Expect(get=signed_in()),
    "reviews:expert_statistics": Expect(
        get={**signed_in(403), "outside_regulator": 200, "jurisdiction_regulator": 200}
    ),
    "reviews:expert_review": Expect(get=about_a(owner=200, jurisdiction=200)),
    "reviews:expert_panel_add": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=422)
    ),
    "reviews:expert_panel_remove": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=302)
    ),
    "reviews:expert_panel_form": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=422)
    ),
    "reviews:expert_conclude": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=422)
    ),
    "reviews:expert_proposal": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=422)
    ),
    # The seat's page is its expert's and the authority's: a read, so 404 for the others.
    "reviews:expert_seat": Expect(get=about_a(owner=404, jurisdiction=200)),
    "reviews:expert_seat_declare": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=403)
    ),
    "reviews:expert_seat_vote": Expect(
        get=signed_in(405), post=about_a(owner=403, jurisdiction=403)
    ),
    # Aftercare of the decided application: the applicant reports, the chair suspends
    "reviews:aftercare_follow_up_report": Expect(
        get=about_a(owner=200, jurisdiction=403), post=about_a(owner=422, jurisdiction=403)
    ),
    "reviews:aftercare_risk_change": Expect(
        get=about_a(owner=200, jurisdiction=403), post=about_a(owner=422, jurisdiction=403)
    ),
    "reviews:aftercare_resubmission": Expect(
        get=signed_in(405), post=about_a(owner=302, jurisdiction=403)
    ),
    "reviews:aftercare_activity_status": Expect(
        get=about_a(owner=403, jurisdiction=403), post=about_a(owner=403, jurisdiction=403)
    ),
    # The review API
    "api:list_applications": Expect(get=signed_in(200, anonymous=401)),
    "api:create_application": Expect(
        post=api_a(owner=201, jurisdiction=403), body=_application_payload, json=True
    ),
    "api:get_application": Expect(get=api_a(owner=200, jurisdiction=200)),
    "api:update_application": Expect(
        patch=api_a(owner=422, jurisdiction=403),
        body=lambda n: {"expected_version": 0, "title": "Changed"},
        json=True,
    ),
    "api:update_self_assessment": Expect(
        put=api_a(owner=422, jurisdiction=403),
        body=lambda n: {
            "expected_version": 0,
            "risks": "r",
            "controls": "c",
            "residual_risk": "low",
        },
        json=True,
    ),
    "api:upload_attachment": Expect(
        post=api_a(owner=422, jurisdiction=403), body=_attachment_upload
    ),
    "api:waive_attachment": Expect(
        post=api_a(owner=422, jurisdiction=403),
        body=lambda n: {"kind": "other", "reason": "matrix"},
        json=True,
    ),
    "api:delete_attachment": Expect(delete=api_a(owner=422, jurisdiction=403)),
    "api:attach_evidence": Expect(
        post=api_a(owner=422, jurisdiction=403), body=_evidence_payload, json=True
    ),
    "api:submit_application": Expect(
        post=api_a(owner=422, jurisdiction=403), body=_version, json=True
    ),
    "api:withdraw_application": Expect(
        post=api_a(owner=200, jurisdiction=403), body=_version, json=True
    ),
    "api:accept_application": Expect(
        post=api_a(owner=403, jurisdiction=403),
        body=lambda n: {"expected_version": 0, "procedure": "general"},
        json=True,
    ),
    "api:request_materials": Expect(
        post=api_a(owner=403, jurisdiction=403),
        body=lambda n: {"expected_version": 0, "kinds": ["other"]},
        json=True,
    ),
    "api:extend_deadline": Expect(
        post=api_a(owner=403, jurisdiction=403),
        body=lambda n: {"expected_version": 0, "length": 24},
        json=True,
    ),
    "api:list_bodies": Expect(get=signed_in(200, anonymous=401)),
    "api:create_body": Expect(
        post=api_a(owner=404, jurisdiction=403), body=_body_payload, json=True
    ),
    "api:get_body": Expect(get=api_a(owner=404, jurisdiction=200)),
    "api:add_member": Expect(
        post=api_a(owner=404, jurisdiction=201), body=_member_payload, json=True
    ),
    "api:update_member": Expect(
        patch=api_a(owner=404, jurisdiction=200), body=lambda n: {"name": "Renamed"}, json=True
    ),
    "api:deactivate_member": Expect(post=api_a(owner=404, jurisdiction=200)),
    "api:record_registration": Expect(
        post=api_a(owner=404, jurisdiction=200),
        body=lambda n: {"registered_on": "2024-02-01"},
        json=True,
    ),
    "api:record_annual_report": Expect(
        post=api_a(owner=404, jurisdiction=200),
        body=lambda n: {"year": 2025, "filed_on": "2026-01-10"},
        json=True,
    ),
    "api:list_entrustments": Expect(get=signed_in(200, anonymous=401)),
    "api:create_entrustment": Expect(
        post=api_a(owner=201, jurisdiction=403), body=_entrustment_payload
    ),
    "api:revoke_entrustment": Expect(post=api_a(owner=200, jurisdiction=403, outside=403)),
    "api:workspace_get": Expect(get=api_a(owner=404, jurisdiction=404)),
    "api:finding_post": Expect(
        post=api_a(owner=403, jurisdiction=403),
        body=lambda n: {"item": "x", "outcome": "met"},
        json=True,
    ),
    "api:comments_get": Expect(get=api_a(owner=200, jurisdiction=200)),
    "api:comments_post": Expect(
        post=api_a(owner=422, jurisdiction=403),
        body=lambda n: {"kind": "reply", "body": "matrix"},
        json=True,
    ),
    "api:declarations_get": Expect(get=api_a(owner=404, jurisdiction=404)),
    "api:declarations_post": Expect(
        post=api_a(owner=403, jurisdiction=403), body=lambda n: {"has_conflict": False}, json=True
    ),
    "api:meetings_list": Expect(get=api_a(owner=404, jurisdiction=200)),
    "api:meetings_create": Expect(
        post=api_a(owner=404, jurisdiction=403),
        body=lambda n: {"scheduled_for": "2030-06-01T10:00:00+08:00"},
        json=True,
    ),
    "api:meeting_get": Expect(get=api_a(owner=404, jurisdiction=200)),
    "api:agenda_post": Expect(
        post=api_a(owner=404, jurisdiction=403), body=_agenda_payload, json=True
    ),
    "api:attendance_put": Expect(
        put=api_a(owner=404, jurisdiction=403),
        body=lambda n: {"present_member_ids": []},
        json=True,
    ),
    "api:meeting_close": Expect(post=api_a(owner=404, jurisdiction=403), json=True),
    "api:meeting_reschedule": Expect(
        post=api_a(owner=404, jurisdiction=403),
        body=lambda n: {"scheduled_for": "2999-01-01T09:00:00+08:00", "reason": "Moved"},
        json=True,
    ),
    "api:item_quorum": Expect(get=api_a(owner=404, jurisdiction=200)),
    "api:item_open": Expect(post=api_a(owner=404, jurisdiction=403)),
    "api:item_vote": Expect(
        post=api_a(owner=404, jurisdiction=403), body=lambda n: {"choice": "approve"}, json=True
    ),
    "api:item_close": Expect(post=api_a(owner=404, jurisdiction=403), json=True),
    "api:simplified_get": Expect(get=api_a(owner=404, jurisdiction=404)),
    "api:simplified_reviewers": Expect(
        post=api_a(owner=403, jurisdiction=403), body=lambda n: {"member_ids": []}, json=True
    ),
    "api:simplified_opinion": Expect(
        post=api_a(owner=403, jurisdiction=403), body=lambda n: {"view": "approve"}, json=True
    ),
    "api:simplified_conclude": Expect(post=api_a(owner=403, jurisdiction=403), json=True),
    "api:appeals_get": Expect(get=api_a(owner=200, jurisdiction=404)),
    "api:appeals_post": Expect(
        post=api_a(owner=422, jurisdiction=403), body=lambda n: {"grounds": "matrix"}, json=True
    ),
    "api:appeal_decide": Expect(
        post=api_a(owner=403, jurisdiction=403),
        body=lambda n: {"outcome": "dismissed", "response": "matrix"},
        json=True,
    ),
    "api:list_expert_reviews": Expect(get=signed_in(200, anonymous=401)),
    "api:get_expert_review": Expect(get=api_a(owner=200, jurisdiction=200)),
    "api:add_panel_expert": Expect(
        post=api_a(owner=403, jurisdiction=201), body=_seat_payload, json=True
    ),
    # The authority takes the seat off first; the owner then finds none.
    "api:remove_panel_expert": Expect(delete=api_a(owner=404, jurisdiction=204)),
    "api:declare_interests": Expect(
        post=api_a(owner=403, jurisdiction=403), body=lambda n: {"interests": []}, json=True
    ),
    "api:form_panel": Expect(post=api_a(owner=403, jurisdiction=422)),
    "api:vote": Expect(
        post=api_a(owner=403, jurisdiction=403), body=lambda n: {"view": "agree"}, json=True
    ),
    "api:conclude": Expect(post=api_a(owner=403, jurisdiction=422), json=True),
    "api:propose": Expect(
        post=api_a(owner=403, jurisdiction=422), body=lambda n: {"proposal": "matrix"}, json=True
    ),
    "api:my_seats": Expect(get=signed_in(200, anonymous=401)),
    "api:statistics": Expect(
        get={
            **signed_in(403, anonymous=401),
            "outside_regulator": 200,
            "jurisdiction_regulator": 200,
        }
    ),
    "api:list_follow_ups": Expect(get=api_a(owner=200, jurisdiction=200)),
    "api:report_follow_up": Expect(
        post=api_a(owner=201, jurisdiction=403), body=lambda n: {"report": "matrix"}, json=True
    ),
    "api:report_risk_change": Expect(
        post=api_a(owner=201, jurisdiction=403), body=lambda n: {"report": "matrix"}, json=True
    ),
    "api:resubmit": Expect(post=api_a(owner=422, jurisdiction=403), json=True),
    "api:suspend": Expect(
        post=api_a(owner=403, jurisdiction=403), body=lambda n: {"reason": "matrix"}, json=True
    ),
    "api:resume": Expect(
        post=api_a(owner=403, jurisdiction=403), body=lambda n: {"reason": "matrix"}, json=True
    ),
    "api:terminate": Expect(
        post=api_a(owner=403, jurisdiction=403), body=lambda n: {"reason": "matrix"}, json=True
    ),
    "api:application_record": Expect(get=api_a(owner=200, jurisdiction=200)),
    "api:letter_list": Expect(get=api_a(owner=200, jurisdiction=200)),
    "api:letter_start": Expect(
        post=api_a(owner=201, jurisdiction=403), body=lambda n: {"language": "en"}, json=True
    ),
    "api:letter_get": Expect(get=api_a(owner=200, jurisdiction=200)),
    "api:letter_cancel": Expect(post=api_a(owner=422, jurisdiction=403)),
    "api:letter_download": Expect(get=api_a(owner=200, jurisdiction=200)),
    "api:notification_list": Expect(get=signed_in(200, anonymous=401)),
    "api:notification_read": Expect(post={**about_a(owner=200, jurisdiction=404), **API}),
    "api:notifications_read_all": Expect(post=signed_in(200, anonymous=401)),
    "api:dashboard": Expect(get=signed_in(200, anonymous=401)),
}
EXPECTED.update(REVIEWS)

REGULATORS_ONLY = {**signed_in(403), "outside_regulator": 200, "jurisdiction_regulator": 200}
REGULATORS_READ = {**signed_in(404), "outside_regulator": 200, "jurisdiction_regulator": 200}
NETWORK: dict[str, Expect] = {
    # The risk network: a report of enterprise A (visibility "jurisdiction", held by city A,
    # which has no user here) and a warning of province A to its subtree.
    "network:home": Expect(get=signed_in()),
    "network:report_create": Expect(
        get={**signed_in(200), "outside_regulator": 403, "jurisdiction_regulator": 403},
        post={**signed_in(200), "outside_regulator": 403, "jurisdiction_regulator": 403},
    ),
    "network:report_detail": Expect(get=about_a(owner=200, jurisdiction=200)),
    "network:report_submit": Expect(get=signed_in(405), post=about_a(owner=302, jurisdiction=403)),
    "network:report_triage": Expect(
        get=signed_in(405),
        post=about_a(owner=403, jurisdiction=403),
        body=lambda n: {"action": "accept"},
    ),
    "network:report_respond": Expect(
        get=signed_in(405),
        post=about_a(owner=302, jurisdiction=403),
        body=lambda n: {"note": "matrix"},
    ),
    "network:report_visibility": Expect(
        get=signed_in(405),
        post=about_a(owner=403, jurisdiction=403),
        body=lambda n: {"visibility": "organisation"},
    ),
    "network:report_attachment_add": Expect(
        get=signed_in(405),
        post=about_a(owner=302, jurisdiction=403),
        body=lambda n: _report_attachment_upload(n),
    ),
    "network:report_attachment_download": Expect(get=about_a(owner=200, jurisdiction=200)),
    "api:list_report_attachments": Expect(get=api_a(owner=200, jurisdiction=200)),
    "api:upload_report_attachment": Expect(
        post=api_a(owner=422, jurisdiction=403), body=lambda n: _report_attachment_upload(n)
    ),
    "network:warning_list": Expect(get=signed_in()),
    "network:warning_create": Expect(get=REGULATORS_ONLY, post=REGULATORS_ONLY),
    "network:warning_detail": Expect(get=about_a(owner=200, jurisdiction=200)),
    "network:warning_acknowledge": Expect(
        get=signed_in(405), post=about_a(owner=302, jurisdiction=403)
    ),
    "api:list_risk_reports": Expect(get=signed_in(200, anonymous=401)),
    "api:file_risk_report": Expect(
        post=api_a(owner=201, jurisdiction=404), body=_risk_report_payload, json=True
    ),
    "api:get_risk_report": Expect(get=api_a(owner=200, jurisdiction=200)),
    "api:submit_risk_report": Expect(post=api_a(owner=422, jurisdiction=403)),
    "api:triage_risk_report": Expect(
        post=api_a(owner=403, jurisdiction=403), body=lambda n: {"action": "accept"}, json=True
    ),
    "api:respond_risk_report": Expect(
        post=api_a(owner=422, jurisdiction=403), body=lambda n: {"note": "matrix"}, json=True
    ),
    "api:narrow_risk_report": Expect(
        post=api_a(owner=403, jurisdiction=403),
        body=lambda n: {"visibility": "organisation"},
        json=True,
    ),
    "api:list_warnings": Expect(get=signed_in(200, anonymous=401)),
    "api:issue_warning": Expect(
        post={**signed_in(404, anonymous=401), "jurisdiction_regulator": 201},
        body=lambda n: {
            "issuer_id": n.province_a.pk,
            "title": "matrix",
            "body": "matrix",
            "category": "other",
            "severity": "low",
        },
        json=True,
    ),
    "api:get_warning": Expect(get=api_a(owner=200, jurisdiction=200)),
    "api:acknowledge_warning": Expect(post=api_a(owner=200, jurisdiction=422)),
    # Filings (no actor here chairs a committee), monthly monitoring (regulators only) and
    # a warning drafted by a trigger for province A.
    "network:filings": Expect(get=REGULATORS_ONLY, post=signed_in(403)),
    "network:monthly": Expect(get=REGULATORS_READ),
    "network:monthly_csv": Expect(get=REGULATORS_READ),
    "network:monthly_json": Expect(get=REGULATORS_READ),
    "network:drafts": Expect(get=REGULATORS_ONLY),
    # The pilot summary report: a province's own (generated), city A's submission to province A.
    "network:pilot_summary_pdf": Expect(get=REGULATORS_READ),
    "network:pilot_summary_submit": Expect(
        get=signed_in(405),
        post={**signed_in(404), "outside_regulator": 403, "jurisdiction_regulator": 403},
    ),
    "network:pilot_summary_file": Expect(get=about_a(owner=404, jurisdiction=200)),
    # The high-risk list's pages: a proposal of province A, decided by the centre only.
    "network:list": Expect(get=REGULATORS_ONLY, post=REGULATORS_ONLY),
    "network:list_proposal": Expect(get=about_a(owner=404, jurisdiction=200)),
    "network:list_proposal_decide": Expect(
        get=signed_in(405), post=about_a(owner=404, jurisdiction=403)
    ),
    "network:draft_send": Expect(get=signed_in(405), post=about_a(owner=404, jurisdiction=302)),
    "network:draft_dismiss": Expect(get=signed_in(405), post=about_a(owner=404, jurisdiction=302)),
    "api:list_filings": Expect(get=signed_in(200, anonymous=401)),
    "api:make_filing": Expect(
        post=signed_in(404, anonymous=401),
        body=lambda n: {"organisation_id": n.committee_a.pk, "kind": "committee_registration"},
        json=True,
    ),
    "api:overdue_filings": Expect(get=signed_in(200, anonymous=401)),
    "api:monthly_statistics": Expect(
        get={
            **signed_in(404, anonymous=401),
            "outside_regulator": 200,
            "jurisdiction_regulator": 200,
        }
    ),
    "api:list_warning_drafts": Expect(get=signed_in(200, anonymous=401)),
    "api:send_warning_draft": Expect(post=api_a(owner=404, jurisdiction=201), json=True),
    "api:dismiss_warning_draft": Expect(post=api_a(owner=404, jurisdiction=200)),
    # A high-risk list proposal of province A: read by its regulators and the centre,
    # decided by the centre only.
    "api:list_list_proposals": Expect(get=signed_in(200, anonymous=401)),
    "api:file_list_proposal": Expect(
        post={**signed_in(404, anonymous=401), "jurisdiction_regulator": 201},
        body=lambda n: {
            "proposer_id": n.province_a.pk,
            "change": "add",
            "activity_code": "matrix_activity",
            "name_zh": "矩阵",
            "name_en": "Matrix",
            "source": "case_pattern",
            "reason": "matrix",
        },
        json=True,
    ),
    "api:get_list_proposal": Expect(
        get={**signed_in(404, anonymous=401), "jurisdiction_regulator": 200}
    ),
    "api:decide_list_proposal": Expect(
        post={**signed_in(404, anonymous=401), "jurisdiction_regulator": 403},
        body=lambda n: {"approve": False, "reason": "matrix"},
        json=True,
    ),
}
EXPECTED.update(NETWORK)

CASES: dict[str, Expect] = {
    # The case database: the shipped (public) cases and an "organisation" case of enterprise A.
    "cases:list": Expect(get=signed_in()),
    "cases:export_csv": Expect(get=signed_in()),
    "cases:export_json": Expect(get=signed_in()),
    "cases:detail": Expect(get=about_a(owner=200, jurisdiction=200)),
    "api:search_cases": Expect(get=signed_in(200, anonymous=401)),
    "api:get_case": Expect(get=api_a(owner=200, jurisdiction=200)),
    # A filed (not yet accepted) report of A: only its reporter may publish it, once accepted.
    "cases:publishable": Expect(get=signed_in()),
    "cases:report_publish": Expect(
        get=about_a(owner=200, jurisdiction=403),
        post=about_a(owner=200, jurisdiction=403),
        body=lambda n: {"visibility": "organisation", "consent": "on"},
    ),
    # Correction and takedown requests: filed by anyone for a public case (the case named
    # here is A's own, so 404), decided by administrators only.
    "cases:request": Expect(get=everyone(404), post=everyone(404)),
    "cases:requests": Expect(get=signed_in(403)),
    "cases:request_decide": Expect(
        get=signed_in(405),
        post=signed_in(403),
        body=lambda n: {"accept": "0", "decision": "matrix"},
    ),
    # Public complaints: the form only for a system on the public register (A is not).
    "cases:complaint_file": Expect(get=everyone(404), post=everyone(404)),
    "cases:complaints": Expect(get=signed_in()),
    # AI Incident Database snapshots: platform administrators only (none of the actors).
    "cases:aiid_imports": Expect(get=signed_in(403), post=signed_in(403)),
    "cases:aiid_import": Expect(get=signed_in(403)),
    "cases:aiid_import_cancel": Expect(get=signed_in(405), post=signed_in(403)),
    "cases:complaint_answer": Expect(
        get=signed_in(405),
        post=about_a(owner=302, jurisdiction=404),
        body=lambda n: {"answer": "matrix"},
    ),
}
EXPECTED.update(CASES)

_REGULATORS_ONLY = {
    "anonymous": LOGIN,
    "other_organisation": 404,
    "outside_regulator": 200,
    "jurisdiction_regulator": 200,
    "owner": 404,
}
INDEX: dict[str, Expect] = {
    # The responsibility index: a draft scorecard of system A; rankings for regulators only.
    "index:home": Expect(get=signed_in()),
    "index:organisation": Expect(get=about_a(owner=200, jurisdiction=200)),
    "index:system": Expect(get=about_a(owner=200, jurisdiction=200)),
    "index:compute": Expect(get=signed_in(405), post=about_a(owner=302, jurisdiction=302)),
    "index:energy": Expect(
        get=signed_in(405),
        post=about_a(owner=302, jurisdiction=403),
        body=lambda n: {
            "phase": "training",
            "method": "measured",
            "kwh": "1",
            "period_end": "2026-01-01",
        },
    ),
    "index:algorithm_filing": Expect(
        get=signed_in(405),
        post=about_a(owner=302, jurisdiction=403),
        body=lambda n: {"filing-regime": "generative_ai", "filing-status": "pending"},
    ),
    "index:rate": Expect(
        get=signed_in(405),
        post=about_a(owner=403, jurisdiction=302),
        body=lambda n: {"indicator": "co.opt_out", "score": "1"},
    ),
    # No disagreement to resolve: the regulator is refused with a message.
    "index:resolve": Expect(
        get=signed_in(405),
        post=about_a(owner=403, jurisdiction=302),
        body=lambda n: {
            "resolve-indicator": "co.opt_out",
            "resolve-score": "1",
            "resolve-note": "matrix",
        },
    ),
    "index:reply": Expect(
        get=signed_in(405),
        post=about_a(owner=302, jurisdiction=403),
        body=lambda n: {"reply": "matrix"},
    ),
    # The regulator is refused with a message while the owner may still reply.
    "index:publish": Expect(get=signed_in(405), post=about_a(owner=302, jurisdiction=302)),
    "index:scorecard_json": Expect(get=about_a(owner=200, jurisdiction=200)),
    "index:rankings": Expect(get=_REGULATORS_ONLY),
    "index:rankings_export": Expect(get=_REGULATORS_ONLY),
    "index:methodology": Expect(get=everyone(200)),
    "index:public_list": Expect(get=everyone(200)),
    # A draft is not public.
    "index:public_scorecard": Expect(get=everyone(404)),
    "index:public_json": Expect(get=everyone(404)),
    "api:index_methodology": Expect(get=everyone(200)),
    "api:index_system_scorecard": Expect(get={**about_a(owner=200, jurisdiction=200), **API}),
}
EXPECTED.update(INDEX)

TRANSPARENCY: dict[str, Expect] = {
    # Transparency documents: a draft user notice of system A; the owner's organisation
    # writes, regulators over it read; the public sees a published notice only.
    "transparency:home": Expect(get=signed_in()),
    "transparency:system": Expect(get=about_a(owner=200, jurisdiction=200)),
    "transparency:edit": Expect(
        get=about_a(owner=200, jurisdiction=403),
        post=about_a(owner=302, jurisdiction=403),
        body=lambda n: {"owner_fields": ""},
    ),
    "transparency:version": Expect(get=about_a(owner=200, jurisdiction=200)),
    "transparency:publish": Expect(get=signed_in(405), post=about_a(owner=302, jurisdiction=403)),
    "transparency:version_html": Expect(get=about_a(owner=200, jurisdiction=200)),
    "transparency:version_pdf": Expect(get=about_a(owner=200, jurisdiction=200)),
    "transparency:version_json": Expect(get=about_a(owner=200, jurisdiction=200)),
    # A draft notice is not public.
    "transparency:notice_html": Expect(get=everyone(404)),
    "transparency:notice_text": Expect(get=everyone(404)),
}
EXPECTED.update(TRANSPARENCY)


# Enumerating the URL patterns ----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full name (``None`` if unnamed), its route and its parameters."""

    name: str | None
    route: str
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def _walk(
    patterns: list[Any],
    prefix: str = "",
    namespace: str | None = None,
    params: tuple[str, ...] = (),
) -> Iterator[Route]:
    for pattern in patterns:
        names = params + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, names)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield Route(name=name, route=prefix + str(pattern.pattern), params=names)


ROUTES = list(_walk(get_resolver().url_patterns))
TABLE_ROUTES = [r for r in ROUTES if not r.is_admin or r.key in EXPECTED]
ADMIN_ROUTES = [r for r in ROUTES if r.is_admin and r.key not in EXPECTED]


def _parameters(n: Network, job: ReportJob, token_id: int) -> dict[str, Any]:
    """A value for every path parameter, pointing at enterprise A's objects where it can."""
    return {
        "pk": n.system_a.pk,
        "system_id": n.system_a.pk,
        "intake_pk": n.intake_a.pk,
        "intake_id": n.intake_a.pk,
        "job_id": job.pk,
        "assessment_id": None,  # a finished assessment, made for the URLs that name one
        "scan_id": None,  # a finished privacy scan, made for the URLs that name one
        "run_id": None,  # a finished probe run, made for the URLs that name one
        "token_id": token_id,
        "key_id": None,  # a system API key of system A, made for the operations URLs
        "log": "decisions",
        "alert_id": None,  # an alert and an incident of system A, made for the monitor URLs
        "incident_id": None,
        "action": "acknowledge",
        "index": 0,
        "number": 13,
        "uidb64": urlsafe_base64_encode(force_bytes(n.applicant_a.pk)),
        "token": "bad-token",
        "object_id": n.system_a.pk,
        "content_type_id": 1,
        "id": n.applicant_a.pk,
        "app_label": "systems",
        "url": "no-such-page/",
        "rest": f"systems/{n.system_a.pk}/no-such-endpoint",
        "report_id": None,  # a risk report and a warning, made for the network URLs
        "warning_id": None,
    }


def _alert_of_a(n: Network) -> dict[str, int]:
    from tianping.web.operations.models import Incident, MonitorAlert

    alert = MonitorAlert.objects.create(system=n.system_a, monitor="matrix", severity="fail")
    incident = Incident.objects.create(system=n.system_a, alert=alert, summary="matrix")
    return {"alert_id": alert.pk, "incident_id": incident.pk}


# What ``pk`` names in each review URL (anything else under /reviews/ names an application).
REVIEW_PK = {
    "body": (
        "reviews:body_detail",
        "reviews:member_add",
        "reviews:member_edit",
        "reviews:member_deactivate",
        "reviews:body_registration",
        "reviews:body_annual_report",
        "reviews:meeting_list",
        "reviews:meeting_create",
    ),
    "meeting": (
        "reviews:meeting_detail",
        "reviews:agenda_add",
        "reviews:attendance_set",
        "reviews:meeting_close",
        "reviews:meeting_reschedule",
        "reviews:item_quorum",
        "reviews:voting_open",
        "reviews:vote_cast",
        "reviews:voting_close",
    ),
    "review": (
        "reviews:expert_review",
        "reviews:expert_panel_add",
        "reviews:expert_panel_remove",
        "reviews:expert_panel_form",
        "reviews:expert_conclude",
        "reviews:expert_proposal",
    ),
    "seat": ("reviews:expert_seat", "reviews:expert_seat_declare", "reviews:expert_seat_vote"),
    "entrustment": ("reviews:entrustment_revoke",),
    "appeal": ("reviews:appeal_decide",),
    "notification": ("reviews:notification_read",),
    "decided": (
        "reviews:record_export",
        "reviews:letter_start",
        "reviews:appeal_file",
        "reviews:aftercare_follow_up_report",
        "reviews:aftercare_risk_change",
        "reviews:aftercare_resubmission",
        "reviews:aftercare_activity_status",
    ),
}
DECIDED_API = {
    "api:application_record",
    "api:letter_list",
    "api:letter_start",
    "api:appeals_get",
    "api:appeals_post",
    "api:list_follow_ups",
    "api:report_follow_up",
    "api:report_risk_change",
    "api:resubmit",
    "api:suspend",
    "api:resume",
    "api:terminate",
}
"""The review API's operations on the decided application (the others name the submitted one)."""


def _is_review(route: Route) -> bool:
    return route.route.startswith(("reviews/", "api/reviews/"))


def _review_values(route: Route, n: Network) -> dict[str, Any]:
    """Path parameters of a review URL, pointing at enterprise A's review objects."""
    o = build_review_objects(n)
    pks = {
        "application": o.submitted.pk,
        "decided": o.decided.pk,
        "body": o.reviews.committee.pk,
        "meeting": o.meeting.pk,
        "review": o.expert_review.pk,
        "seat": o.seat.pk,
        "entrustment": o.entrustment.pk,
        "appeal": o.appeal.pk,
        "notification": o.notification.pk,
    }
    kind = next((k for k, names in REVIEW_PK.items() if route.key in names), "application")
    return {
        "pk": pks[kind],
        "application_id": pks["decided" if route.key in DECIDED_API else "application"],
        "system_pk": n.system_a.pk,
        "member_pk": o.member.pk,
        "member_id": o.member.pk,
        "attachment_pk": o.attachment.pk,
        "attachment_id": o.attachment.pk,
        "item_pk": o.item.pk,
        "item_id": o.item.pk,
        "seat_pk": o.seat.pk,
        "seat_id": o.seat.pk,
        "follow_up_pk": o.follow_up.pk,
        "follow_up_id": o.follow_up.pk,
        "body_id": o.reviews.committee.pk,
        "meeting_id": o.meeting.pk,
        "review_id": o.expert_review.pk,
        "entrustment_id": o.entrustment.pk,
        "appeal_id": o.appeal.pk,
        "notification_id": o.notification.pk,
        "job_id": o.letter_job.pk,
        "action": "suspend",
    }


def _certification_values(n: Network) -> dict[str, Any]:
    """An application of system A to an issuing body (no evaluators named yet)."""
    from tests.web.certification.factories import build_bodies, submit

    bodies = build_bodies(n)
    application = submit(n, bodies)
    return {
        "application_id": application.pk,
        "body_id": bodies.issuer.pk,
        "purpose": "revocation",
        "action": "suspend",
        "certificate_id": 999_999,
        "case_id": 1,
    }


def _vendors_values(n: Network) -> dict[str, Any]:
    """A supplier of enterprise A and an AI-BOM of system A."""
    from tests.web.vendors.factories import bom_bytes, example_bom
    from tianping.web.vendors.services import bom_upload, supplier_create

    supplier = supplier_create(
        actor=n.applicant_a, organisation=n.enterprise_a, name="Matrix supplier", kind="model"
    )
    bom = bom_upload(actor=n.applicant_a, system=n.system_a, data=bom_bytes(example_bom()))
    return {"supplier_id": supplier.pk, "component_id": bom.components.first().pk}


def _index_values(n: Network) -> dict[str, Any]:
    """Path parameters of the index URLs: a draft scorecard of system A."""
    card = scorecard_compute(actor=n.applicant_a, system=n.system_a)
    return {"scorecard_id": card.pk, "organisation_id": n.enterprise_a.pk, "fmt": "csv"}


def _transparency_values(n: Network) -> dict[str, Any]:
    """Path parameters of the transparency URLs: a draft user notice of system A."""
    row = document_save(actor=n.applicant_a, system=n.system_a, kind="user-notice", owner_fields={})
    return {"version_id": row.pk, "kind": "user-notice"}


def _url(route: Route, values: dict[str, Any]) -> str:
    missing = [p for p in route.params if p not in values]
    assert not missing, (
        f"No value for path parameter(s) {missing} of {route.route!r}: "
        "add one to _parameters() in tests/web/test_permission_matrix.py."
    )
    kwargs = {p: values[p] for p in route.params}
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), route.route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m[1]]), path)
    path = "/" + path.replace("^", "").replace("$", "")
    resolve(path)
    return path


# The fixture ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """The network, a finished report job and an API token of applicant_a."""

    network: Network
    values: dict[str, Any]
    token_id: int


@pytest.fixture
def world(network: Network) -> World:
    n = network
    job = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
    # A finished report, as the worker would leave it (the worker itself is tested elsewhere).
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.DONE, progress=100, pdf=b"%PDF-1.7 matrix"
    )
    token, _raw = api_token_create(user=n.applicant_a, name="matrix")
    return World(network=n, values=_parameters(n, job, token.pk), token_id=token.pk)


def _finished_assessment(n: Network) -> Any:
    """A finished bias assessment of system A, for the URLs that name one (made only for them)."""
    assessment = bias_assessment_start(
        actor=n.applicant_a, system=n.system_a, upload=upload(), **ASSESSMENT_SETTINGS
    )
    bias_assessment_run(assessment_id=assessment.pk)  # as the worker would leave it
    return assessment.pk


def _finished_probe_run(n: Network) -> Any:
    """A finished probe run of system A (the example results), for the URLs that name one."""
    results = read_results(Path(__file__).parents[2] / "examples" / "probes" / "results.json")
    run = probe_run_load(
        actor=n.applicant_a, system=n.system_a, results=results, title="Matrix probe run"
    )
    return run.pk


def _finished_privacy_scan(n: Network) -> Any:
    """A finished privacy scan of system A, for the URLs that name one."""
    scan = privacy_scan_start(actor=n.applicant_a, system=n.system_a, upload=upload())
    privacy_scan_run(scan_id=scan.pk)
    return scan.pk


def _decisions_of_a(n: Network) -> int:
    """A system API key of system A and one batch of decision records sent with it."""
    key, _raw = system_api_key_create(actor=n.applicant_a, system=n.system_a, name="matrix")
    decision_records_ingest(api_key=key, key="matrix", records=[DecisionRecord(record={"case": 1})])
    return key.pk


def _client(world: World, actor: str) -> Client:
    client = Client()
    username = ACTORS[actor]
    if username is not None:
        client.force_login(getattr(world.network, username))
    return client


def _request(client: Client, method: str, url: str, expect: Expect, n: Network) -> Any:
    body = expect.body(n)
    if method == "get":
        return client.get(url)
    if method == "delete":
        return client.delete(url)
    if expect.json:
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")
    if method in ("patch", "put"):
        return getattr(client, method)(url, body)
    return client.post(url, body)


def _matches(response: Any, outcome: Outcome) -> bool:
    if outcome == LOGIN:
        return response.status_code == 302 and response["Location"].startswith(reverse("login"))
    if outcome == ADMIN_LOGIN:
        return response.status_code == 302 and response["Location"].startswith(
            reverse("admin:login")
        )
    return response.status_code == outcome


def _describe(response: Any) -> str:
    where = f" → {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{where}"


def _shows_system_a(response: Any) -> bool:
    """Whether the body names system A, as HTML or as (ASCII-escaped) JSON."""
    body = response.content.decode(errors="replace")
    return SYSTEM_A_NAME in body or json.dumps(SYSTEM_A_NAME)[1:-1] in body


def _system_a_row() -> dict[str, Any]:
    return AISystem.objects.filter(name=SYSTEM_A_NAME).values().get()


# The tests -----------------------------------------------------------------------------------


def test_every_url_is_classified() -> None:
    unknown = sorted(r.key for r in TABLE_ROUTES if r.key not in EXPECTED)
    assert not unknown, (
        f"URL(s) {unknown} have no expected outcomes: add them to EXPECTED in "
        "tests/web/test_permission_matrix.py (who may GET/POST them, and what the others get)."
    )


def test_the_table_lists_no_url_that_no_longer_exists() -> None:
    names = {r.key for r in ROUTES}
    assert not sorted(set(EXPECTED) - names)


def test_the_url_walk_sees_the_api_and_the_admin() -> None:
    names = {r.name for r in ROUTES}
    assert {"api:list_systems", "api:override_intake", "systems:detail", "admin:index"} <= names


@pytest.mark.parametrize("route", TABLE_ROUTES, ids=lambda r: r.key)
def test_url_answers_each_visitor_as_the_table_says(
    request: pytest.FixtureRequest, world: World, route: Route
) -> None:
    expect = EXPECTED.get(route.key)
    assert expect is not None, (
        f"{route.key!r} ({route.route}) is not classified: add it to EXPECTED in "
        "tests/web/test_permission_matrix.py."
    )
    if expect.catalogue:
        request.getfixturevalue("catalogue")
    n = world.network
    values = world.values
    if "assessment_id" in route.params:
        values = {**values, "assessment_id": _finished_assessment(n)}
    if "scan_id" in route.params:
        values = {**values, "scan_id": _finished_privacy_scan(n)}
    if "run_id" in route.params:
        values = {**values, "run_id": _finished_probe_run(n)}
    if route.key.startswith(("operations:", "api:ledger", "api:operations")):
        values = {**values, "key_id": _decisions_of_a(n)}
    if "alert_id" in route.params or "incident_id" in route.params:
        values = {**values, **_alert_of_a(n)}
    if _is_review(route):
        values = {**values, **_review_values(route, n)}
    if route.route.startswith(("network/", "api/network/")):
        values = {**values, **network_values(n)}
    if route.route.startswith(("cases/", "api/cases")):
        values = {**values, **cases_values(n)}
    if route.key.startswith(("certification:", "api:certification")) or route.route.startswith(
        "api/certification/"
    ):
        values = {**values, **_certification_values(n)}
    if route.route.startswith(("vendors/", "api/vendors/")):
        values = {**values, **_vendors_values(n)}
    if route.route.startswith(("index/", "api/index/")):
        values = {**values, **_index_values(n)}
    if route.route.startswith("transparency/"):
        values = {**values, **_transparency_values(n)}
    url = _url(route, values)
    before = _system_a_row()
    problems = []
    for actor in ACTORS:
        if actor == "owner":
            assert _system_a_row() == before, f"{route.key}: someone but the owner changed system A"
        for method in ("get", "post", "patch", "put", "delete"):
            outcomes: Outcomes | None = getattr(expect, method)
            if outcomes is None:
                continue
            response = _request(_client(world, actor), method, url, expect, n)
            if not _matches(response, outcomes[actor]):
                problems.append(
                    f"{method.upper()} {url} as {actor}: expected {outcomes[actor]}, "
                    f"got {_describe(response)}"
                )
            if actor in OUTSIDERS and _shows_system_a(response):
                problems.append(f"{method.upper()} {url} as {actor} shows system A's name")
    assert not problems, "\n".join(problems)


def test_list_pages_show_system_a_to_its_readers_only(world: World) -> None:
    for url in ("/", reverse("systems:list"), "/api/systems"):
        for actor, shown in {
            "other_organisation": False,
            "outside_regulator": False,
            "jurisdiction_regulator": True,
            "owner": True,
        }.items():
            response = _client(world, actor).get(url)
            assert _shows_system_a(response) is shown, f"{url} as {actor}"


def test_nobody_but_the_requester_cancels_a_queued_report(world: World) -> None:
    n = world.network
    job = report_job_start(actor=n.applicant_a, system=n.system_a, language="en")
    url = reverse("systems:report_job_cancel", kwargs={"job_id": job.pk})
    for actor in ("other_organisation", "outside_regulator", "jurisdiction_regulator"):
        _client(world, actor).post(url)
        job.refresh_from_db()
        assert job.status == ReportJob.Status.QUEUED, actor
    _client(world, "owner").post(url)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.CANCELLED


def test_nobody_but_the_owner_revokes_an_api_token(world: World) -> None:
    url = reverse("token_revoke", kwargs={"token_id": world.token_id})
    for actor in ("other_organisation", "outside_regulator", "jurisdiction_regulator"):
        _client(world, actor).post(url)
        assert ApiToken.objects.get(pk=world.token_id).revoked_at is None, actor
    _client(world, "owner").post(url)
    assert ApiToken.objects.get(pk=world.token_id).revoked_at is not None


def test_a_valid_password_reset_link_opens_for_anyone(world: World) -> None:
    user = world.network.applicant_a
    url = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].endswith("/set-password/")


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=lambda r: r.key)
def test_admin_url_sends_non_staff_users_to_the_admin_login(world: World, route: Route) -> None:
    url = _url(route, world.values)
    problems = []
    for actor in ACTORS:
        response = _client(world, actor).get(url)
        if not _matches(response, ADMIN_LOGIN):
            problems.append(f"GET {url} as {actor}: got {_describe(response)}")
    assert not problems, "\n".join(problems)
