"""Services of ``tianping.web.accounts``: organisations, memberships, API tokens."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError

from tests.web.factories import Network, make_user
from tianping.web.accounts.models import ApiToken, Membership, Organisation, OrganisationKind, Role
from tianping.web.accounts.selectors import has_jurisdiction, visible_organisations
from tianping.web.accounts.services import (
    TOKEN_PREFIX,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    membership_grant,
    organisation_create,
    organisation_rebuild_path,
)
from tianping.web.systems.selectors import systems_visible_to

pytestmark = pytest.mark.django_db


def _paths(*orgs: Organisation) -> list[str]:
    return [Organisation.objects.get(pk=o.pk).path for o in orgs]


# Organisations -------------------------------------------------------------------------------


def test_organisation_path_lists_the_ids_from_the_root(network: Network) -> None:
    n = network
    expected = f"/{n.central.pk}/{n.province_a.pk}/{n.city_a.pk}/{n.enterprise_a.pk}/"
    assert n.enterprise_a.path == expected
    assert n.committee_a.path == f"{expected}{n.committee_a.pk}/"


def test_organisation_create_rejects_an_unknown_kind_and_saves_nothing() -> None:
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as caught:
        organisation_create(name="Nowhere", kind="pirate_ship")
    assert "kind" in caught.value.message_dict
    assert Organisation.objects.count() == before


def test_organisation_create_rejects_nul_characters_and_saves_nothing() -> None:
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as caught:
        organisation_create(name="bad\x00name", kind=OrganisationKind.ENTERPRISE)
    assert "name" in caught.value.message_dict
    assert Organisation.objects.count() == before


def test_membership_grant_twice_keeps_one_membership(network: Network) -> None:
    n = network
    membership_grant(user=n.applicant_a, organisation=n.enterprise_a, role=Role.APPLICANT)
    assert (
        Membership.objects.filter(
            user=n.applicant_a, organisation=n.enterprise_a, role=Role.APPLICANT
        ).count()
        == 1
    )


def test_regulator_sees_its_whole_jurisdiction_and_nothing_beside_it(network: Network) -> None:
    n = network
    visible = set(visible_organisations(n.regulator_province_a))
    assert {n.province_a, n.city_a, n.enterprise_a, n.committee_a} <= visible
    assert not visible & {n.central, n.province_b, n.city_b, n.enterprise_b}


def test_committee_member_sees_the_unit_it_serves(network: Network) -> None:
    n = network
    assert set(visible_organisations(n.chair_a)) == {n.committee_a, n.enterprise_a}


def test_user_without_membership_sees_no_organisation(network: Network) -> None:
    assert not visible_organisations(network.outsider).exists()


def test_rebuild_path_moves_a_subtree_to_another_jurisdiction(network: Network) -> None:
    n = network
    n.city_a.parent = n.province_b
    organisation_rebuild_path(organisation=n.city_a)

    city, enterprise, committee = (
        Organisation.objects.get(pk=o.pk) for o in (n.city_a, n.enterprise_a, n.committee_a)
    )
    assert city.parent_id == n.province_b.pk
    assert city.path == f"{n.province_b.path}{city.pk}/"
    assert enterprise.path == f"{city.path}{enterprise.pk}/"
    assert committee.path == f"{enterprise.path}{committee.pk}/"
    assert has_jurisdiction(n.regulator_province_b, enterprise)
    assert not has_jurisdiction(n.regulator_province_a, enterprise)
    assert list(systems_visible_to(n.regulator_province_b).filter(pk=n.system_a.pk))
    assert not systems_visible_to(n.regulator_province_a).filter(pk=n.system_a.pk).exists()


def test_rebuild_path_refuses_to_move_an_organisation_under_its_own_descendant(
    network: Network,
) -> None:
    n = network
    subtree = (n.province_a, n.city_a, n.enterprise_a, n.committee_a)
    before = _paths(*subtree)
    n.province_a.parent = n.enterprise_a
    with pytest.raises(ValidationError) as caught:
        organisation_rebuild_path(organisation=n.province_a)
    assert "parent" in caught.value.message_dict
    assert _paths(*subtree) == before
    assert Organisation.objects.get(pk=n.province_a.pk).parent_id == n.central.pk


def test_rebuild_path_refuses_an_organisation_as_its_own_parent(network: Network) -> None:
    n = network
    n.city_a.parent = n.city_a
    with pytest.raises(ValidationError):
        organisation_rebuild_path(organisation=n.city_a)
    assert Organisation.objects.get(pk=n.city_a.pk).parent_id == n.province_a.pk


# API tokens ----------------------------------------------------------------------------------


def test_api_token_create_returns_the_raw_token_once_and_stores_only_its_digest() -> None:
    user = make_user("token_owner")
    token, raw = api_token_create(user=user, name="  CI pipeline  ")

    assert raw.startswith(TOKEN_PREFIX)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.name == "CI pipeline"
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert stored.prefix == raw[:10]
    stored_values = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert raw not in stored_values


def test_api_token_authenticates_its_user_and_records_the_use() -> None:
    user = make_user("token_owner")
    token, raw = api_token_create(user=user, name="laptop")
    assert token.last_used_at is None

    assert api_token_authenticate(raw) == user
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.parametrize(
    "raw",
    ["", "tp_", "tp_not-a-token", "not-a-prefix", "tp_" + "x" * 300, "tp_\x00"],
    ids=["empty", "prefix-only", "unknown", "no-prefix", "too-long", "nul"],
)
def test_api_token_authenticate_refuses_unknown_tokens(raw: str) -> None:
    make_user("token_owner")
    assert api_token_authenticate(raw) is None


def test_api_token_of_an_inactive_user_does_not_authenticate() -> None:
    user = make_user("token_owner")
    _token, raw = api_token_create(user=user, name="laptop")
    user.is_active = False
    user.save()
    assert api_token_authenticate(raw) is None


def test_revoked_api_token_no_longer_authenticates() -> None:
    user = make_user("token_owner")
    token, raw = api_token_create(user=user, name="laptop")

    api_token_revoke(user=user, token_id=token.pk)

    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert api_token_authenticate(raw) is None


def test_api_token_cannot_be_revoked_by_another_user() -> None:
    owner, other = make_user("token_owner"), make_user("someone_else")
    token, raw = api_token_create(user=owner, name="laptop")

    with pytest.raises(ValidationError):
        api_token_revoke(user=other, token_id=token.pk)

    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert api_token_authenticate(raw) == owner


def test_api_token_cannot_be_revoked_twice() -> None:
    user = make_user("token_owner")
    token, _raw = api_token_create(user=user, name="laptop")
    api_token_revoke(user=user, token_id=token.pk)
    with pytest.raises(ValidationError):
        api_token_revoke(user=user, token_id=token.pk)


@pytest.mark.parametrize("name", ["", "   ", "bad\x00name"], ids=["empty", "blank", "nul"])
def test_api_token_create_refuses_a_missing_or_invalid_name(name: str) -> None:
    user = make_user("token_owner")
    with pytest.raises(ValidationError) as caught:
        api_token_create(user=user, name=name)
    assert "name" in caught.value.message_dict
    assert not ApiToken.objects.exists()
