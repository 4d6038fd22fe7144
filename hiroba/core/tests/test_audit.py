import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory

from hiroba.accounts.tests.factories import UserFactory
from hiroba.core import audit, request_context
from hiroba.core.append_only import purge_allowed
from hiroba.core.models import AuditLog
from hiroba.core.models.audit import AuditLogImmutableError
from hiroba.core.tests.factories import (
    DistrictFactory,
    HubFactory,
    OrganizationFactory,
    VenueFactory,
    WardFactory,
)


@pytest.fixture
def entry(db):
    hub = HubFactory()
    return audit.record(
        "core.hub.updated", actor=UserFactory(), obj=hub, payload={"fields": ["name"]}
    )


def test_it_records_actor_hub_ward_and_object(db):
    user = UserFactory(email="manager@example.jp")
    venue = VenueFactory()
    row = audit.record("core.venue.created", actor=user, obj=venue)
    assert row.actor == user
    assert row.actor_label == "manager@example.jp"
    assert row.hub == venue.hub
    assert row.ward == venue.hub.ward
    assert (row.object_type, row.object_id, row.object_repr) == (
        "core.venue",
        str(venue.pk),
        venue.name,
    )


def test_a_hub_is_its_own_hub(db):
    hub = HubFactory()
    assert audit.record("core.hub.updated", actor=None, obj=hub).hub == hub


def test_it_takes_ip_request_id_and_path_from_the_request(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/staff/venues/?q=secret", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    token = request_context.bind(request)
    try:
        row = audit.record("core.hub.updated", actor=None, obj=HubFactory())
    finally:
        request_context.unbind(token)
    assert row.ip_address == "203.0.113.7"
    assert row.request_id == request.request_id and len(row.request_id) == 16
    assert row.path == "/staff/venues/"  # never the query string, which may hold names


def test_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert request_context.client_ip(request) == "10.0.0.1"


def test_unknown_action_codes_are_refused(db):
    with pytest.raises(ValueError, match="Unregistered audit action"):
        audit.record("core.hub.exploded", actor=None)


def test_action_codes_must_be_dotted():
    with pytest.raises(ValueError):
        audit.register_actions({"Bad Code": "x"})


def test_payloads_stay_small(db):
    with pytest.raises(ValueError, match="larger than"):
        audit.record("core.hub.updated", actor=None, payload={"blob": "x" * 5000})


def test_rows_cannot_be_changed_through_the_orm(entry):
    entry.action = "core.hub.created"
    with pytest.raises(AuditLogImmutableError):
        entry.save()
    with pytest.raises(AuditLogImmutableError):
        entry.delete()
    with pytest.raises(AuditLogImmutableError):
        AuditLog.objects.filter(pk=entry.pk).update(action="core.hub.created")
    with pytest.raises(AuditLogImmutableError):
        AuditLog.objects.all().delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditlog SET action = 'core.hub.created'",
        "DELETE FROM core_auditlog",
    ],
)
def test_the_database_refuses_changes_made_with_raw_sql(entry, statement):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditLog.objects.get(pk=entry.pk).action == "core.hub.updated"


def test_views_of_sensitive_records_name_field_groups_not_values(db, monkeypatch):
    monkeypatch.setitem(audit._ACTIONS, "core.venue.viewed", "Venue viewed")
    venue = VenueFactory(address="横浜市はなみずき区さくら台1-2-3")
    row = audit.record_view(venue, actor=UserFactory(), fields=("contact",))
    assert row.action == "core.venue.viewed"
    assert row.payload == {"fields": ["contact"]}
    assert "さくら台" not in str(row.payload)


def test_every_registered_action_has_a_label():
    for code, label in audit.registered_actions().items():
        assert str(label) and str(label) != code


@pytest.mark.django_db(transaction=True)
def test_purge_mode_lets_the_retention_purge_and_flush_delete():
    hub = HubFactory()
    audit.record("core.hub.updated", actor=None, obj=hub)
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog")
    with purge_allowed(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog")
    assert not AuditLog.objects.exists()
    with pytest.raises(DatabaseError), connection.cursor() as cursor:  # and off again
        audit.record("core.hub.updated", actor=None, obj=hub)
        cursor.execute("DELETE FROM core_auditlog")
    with pytest.raises(DatabaseError), purge_allowed(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET action = 'x'")  # updates never


def test_rows_know_their_ward_and_city_even_without_a_hub(db):
    ward = WardFactory()
    for obj in (ward, DistrictFactory(ward=ward)):
        row = audit.record("core.ward.updated", actor=None, obj=obj)
        assert (row.hub, row.ward, row.municipality) == (None, ward, ward.municipality)
    organisation = OrganizationFactory()
    row = audit.record("core.organization.created", actor=None, obj=organisation)
    assert (row.ward, row.municipality) == (None, organisation.municipality)


@pytest.mark.parametrize(
    ("proxies", "header", "kept"),
    [(1, "abc-123", True), (0, "abc-123", False), (1, "<script>", False), (1, "x" * 40, False)],
)
def test_request_ids_come_only_from_our_own_proxy(settings, proxies, header, kept):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID=header)
    token = request_context.bind(request)
    request_context.unbind(token)
    assert (request.request_id == header) is kept
