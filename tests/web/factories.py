"""Factories of the web tests: a small jurisdiction network built with the real services.

The network (``network`` fixture)::

    central regulator ............................ regulator_central
    ├── province A ............................... regulator_province_a
    │   └── city A
    │       └── enterprise A ..................... applicant_a, admin_a
    │           ├── ethics committee of A ........ chair_a
    │           └── system A (with a low-tier intake)
    └── province B ............................... regulator_province_b
        └── city B
            └── enterprise B ..................... applicant_b
                └── system B (with a high-tier intake)

plus ``outsider``, a user with no membership at all. Everything is made through
the services (``organisation_create``, ``membership_grant``, ``system_register``,
``intake_submit``), so the fixtures exercise the same code paths as the platform.
Factories (``make_user``, ``make_system``, ``system_fields``) build anything else.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from tianping.web.accounts.models import Organisation, OrganisationKind, Role
from tianping.web.accounts.services import api_token_create, membership_grant, organisation_create
from tianping.web.systems.models import AISystem, Intake
from tianping.web.systems.services import intake_submit, system_register

PASSWORD = "correct-horse-天平-2026"
SYSTEM_A_NAME = "Alpha credit scorer 甲企业信贷评分"
SYSTEM_B_NAME = "Beta resume screener 乙企业简历初筛"

LOW_RISK_ANSWERS: dict[str, Any] = {
    "personal_info": False,
    "affects_rights": False,
    "automated_decisions": ["none"],
    "public_facing": False,
    "generative": False,
    "third_party_components": True,
    "exported": False,
    "listed_activities": ["none"],
    "scale": "lt_10k",
    "mitigations": ["monitoring"],
}
"""Valid answers that score ``low``."""

HIGH_RISK_ANSWERS: dict[str, Any] = {
    "personal_info": True,
    "sensitive_pi": True,
    "minors": False,
    "affects_rights": True,
    "automated_decisions": ["hiring"],
    "public_facing": True,
    "generative": True,
    "third_party_components": True,
    "exported": False,
    "listed_activities": ["public_opinion_mobilisation"],
    "scale": "gt_1m",
    "mitigations": ["human_review"],
}
"""Valid answers that score ``high`` with expert re-review (a listed activity)."""

CONTRADICTORY_ANSWERS: dict[str, Any] = {**LOW_RISK_ANSWERS, "sensitive_pi": True}
"""Sensitive personal information although no personal information is processed."""

JUSTIFICATION = "Pilot at one hospital site only; the committee treats it as medium risk."
"""A justification long enough for a tier override (at least 20 characters)."""


def answers(base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """A fresh copy of ``base`` (default: the low-risk answers) with ``changes``."""
    return {**copy.deepcopy(base if base is not None else LOW_RISK_ANSWERS), **changes}


def system_fields(**overrides: Any) -> dict[str, Any]:
    """Valid particulars of an AI system, for the service or the API."""
    fields: dict[str, Any] = {
        "name": "Test system 测试系统",
        "purpose": "Scores consumer loan applications 为个人贷款申请评分。",
        "owner": "Risk department 风险管理部",
        "sector": "finance",
        "lifecycle_stage": "operate",
        "deployment_context": "Mobile banking app",
        "model_version": "1.0",
        "components": [{"name": "XGBoost", "vendor": "open source"}],
        "datasets": [{"name": "Loan records 2019–2025", "source": "own data"}],
        "people_affected": "Loan applicants",
        "markets": ["domestic"],
        "export_destinations": [],
    }
    fields.update(overrides)
    return fields


def make_user(
    username: str,
    *,
    organisation: Organisation | None = None,
    role: str | None = None,
    **extra: Any,
) -> AbstractBaseUser:
    """A user with ``PASSWORD``, optionally granted ``role`` in ``organisation``."""
    user = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        email=extra.pop("email", f"{username}@example.invalid"),
        **extra,
    )
    if organisation is not None:
        membership_grant(user=user, organisation=organisation, role=role or Role.APPLICANT)
    return user


def make_system(
    *, actor: AbstractBaseUser, organisation: Organisation, **overrides: Any
) -> AISystem:
    """Register a system through the service."""
    return system_register(actor=actor, organisation=organisation, **system_fields(**overrides))


@dataclass(frozen=True)
class Network:
    """The organisations, users, systems and intakes of the ``network`` fixture."""

    central: Organisation
    province_a: Organisation
    city_a: Organisation
    enterprise_a: Organisation
    committee_a: Organisation
    province_b: Organisation
    city_b: Organisation
    enterprise_b: Organisation

    applicant_a: AbstractBaseUser
    admin_a: AbstractBaseUser
    chair_a: AbstractBaseUser
    applicant_b: AbstractBaseUser
    regulator_province_a: AbstractBaseUser
    regulator_province_b: AbstractBaseUser
    regulator_central: AbstractBaseUser
    outsider: AbstractBaseUser

    system_a: AISystem
    intake_a: Intake
    system_b: AISystem
    intake_b: Intake


def build_network() -> Network:
    """Create the network described in this module's docstring."""
    k = OrganisationKind
    central = organisation_create(
        name="国家人工智能伦理办公室", name_en="Central office", kind=k.CENTRAL_REGULATOR
    )
    province_a = organisation_create(
        name="甲省科技伦理监管处", kind=k.PROVINCIAL_REGULATOR, parent=central, region_code="310000"
    )
    city_a = organisation_create(
        name="甲市科技伦理监管科", kind=k.MUNICIPAL_REGULATOR, parent=province_a
    )
    enterprise_a = organisation_create(
        name="甲企业有限公司", name_en="Enterprise A", kind=k.ENTERPRISE, parent=city_a
    )
    committee_a = organisation_create(
        name="甲企业科技伦理委员会", kind=k.ETHICS_COMMITTEE, parent=enterprise_a
    )
    province_b = organisation_create(
        name="乙省科技伦理监管处", kind=k.PROVINCIAL_REGULATOR, parent=central, region_code="440000"
    )
    city_b = organisation_create(
        name="乙市科技伦理监管科", kind=k.MUNICIPAL_REGULATOR, parent=province_b
    )
    enterprise_b = organisation_create(
        name="乙企业有限公司", name_en="Enterprise B", kind=k.ENTERPRISE, parent=city_b
    )

    applicant_a = make_user("applicant_a", organisation=enterprise_a, role=Role.APPLICANT)
    admin_a = make_user("admin_a", organisation=enterprise_a, role=Role.ADMIN)
    chair_a = make_user("chair_a", organisation=committee_a, role=Role.CHAIR)
    applicant_b = make_user("applicant_b", organisation=enterprise_b, role=Role.APPLICANT)
    regulator_province_a = make_user(
        "regulator_province_a", organisation=province_a, role=Role.REGULATOR
    )
    regulator_province_b = make_user(
        "regulator_province_b", organisation=province_b, role=Role.REGULATOR
    )
    regulator_central = make_user("regulator_central", organisation=central, role=Role.REGULATOR)
    outsider = make_user("outsider")

    system_a = make_system(actor=applicant_a, organisation=enterprise_a, name=SYSTEM_A_NAME)
    intake_a = intake_submit(actor=applicant_a, system=system_a, answers=answers())
    system_b = make_system(
        actor=applicant_b,
        organisation=enterprise_b,
        name=SYSTEM_B_NAME,
        sector="employment",
        lifecycle_stage="test",
    )
    intake_b = intake_submit(actor=applicant_b, system=system_b, answers=HIGH_RISK_ANSWERS)
    system_a.refresh_from_db()
    system_b.refresh_from_db()
    return Network(
        central=central,
        province_a=province_a,
        city_a=city_a,
        enterprise_a=enterprise_a,
        committee_a=committee_a,
        province_b=province_b,
        city_b=city_b,
        enterprise_b=enterprise_b,
        applicant_a=applicant_a,
        admin_a=admin_a,
        chair_a=chair_a,
        applicant_b=applicant_b,
        regulator_province_a=regulator_province_a,
        regulator_province_b=regulator_province_b,
        regulator_central=regulator_central,
        outsider=outsider,
        system_a=system_a,
        intake_a=intake_a,
        system_b=system_b,
        intake_b=intake_b,
    )


def bearer_client(user: AbstractBaseUser) -> Client:
    """A test client that sends a fresh API token of ``user`` as a bearer token."""
    _token, raw = api_token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def logged_in_client(user: AbstractBaseUser) -> Client:
    """A test client with a session of ``user``."""
    client = Client()
    client.force_login(user)
    return client
