"""The JSON API (``/api/``) with bearer tokens created through the service.

Errors: 401 without credentials, 404 for anything the user may not read (no
existence leak), 403 where the user reads a system but may not change it, 422
with field details for bad payloads.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.web.factories import (
    CONTRADICTORY_ANSWERS,
    HIGH_RISK_ANSWERS,
    JUSTIFICATION,
    SYSTEM_A_NAME,
    SYSTEM_B_NAME,
    Network,
    answers,
    bearer_client,
    system_fields,
)
from tianping.web.accounts.models import ApiToken
from tianping.web.accounts.services import api_token_create, api_token_revoke
from tianping.web.systems.models import AISystem, Intake, SystemEvent


def _post(client: Client, url: str, payload: Any) -> Any:
    return client.post(url, json.dumps(payload), content_type="application/json")


def _patch(client: Client, url: str, payload: Any) -> Any:
    return client.patch(url, json.dumps(payload), content_type="application/json")


def error_fields(response: Any) -> set[str]:
    """The fields a 422 response names, from either shape of ``detail``.

    Request validation (pydantic) answers ``[{"loc": [..., field], ...}]``;
    the services answer ``{field: [message, ...]}``.
    """
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    if isinstance(detail, dict):
        return set(detail)
    return {str(part) for error in detail for part in error["loc"]}


@pytest.fixture
def api_a(network: Network) -> Client:
    """applicant_a of enterprise A, with a bearer token."""
    return bearer_client(network.applicant_a)


def _counts() -> tuple[int, int, int]:
    return AISystem.objects.count(), Intake.objects.count(), SystemEvent.objects.count()


# Authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/me", "/api/systems", "/api/organisations", "/api/catalogue/principles"]
)
def test_api_without_credentials_answers_401(network: Network, url: str) -> None:
    assert Client().get(url).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer tp_not-a-real-token", "Bearer ", "Basic YWRtaW46YWRtaW4=", "tp_bare-token", "Bearer"],
)
def test_api_with_a_bad_authorization_header_answers_401(network: Network, header: str) -> None:
    response = Client(headers={"Authorization": header}).get("/api/me")
    assert response.status_code == 401


def test_api_with_a_revoked_token_answers_401(network: Network) -> None:
    token, raw = api_token_create(user=network.applicant_a, name="old")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/me").status_code == 200

    api_token_revoke(user=network.applicant_a, token_id=token.pk)

    assert client.get("/api/me").status_code == 401


def test_api_with_a_token_records_when_it_was_last_used(network: Network) -> None:
    token, raw = api_token_create(user=network.applicant_a, name="ci")
    Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_session_auth_reads_without_a_csrf_token(network: Network) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(network.applicant_a)
    assert client.get("/api/me").json()["username"] == "applicant_a"


def test_session_auth_refuses_unsafe_methods_without_a_csrf_token(network: Network) -> None:
    n = network
    client = Client(enforce_csrf_checks=True)
    client.force_login(n.applicant_a)
    before = _counts()

    created = _post(
        client, "/api/systems", {**system_fields(), "organisation_id": n.enterprise_a.pk}
    )
    patched = _patch(client, f"/api/systems/{n.system_a.pk}", {"purpose": "Hijacked"})

    assert (created.status_code, patched.status_code) == (403, 403)
    assert _counts() == before
    assert AISystem.objects.get(pk=n.system_a.pk).purpose != "Hijacked"


def test_session_auth_accepts_unsafe_methods_with_the_csrf_token(network: Network) -> None:
    n = network
    client = Client(enforce_csrf_checks=True)
    client.force_login(n.applicant_a)
    client.get("/")  # sets the CSRF cookie, as a page of the platform would
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        "/api/systems",
        json.dumps({**system_fields(name="Via session"), "organisation_id": n.enterprise_a.pk}),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 201, response.content


def test_bearer_auth_needs_no_csrf_token(network: Network) -> None:
    n = network
    _token, raw = api_token_create(user=n.applicant_a, name="ci")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    response = _post(
        client,
        "/api/systems",
        {**system_fields(name="Via token"), "organisation_id": n.enterprise_a.pk},
    )
    assert response.status_code == 201, response.content


# Accounts ------------------------------------------------------------------------------------


def test_me_lists_the_users_memberships(network: Network, api_a: Client) -> None:
    body = api_a.get("/api/me").json()
    assert body == {
        "username": "applicant_a",
        "memberships": [
            {
                "organisation_id": network.enterprise_a.pk,
                "organisation": network.enterprise_a.name,
                "kind": "enterprise",
                "role": "applicant",
            }
        ],
    }


def test_organisations_lists_only_visible_organisations(network: Network) -> None:
    n = network
    own = {o["id"] for o in bearer_client(n.applicant_a).get("/api/organisations").json()}
    jurisdiction = {
        o["id"] for o in bearer_client(n.regulator_province_a).get("/api/organisations").json()
    }
    assert own == {n.enterprise_a.pk}
    assert jurisdiction == {n.province_a.pk, n.city_a.pk, n.enterprise_a.pk, n.committee_a.pk}
    assert bearer_client(n.outsider).get("/api/organisations").json() == []


# Systems: read ------------------------------------------------------------------------------


def test_list_systems_shows_only_the_users_organisation(network: Network, api_a: Client) -> None:
    body = api_a.get("/api/systems").json()
    assert [s["name"] for s in body] == [SYSTEM_A_NAME]
    assert body[0]["tier"] == "low"
    assert body[0]["expert_review_required"] is False


def test_list_systems_of_the_central_regulator_covers_the_country(network: Network) -> None:
    body = bearer_client(network.regulator_central).get("/api/systems").json()
    assert {s["name"] for s in body} == {SYSTEM_A_NAME, SYSTEM_B_NAME}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sector=employment", {SYSTEM_B_NAME}),
        ("sector=finance", {SYSTEM_A_NAME}),
        ("tier=high", {SYSTEM_B_NAME}),
        ("tier=none", set()),
        ("stage=test", {SYSTEM_B_NAME}),
        ("q=Alpha", {SYSTEM_A_NAME}),
        ("q=简历", {SYSTEM_B_NAME}),
        ("limit=1&offset=5", set()),
    ],
)
def test_list_systems_filters(network: Network, query: str, expected: set[str]) -> None:
    response = bearer_client(network.regulator_central).get(f"/api/systems?{query}")
    assert {s["name"] for s in response.json()} == expected


@pytest.mark.parametrize(
    "query", ["sector=astrology", "tier=critical", "limit=0", "limit=501", "offset=-1"]
)
def test_list_systems_with_an_invalid_filter_answers_422(api_a: Client, query: str) -> None:
    assert api_a.get(f"/api/systems?{query}").status_code == 422


def test_get_system_returns_its_particulars(network: Network, api_a: Client) -> None:
    body = api_a.get(f"/api/systems/{network.system_a.pk}").json()
    assert body["name"] == SYSTEM_A_NAME
    assert body["organisation_id"] == network.enterprise_a.pk
    assert body["components"] == [{"name": "XGBoost", "vendor": "open source"}]
    assert body["tier"] == "low"


@pytest.mark.parametrize("path", ["", "/history", "/intakes"])
def test_other_organisations_system_answers_404_not_403(
    network: Network, api_a: Client, path: str
) -> None:
    response = api_a.get(f"/api/systems/{network.system_b.pk}{path}")
    assert response.status_code == 404
    assert SYSTEM_B_NAME not in response.content.decode()


@pytest.mark.parametrize("system_id", [0, 999_999, 2**63, 10**30])
def test_unknown_system_answers_404(api_a: Client, system_id: int) -> None:
    assert api_a.get(f"/api/systems/{system_id}").status_code == 404


def test_regulator_outside_the_jurisdiction_gets_404(network: Network) -> None:
    client = bearer_client(network.regulator_province_b)
    assert client.get(f"/api/systems/{network.system_a.pk}").status_code == 404


def test_regulator_reads_systems_in_its_jurisdiction(network: Network) -> None:
    client = bearer_client(network.regulator_province_a)
    assert client.get(f"/api/systems/{network.system_a.pk}").json()["name"] == SYSTEM_A_NAME


# Systems: write ------------------------------------------------------------------------------


def test_create_system_registers_it_for_the_organisation(network: Network, api_a: Client) -> None:
    n = network
    payload = {**system_fields(name="  Chatbot  "), "organisation_id": n.enterprise_a.pk}
    response = _post(api_a, "/api/systems", payload)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Chatbot"
    assert body["tier"] is None
    system = AISystem.objects.get(pk=body["id"])
    assert (system.organisation, system.created_by) == (n.enterprise_a, n.applicant_a)
    history = api_a.get(f"/api/systems/{system.pk}/history").json()
    assert [(e["kind"], e["actor"]) for e in history] == [("registered", "applicant_a")]


def test_create_system_for_an_invisible_organisation_answers_404(
    network: Network, api_a: Client
) -> None:
    before = _counts()
    payload = {**system_fields(), "organisation_id": network.enterprise_b.pk}
    assert _post(api_a, "/api/systems", payload).status_code == 404
    assert _counts() == before


def test_create_system_for_a_visible_organisation_without_an_edit_role_answers_403(
    network: Network,
) -> None:
    before = _counts()
    payload = {**system_fields(), "organisation_id": network.enterprise_a.pk}
    response = _post(bearer_client(network.regulator_province_a), "/api/systems", payload)
    assert response.status_code == 403
    assert _counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": 5}, "name"),
        ({"name": None}, "name"),
        ({"name": "   "}, "name"),
        ({"sector": "astrology"}, "sector"),
        ({"lifecycle_stage": 3}, "lifecycle_stage"),
        ({"components": "XGBoost"}, "components"),
        ({"components": [{"name": f"lib{i}"} for i in range(101)]}, "components"),
        ({"markets": ["domestic"] * 21}, "markets"),
        ({"markets": ["moon"]}, "markets"),
        ({"export_destinations": ["x" * 101]}, "export_destinations"),
        ({"export_destinations": ["德国"], "markets": ["domestic"]}, "export_destinations"),
        ({"purpose": "nul \x00"}, "purpose"),
        ({"organisation_id": "A"}, "organisation_id"),
        ({"organisation_id": 2**70}, "organisation_id"),
    ],
    ids=[
        "number-name",
        "null-name",
        "blank-name",
        "unknown-sector",
        "number-stage",
        "string-for-list",
        "101-components",
        "21-markets",
        "unknown-market",
        "long-destination",
        "export-without-foreign-market",
        "nul",
        "string-organisation",
        "huge-organisation",
    ],
)
def test_create_system_with_a_bad_payload_answers_422_naming_the_field(
    network: Network, api_a: Client, changes: dict[str, Any], field: str
) -> None:
    before = _counts()
    payload = {**system_fields(), "organisation_id": network.enterprise_a.pk, **changes}
    response = _post(api_a, "/api/systems", payload)
    assert field in error_fields(response)
    assert _counts() == before


def test_create_system_without_a_name_answers_422(network: Network, api_a: Client) -> None:
    payload = {**system_fields(), "organisation_id": network.enterprise_a.pk}
    del payload["name"]
    assert "name" in error_fields(_post(api_a, "/api/systems", payload))


@pytest.mark.parametrize(
    "body", ["not json", "[]", "null", '{"organisation_id": 1'], ids=["text", "list", "null", "cut"]
)
def test_create_system_with_a_body_that_is_not_an_object_is_refused(
    api_a: Client, body: str
) -> None:
    response = api_a.post("/api/systems", body, content_type="application/json")
    assert response.status_code in {400, 422}


def test_patch_changes_the_given_fields_and_records_the_diff(
    network: Network, api_a: Client
) -> None:
    n = network
    response = _patch(
        api_a,
        f"/api/systems/{n.system_a.pk}",
        {"purpose": "新的用途", "markets": ["domestic", "eu"]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["purpose"] == "新的用途"
    assert response.json()["name"] == SYSTEM_A_NAME
    latest = api_a.get(f"/api/systems/{n.system_a.pk}/history").json()[0]
    assert latest["kind"] == "updated"
    assert latest["actor"] == "applicant_a"
    assert latest["changes"] == {
        "purpose": {"from": n.system_a.purpose, "to": "新的用途"},
        "markets": {"from": ["domestic"], "to": ["domestic", "eu"]},
    }


def test_regulator_patching_a_system_in_its_jurisdiction_gets_403(network: Network) -> None:
    n = network
    before = _counts()
    response = _patch(
        bearer_client(n.regulator_province_a), f"/api/systems/{n.system_a.pk}", {"name": "Seized"}
    )
    assert response.status_code == 403
    assert _counts() == before
    assert AISystem.objects.get(pk=n.system_a.pk).name == SYSTEM_A_NAME


def test_other_organisation_patching_a_system_gets_404(network: Network) -> None:
    n = network
    response = _patch(bearer_client(n.applicant_b), f"/api/systems/{n.system_a.pk}", {"name": "X"})
    assert response.status_code == 404
    assert AISystem.objects.get(pk=n.system_a.pk).name == SYSTEM_A_NAME


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"name": ""}, "name"), ({"sector": "astrology"}, "sector"), ({"markets": "eu"}, "markets")],
)
def test_patch_with_a_bad_payload_answers_422(
    network: Network, api_a: Client, payload: dict[str, Any], field: str
) -> None:
    before = _counts()
    assert field in error_fields(_patch(api_a, f"/api/systems/{network.system_a.pk}", payload))
    assert _counts() == before


# Intakes -------------------------------------------------------------------------------------


def test_submit_intake_returns_the_tier_and_makes_it_current(
    network: Network, api_a: Client
) -> None:
    n = network
    response = _post(api_a, f"/api/systems/{n.system_a.pk}/intakes", {"answers": HIGH_RISK_ANSWERS})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["tier"], body["computed_tier"], body["expert_review_required"]) == (
        "high",
        "high",
        True,
    )
    assert body["submitted_by"] == "applicant_a"
    assert body["overridden"] is False
    assert api_a.get(f"/api/systems/{n.system_a.pk}").json()["tier"] == "high"
    listed = api_a.get(f"/api/systems/{n.system_a.pk}/intakes").json()
    assert [i["id"] for i in listed] == [body["id"], n.intake_a.pk]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"answers": CONTRADICTORY_ANSWERS}, "sensitive_pi"),
        ({"answers": answers(personal_info="yes")}, "personal_info"),
        ({"answers": answers(scale=10**40)}, "scale"),
        ({"answers": answers(unknown_question=True)}, "unknown_question"),
        ({"answers": {f"q{i}": True for i in range(101)}}, "answers"),
        ({"answers": "yes"}, "answers"),
        ({}, "answers"),
        ({"answers": answers(scale="lt_10k\x00")}, "answers"),
    ],
    ids=[
        "contradictory",
        "string-for-boolean",
        "huge-number",
        "unknown-question",
        "101-answers",
        "not-a-mapping",
        "missing",
        "nul",
    ],
)
def test_submit_intake_with_bad_answers_answers_422_and_saves_nothing(
    network: Network, api_a: Client, payload: dict[str, Any], field: str
) -> None:
    before = _counts()
    response = _post(api_a, f"/api/systems/{network.system_a.pk}/intakes", payload)
    assert field in error_fields(response)
    assert _counts() == before


def test_submit_intake_by_a_regulator_answers_403(network: Network) -> None:
    n = network
    before = _counts()
    client = bearer_client(n.regulator_province_a)
    response = _post(client, f"/api/systems/{n.system_a.pk}/intakes", {"answers": answers()})
    assert response.status_code == 403
    assert _counts() == before


def test_submit_intake_for_another_organisations_system_answers_404(
    network: Network, api_a: Client
) -> None:
    response = _post(api_a, f"/api/systems/{network.system_b.pk}/intakes", {"answers": answers()})
    assert response.status_code == 404


def test_override_by_a_regulator_in_the_jurisdiction_is_on_record(network: Network) -> None:
    n = network
    client = bearer_client(n.regulator_province_a)
    url = f"/api/systems/{n.system_a.pk}/intakes/{n.intake_a.pk}/override"
    response = _post(client, url, {"tier": "high", "justification": JUSTIFICATION})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["tier"], body["computed_tier"], body["overridden"]) == ("high", "low", True)
    assert body["override_justification"] == JUSTIFICATION
    assert body["result"]["override"]["by"] == "regulator_province_a"
    history = client.get(f"/api/systems/{n.system_a.pk}/history").json()
    assert history[0]["kind"] == "tier_overridden"
    assert history[0]["changes"]["tier"] == {"from": "low", "to": "high"}


def test_override_by_the_applicant_answers_403(network: Network, api_a: Client) -> None:
    n = network
    url = f"/api/systems/{n.system_a.pk}/intakes/{n.intake_a.pk}/override"
    response = _post(api_a, url, {"tier": "high", "justification": JUSTIFICATION})
    assert response.status_code == 403
    assert Intake.objects.get(pk=n.intake_a.pk).tier == "low"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"tier": "high", "justification": "too short"}, "justification"),
        ({"tier": "critical", "justification": JUSTIFICATION}, "tier"),
        ({"tier": "high"}, "justification"),
        ({"tier": "high", "justification": 42}, "justification"),
    ],
    ids=["short-justification", "unknown-tier", "no-justification", "number-justification"],
)
def test_override_with_a_bad_payload_answers_422(
    network: Network, payload: dict[str, Any], field: str
) -> None:
    n = network
    url = f"/api/systems/{n.system_a.pk}/intakes/{n.intake_a.pk}/override"
    response = _post(bearer_client(n.admin_a), url, payload)
    assert field in error_fields(response)
    assert Intake.objects.get(pk=n.intake_a.pk).tier == "low"


def test_override_of_an_intake_of_another_system_answers_404(network: Network) -> None:
    n = network
    url = f"/api/systems/{n.system_a.pk}/intakes/{n.intake_b.pk}/override"
    response = _post(bearer_client(n.admin_a), url, {"tier": "low", "justification": JUSTIFICATION})
    assert response.status_code == 404
    assert Intake.objects.get(pk=n.intake_b.pk).tier == "high"


def test_override_outside_the_jurisdiction_answers_404(network: Network) -> None:
    n = network
    url = f"/api/systems/{n.system_b.pk}/intakes/{n.intake_b.pk}/override"
    client = bearer_client(n.regulator_province_a)
    response = _post(client, url, {"tier": "low", "justification": JUSTIFICATION})
    assert response.status_code == 404


# Scoring without saving ----------------------------------------------------------------------


def test_score_returns_the_tier_without_saving_anything(network: Network, api_a: Client) -> None:
    before = _counts()
    response = _post(api_a, "/api/intake/score", {"answers": HIGH_RISK_ANSWERS})
    assert response.status_code == 200
    assert response.json()["tier"] == "high"
    assert response.json()["expert_review_required"] is True
    assert _counts() == before


def test_score_of_contradictory_answers_names_the_field(api_a: Client) -> None:
    response = _post(api_a, "/api/intake/score", {"answers": CONTRADICTORY_ANSWERS})
    assert "sensitive_pi" in error_fields(response)


def test_score_errors_follow_the_accept_language(api_a: Client) -> None:
    zh = _post(api_a, "/api/intake/score", {"answers": CONTRADICTORY_ANSWERS}).json()
    en = api_a.post(
        "/api/intake/score",
        json.dumps({"answers": CONTRADICTORY_ANSWERS}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    ).json()
    assert "矛盾" in zh["detail"]["sensitive_pi"][0]
    assert "contradicts" in en["detail"]["sensitive_pi"][0]


def test_questionnaire_lists_every_question_in_both_languages(api_a: Client) -> None:
    body = api_a.get("/api/intake/questionnaire").json()
    assert body["version"]
    ids = [q["id"] for q in body["questions"]]
    assert {"personal_info", "sensitive_pi", "listed_activities"} <= set(ids)
    first = body["questions"][0]
    assert set(first["label"]) == {"zh-Hans", "en"}


# Catalogue -----------------------------------------------------------------------------------


def test_catalogue_has_the_six_principles(catalogue: None, api_a: Client) -> None:
    body = api_a.get("/api/catalogue/principles").json()
    assert [p["number"] for p in body] == [1, 2, 3, 4, 5, 6]
    assert "fairness" in {p["id"] for p in body}


def test_catalogue_has_the_25_articles(catalogue: None, api_a: Client) -> None:
    body = api_a.get("/api/catalogue/articles").json()
    assert [a["number"] for a in body] == list(range(1, 26))


def test_article_13_carries_the_official_chinese_text(catalogue: None, api_a: Client) -> None:
    body = api_a.get("/api/catalogue/articles/13").json()
    assert "避免偏见歧视" in body["text"]["zh-Hans"]
    assert body["title"]["en"] == "Prevent bias and discrimination"
    assert all(item["article"] == 13 for item in body["items"])
    assert body["items"]


@pytest.mark.parametrize("number", [0, 26, 10**6, 10**30])
def test_unknown_article_answers_404(catalogue: None, api_a: Client, number: int) -> None:
    assert api_a.get(f"/api/catalogue/articles/{number}").status_code == 404


def _requirements(client: Client, query: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/catalogue/requirements?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_requirements_filter_by_principle(catalogue: None, api_a: Client) -> None:
    items = _requirements(api_a, "principle=fairness")
    assert items
    assert all("fairness" in i["principles"] for i in items)
    assert len(items) < len(_requirements(api_a, ""))


def test_requirements_filter_by_stage_and_tier(catalogue: None, api_a: Client) -> None:
    items = _requirements(api_a, "stage=design&tier=low")
    assert items
    assert all(i["stage"] == "design" and "low" in i["tiers"] for i in items)


def test_requirements_search_chinese_text(catalogue: None, api_a: Client) -> None:
    items = _requirements(api_a, "q=偏见")
    assert items
    assert any("偏见" in i["question"]["zh-Hans"] for i in items)
    assert any(i["article"] == 13 for i in items)


def test_requirements_search_english_text(catalogue: None, api_a: Client) -> None:
    items = _requirements(api_a, "q=bias")
    assert items
    assert any("bias" in i["question"]["en"].lower() for i in items)


def test_requirements_search_without_a_match_is_empty(catalogue: None, api_a: Client) -> None:
    assert _requirements(api_a, "q=xyzzy-nothing") == []


@pytest.mark.parametrize(
    "query", ["stage=someday", "tier=critical", "article=26", "q=" + "x" * 101]
)
def test_requirements_with_an_invalid_filter_answer_422(
    catalogue: None, api_a: Client, query: str
) -> None:
    assert api_a.get(f"/api/catalogue/requirements?{query}").status_code == 422


def test_listed_activities_are_the_expert_re_review_list(catalogue: None, api_a: Client) -> None:
    body = api_a.get("/api/catalogue/listed-activities").json()
    assert {a["id"] for a in body} == {
        "human_machine_integration",
        "public_opinion_mobilisation",
        "autonomous_decision_safety",
    }


def test_openapi_schema_describes_the_bearer_auth(db: None) -> None:
    schema = Client().get("/api/openapi.json").json()
    assert "/api/systems" in schema["paths"]
    assert any(
        s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values()
    )


@pytest.mark.parametrize(
    "path", ["/api/systems/abc", "/api/systems/1/nothing", "/api/systems/", "/api/nowhere"]
)
def test_unknown_api_paths_answer_a_json_404(db: None, path: str) -> None:
    for client in (Client(), Client(headers={"Authorization": "Bearer tp_x"})):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json() == {"detail": response.json()["detail"]}


@pytest.mark.parametrize(
    "url",
    [
        "/api/systems?q=a%00b",
        "/api/catalogue/requirements?q=%00",
        "/api/catalogue/requirements?principle=fair%00ness",
    ],
)
def test_query_parameters_with_nul_characters_are_refused(
    catalogue: None, api_a: Client, url: str
) -> None:
    assert api_a.get(url).status_code == 422


def test_a_request_body_over_the_limit_answers_413_in_json(network: Network, api_a: Client) -> None:
    before = AISystem.objects.count()
    body = json.dumps({**system_fields(), "purpose": "x" * (3 * 1024 * 1024)})
    response = api_a.post("/api/systems", body, content_type="application/json")
    assert response.status_code == 413
    assert isinstance(response.json()["detail"], str)
    assert AISystem.objects.count() == before


# The OpenAPI document ------------------------------------------------------------------------


def _schema_classes(model: Any, seen: set[type]) -> None:
    """Every pydantic model reachable from ``model`` (an annotation), into ``seen``."""
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(model, type) and issubclass(model, BaseModel):
        if model in seen:
            return
        seen.add(model)
        for info in model.model_fields.values():
            _schema_classes(info.annotation, seen)
        return
    for arg in get_args(model):
        _schema_classes(arg, seen)


def _api_schema_classes() -> set[type]:
    """The schemas of the project that the API's operations take or answer with."""
    from tianping.web.api import api

    seen: set[type] = set()
    routers = [router for _prefix, router in api._routers]
    while routers:
        router = routers.pop()
        routers.extend(entry[1] for entry in router._routers)
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    _schema_classes(model, seen)
                for model in operation.response_models.values():
                    _schema_classes(model, seen)
    return {c for c in seen if c.__module__.startswith("tianping.")}


def test_no_two_api_schemas_of_one_name_differ() -> None:
    """The OpenAPI document names its components by class name: one name, one shape.

    Two differently-shaped schemas of one name would overwrite each other in
    ``/api/openapi.json``, and operations would then publish the wrong shape.
    """
    classes = _api_schema_classes()
    assert len(classes) > 50, "the walk over the API's operations found too few schemas"
    shapes: dict[str, set[str]] = {}
    for cls in classes:
        shape = json.dumps(cls.model_json_schema(), sort_keys=True)
        shapes.setdefault(cls.__name__, set()).add(shape)
    clashes = sorted(name for name, found in shapes.items() if len(found) > 1)
    assert not clashes, f"differently-shaped API schemas share a name: {clashes}"


def test_the_openapi_document_publishes_each_schema_under_its_own_name() -> None:
    components = Client().get("/api/openapi.json").json()["components"]["schemas"]
    names = {cls.__name__ for cls in _api_schema_classes()}
    assert names <= set(components)
    assert "bundle" in components["ReviewApplicationOut"]["properties"]
    assert "follow_up_due" in components["AftercareApplicationOut"]["properties"]


def test_a_line_break_in_an_api_path_gets_the_json_404(api_a: Client) -> None:
    """Django's path converters stop at line breaks, so no API route matches such a path."""
    for method in ("get", "post", "delete"):
        response = getattr(api_a, method)("/api/reviews/bodies/1%0A2/meetings")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()
