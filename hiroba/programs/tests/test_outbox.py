"""The message outbox: queued with the entry, delivered once, retried after a failure."""

import pytest
from django.core import mail
from django.db import transaction

from hiroba.core.tests.factories import HubFactory
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import emails, notify, outbox, services
from hiroba.programs.models import Entry, Message
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db


def _entry():
    hub = HubFactory()
    prog = program(hub)
    household = family(hub, caregiver(email="hana@example.jp"), child())
    return services.apply(prog, household, caregivers_and_children(household))


def test_a_sign_up_queues_its_message_in_the_same_transaction():
    entry = _entry()
    assert list(Message.objects.values_list("entry_id", "kind", "sent_at")) == [
        (entry.pk, notify.ENTRY_RECEIVED, None)
    ]


def test_a_rolled_back_sign_up_leaves_no_message():
    hub = HubFactory()
    prog = program(hub)
    household = family(hub, caregiver(email="hana@example.jp"), child())
    with pytest.raises(RuntimeError), transaction.atomic():
        services.apply(prog, household, caregivers_and_children(household))
        raise RuntimeError
    assert not Entry.objects.exists()
    assert not Message.objects.exists()


def test_sent_right_after_commit_when_configured(django_capture_on_commit_callbacks, settings):
    settings.HIROBA_SEND_MESSAGES_AT_ONCE = True
    with django_capture_on_commit_callbacks(execute=True):
        _entry()
    assert len(mail.outbox) == 1
    assert Message.objects.get().sent_at is not None


def test_left_for_the_tick_when_not(django_capture_on_commit_callbacks, settings):
    settings.HIROBA_SEND_MESSAGES_AT_ONCE = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _entry()
    assert callbacks == [] and mail.outbox == []
    assert outbox.deliver_pending() == 1
    assert len(mail.outbox) == 1


def test_a_message_is_delivered_once():
    _entry()
    message = Message.objects.get()
    assert outbox.deliver(message.pk) is True
    assert outbox.deliver(message.pk) is False
    assert outbox.deliver_pending() == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_is_retried_then_given_up(monkeypatch):
    _entry()
    message = Message.objects.get()

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(emails, "send", broken)
    for _attempt in range(outbox.MAX_ATTEMPTS):
        assert outbox.deliver_pending() == 0
    message.refresh_from_db()
    assert message.attempts == outbox.MAX_ATTEMPTS
    assert outbox.pending() == []  # given up: logged, not retried for ever


def test_muted_queues_nothing():
    with notify.muted():
        _entry()
    assert not Message.objects.exists()
