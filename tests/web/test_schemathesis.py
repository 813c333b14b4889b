"""Property-based tests of the JSON API from its own OpenAPI schema (schemathesis).

Every operation of ``/api/openapi.json`` is called through the WSGI application
with generated requests, valid and invalid, authenticated as applicant_a with a
bearer token. Whatever is sent, the API must never answer with a server error,
and what it answers must match the schema it publishes. Half of the generated
system and intake ids (and of the ids of ethics review: applications, their
attachments, follow-ups and appeals, review bodies, meetings, expert re-reviews,
letters and notifications) are replaced by those of enterprise A's real objects,
so the calls reach the services, not only the 404 path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.web.factories import Network
from tests.web.reviews.factories import build_review_objects
from tianping.web.accounts.services import api_token_create
from tianping.web.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@dataclass(frozen=True)
class Caller:
    headers: dict[str, str]
    system_id: int
    intake_id: int
    organisation_id: int
    review_ids: dict[str, Any] = field(default_factory=dict)
    """Path parameters of the review API: ids of enterprise A's review objects."""
    decided_id: int = 0
    """The decided application (the follow-ups, appeals and letters are on it)."""


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Keep the test's database connection open across the WSGI requests.

    The WSGI handler closes "old" connections when a request starts and ends;
    inside the test's transaction that would close the connection (and lose the
    test data on PostgreSQL). Django's own test client does the same as this.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def caller(network: Network, catalogue: None, in_test_transaction: None) -> Caller:
    _token, raw = api_token_create(user=network.applicant_a, name="schemathesis")
    o = build_review_objects(network)
    return Caller(
        headers={"Authorization": f"Bearer {raw}"},
        system_id=network.system_a.pk,
        intake_id=network.intake_a.pk,
        organisation_id=network.enterprise_a.pk,
        review_ids={
            "application_id": o.submitted.pk,
            "attachment_id": o.attachment.pk,
            "body_id": o.reviews.committee.pk,
            "member_id": o.member.pk,
            "entrustment_id": o.entrustment.pk,
            "meeting_id": o.meeting.pk,
            "item_id": o.item.pk,
            "appeal_id": o.appeal.pk,
            "review_id": o.expert_review.pk,
            "seat_id": o.seat.pk,
            "follow_up_id": o.follow_up.pk,
            "notification_id": o.notification.pk,
            "job_id": str(o.letter_job.pk),
        },
        decided_id=o.decided.pk,
    )


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_api_operation_never_fails_and_answers_as_its_schema_says(
    case: schemathesis.Case, caller: Caller
) -> None:
    _aim_at_real_objects(case, caller)
    case.call_and_validate(headers=caller.headers, checks=CHECKS)


def _aim_at_real_objects(case: schemathesis.Case, caller: Caller) -> None:
    """Replace every other generated id by the id of one of enterprise A's objects."""
    parameters = case.path_parameters or {}
    if _is_even_int(parameters.get("system_id")):
        parameters["system_id"] = caller.system_id
        if "intake_id" in parameters:
            parameters["intake_id"] = caller.intake_id
    if isinstance(case.body, dict) and _is_even_int(case.body.get("organisation_id")):
        case.body["organisation_id"] = caller.organisation_id
    _aim_at_review_objects(parameters, case.body, caller)


def _aim_at_review_objects(parameters: dict[str, Any], body: object, caller: Caller) -> None:
    """The same for the review API: its path ids, and the ids a body names."""
    names = [n for n in parameters if n in caller.review_ids]
    if not names:
        return
    generated = parameters[names[0]]
    if not _aimed(generated):
        return
    for name in names:
        parameters[name] = caller.review_ids[name]
    # One aimed call in two goes to the decided application, where aftercare happens.
    if "application_id" in parameters and ("follow_up_id" in parameters or _aimed(generated, 4)):
        parameters["application_id"] = caller.decided_id
    if isinstance(body, dict):
        for name in ("application_id", "system_id"):
            if name in body:
                body[name] = caller.review_ids.get(name, caller.system_id)


def _aimed(value: object, every: int = 2) -> bool:
    """Whether to aim a generated id at a real object: one in ``every``, ints and strings alike."""
    if isinstance(value, str):
        return sum(map(ord, value)) % every == 0
    return isinstance(value, int) and not isinstance(value, bool) and value % every == 0


def _is_even_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0
