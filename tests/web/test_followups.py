"""Registration scope, list pagination and the admin's jurisdiction-tree guard."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.web.factories import Network, logged_in_client, make_user, system_fields
from tianping.web.accounts.admin import OrganisationAdminForm
from tianping.web.accounts.models import Role
from tianping.web.accounts.services import membership_grant
from tianping.web.systems.models import AISystem
from tianping.web.systems.services import system_register


def test_a_regulator_cannot_register_a_system_of_its_own(network: Network) -> None:
    clerk = make_user("clerk")
    membership_grant(user=clerk, organisation=network.province_a, role=Role.ADMIN)
    before = AISystem.objects.count()
    with pytest.raises(ValidationError) as info:
        system_register(actor=clerk, organisation=network.province_a, **system_fields())
    assert "organisation" in info.value.message_dict
    assert AISystem.objects.count() == before


def test_list_pagination_keeps_the_filters(network: Network) -> None:
    for n in range(30):
        system_register(
            actor=network.applicant_a,
            organisation=network.enterprise_a,
            **system_fields(name=f"批量系统 {n:02d}", sector="healthcare"),
        )
    client: Client = logged_in_client(network.applicant_a)
    page = client.get("/systems/?sector=healthcare&q=批量").content.decode()
    assert "sector=healthcare" in page and "page=2" in page
    second = client.get("/systems/?sector=healthcare&q=%E6%89%B9%E9%87%8F&page=2").content.decode()
    assert "批量系统" in second


def test_admin_refuses_to_move_an_organisation_under_its_own_descendant(network: Network) -> None:
    form = OrganisationAdminForm(
        instance=network.province_a,
        data={
            "name": network.province_a.name,
            "kind": network.province_a.kind,
            "parent": network.city_a.pk,
        },
    )
    assert not form.is_valid()
    assert "parent" in form.errors
