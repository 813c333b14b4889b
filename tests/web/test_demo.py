"""The demo data of ``make demo``: a complete three-tier network, seeded once."""

from __future__ import annotations

import os
import stat
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tianping.web.accounts.models import Membership, Organisation, OrganisationKind, Role
from tianping.web.demo import demo_seed
from tianping.web.systems.models import AISystem, Intake, SystemEvent
from tianping.web.systems.selectors import systems_visible_to
from tianping.web.transparency.models import DocumentVersion

pytestmark = pytest.mark.django_db

K = OrganisationKind


@pytest.fixture
def demo() -> dict[str, Any]:
    return demo_seed()


def _counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
        "systems": AISystem.objects.count(),
        "intakes": Intake.objects.count(),
        "events": SystemEvent.objects.count(),
        "transparency_documents": DocumentVersion.objects.count(),
    }


def test_demo_has_at_least_8_systems_with_intakes_across_6_sectors(demo: dict[str, Any]) -> None:
    systems = AISystem.objects.all()
    assert demo["systems"] == systems.count() >= 8
    assert all(s.latest_intake is not None for s in systems)
    assert len({s.sector for s in systems}) >= 6
    assert {s.latest_intake.tier for s in systems} == {"low", "medium", "high"}


def test_demo_has_the_three_tier_network(demo: dict[str, Any]) -> None:
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds[K.CENTRAL_REGULATOR] == 1
    assert kinds[K.PROVINCIAL_REGULATOR] == 2
    assert kinds[K.MUNICIPAL_REGULATOR] >= 2
    assert kinds[K.REVIEW_CENTRE] >= 1
    assert kinds[K.ENTERPRISE] == 3
    assert kinds[K.UNIVERSITY] == 1
    central = Organisation.objects.get(kind=K.CENTRAL_REGULATOR)
    for province in Organisation.objects.filter(kind=K.PROVINCIAL_REGULATOR):
        assert province.parent == central
        assert province.children.filter(kind=K.MUNICIPAL_REGULATOR).exists()
    for enterprise in Organisation.objects.filter(kind__in=[K.ENTERPRISE, K.UNIVERSITY]):
        assert enterprise.parent.kind == K.MUNICIPAL_REGULATOR


def test_demo_paths_match_the_parents(demo: dict[str, Any]) -> None:
    for org in Organisation.objects.select_related("parent"):
        parent_path = org.parent.path if org.parent else "/"
        assert org.path == f"{parent_path}{org.pk}/", org.name


def test_demo_has_one_user_for_every_role(demo: dict[str, Any]) -> None:
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_demo_provincial_regulator_sees_only_its_province(demo: dict[str, Any]) -> None:
    regulator = get_user_model().objects.get(username="regulator_sh")
    visible = systems_visible_to(regulator)
    province = Organisation.objects.get(memberships__user=regulator)
    assert visible.exists()
    assert all(s.organisation.path.startswith(province.path) for s in visible)
    assert visible.count() < AISystem.objects.count()


def test_demo_seed_twice_creates_nothing_new(demo: dict[str, Any]) -> None:
    before = _counts()
    # One system's published user notice and a draft model card.
    assert set(DocumentVersion.objects.values_list("kind", "state")) == {
        ("user-notice", "published"),
        ("model-card", "draft"),
    }
    again = demo_seed()
    assert _counts() == before
    assert again["password"] == demo["password"]
    assert again["accounts"] == demo["accounts"]


def test_every_demo_account_logs_in_with_the_returned_password(demo: dict[str, Any]) -> None:
    assert len(demo["accounts"]) == get_user_model().objects.count()
    for account in demo["accounts"]:
        assert Client().login(username=account["username"], password=demo["password"]), account


def test_demo_applicant_logs_in_through_the_form_and_sees_its_systems(
    demo: dict[str, Any],
) -> None:
    client = Client()
    response = client.post(
        reverse("login"), {"username": "applicant", "password": demo["password"]}, follow=True
    )
    assert response.context["user"].username == "applicant"
    assert "智能信贷评分 XH-Credit" in response.content.decode()


def test_demo_credentials_file_is_private(demo: dict[str, Any]) -> None:
    mode = stat.S_IMODE(os.stat(demo["credentials_file"]).st_mode)
    assert mode == 0o600


def test_demo_reviews_use_a_procedure_the_systems_tier_allows(demo: dict[str, Any]) -> None:
    """The simplified procedure only where the tiering gives the fast track (minimal risk);
    the exported visual inspection (medium, no fast track) is reviewed at a meeting."""
    from tianping.web.reviews.models import Application

    reviewed = Application.objects.exclude(procedure="").select_related("system__latest_intake")
    assert reviewed.exists()
    for app in reviewed:
        intake = app.system.latest_intake
        obligations = [o["id"] for o in (intake.result or {}).get("obligations", [])]
        if app.procedure == "simplified":
            assert intake.tier == "low" and "review.fast_track" in obligations, app.title
    inspection = reviewed.get(system__name="PCB 视觉质检")
    assert inspection.system.latest_intake.tier == "medium"
    assert inspection.procedure == "general" and inspection.procedure_ground == ""
    assert inspection.status == Application.Status.UNDER_REVIEW
    assert inspection.agenda_items.filter(closed_at__isnull=True).exists()
    assert "最低风险" not in inspection.summary


def test_demo_vendors_have_a_high_risk_supplier_and_an_uncertified_component(
    demo: dict[str, Any],
) -> None:
    from tianping.web.vendors.selectors import components_for, supplier_risk_for

    exported = AISystem.objects.get(name="多语种智能客服 YunChat")
    assert sorted(level for _name, level in supplier_risk_for(exported)) == ["high", "low"]
    components = list(components_for(exported))
    assert [c for c in components if c.component_type != "service" and not c.certificate_id]
