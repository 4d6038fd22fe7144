"""Parents sign in with a link sent by e-mail: no passwords, no way to find out who is
registered, links that expire, cannot be forged and work once, and a rate limit."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse

from hiroba.core.tests.factories import HubFactory
from hiroba.families.choices import HouseholdStatus
from hiroba.families.models import Household
from hiroba.portal import sign_in
from hiroba.portal.parents import SESSION_HOUSEHOLD, SESSION_MEMBER

from .conftest import make_family, parent_of

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://[^/\s]+(/my/sign-in/[^/\s]+/)(\?\S*)?")


@pytest.fixture
def hub():
    return HubFactory()


def _ask(client, address, **extra):
    return client.post(reverse("portal:sign-in"), {"email": address, **extra})


def _link(message) -> str:
    found = LINK.search(message.body)
    return found.group(1) + (found.group(2) or "")


def test_the_answer_is_the_same_for_a_registered_and_an_unknown_address(client, hub, english):
    make_family(hub, "hana", "hana@example.jp")
    known = _ask(client, "hana@example.jp")
    unknown = _ask(client, "nobody@example.jp")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("portal:sign-in-sent")
    page = client.get(known.url).content.decode()
    assert "If this address is registered, we have sent you a link." in page
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hana@example.jp"]


def test_the_link_is_sent_after_the_answer_so_both_answers_take_as_long(rf, hub, english):
    """The e-mail (a mail server may take seconds) goes out when the server closes the
    response, after the browser has its answer: no timing tells a registered address."""
    from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415

    from hiroba.portal import sign_in_views  # noqa: PLC0415

    make_family(hub, "hana", "hana@example.jp")
    request = rf.post(reverse("portal:sign-in"), {"email": "hana@example.jp"})
    request.session = SessionStore()
    response = sign_in_views.sign_in_form(request)
    assert response.status_code == 302 and mail.outbox == []
    response.close()  # what the WSGI server does once the answer is sent
    assert [m.to for m in mail.outbox] == [["hana@example.jp"]]
    assert "sign-in link" in mail.outbox[0].subject


def test_a_mail_server_failure_after_the_answer_is_logged(client, hub, caplog):
    make_family(hub, "hana", "hana@example.jp")
    with mock.patch.object(sign_in, "EmailMessage") as message:
        message.return_value.send.side_effect = OSError("mail server down")
        response = _ask(client, "hana@example.jp")
    assert response.status_code == 302 and response.url == reverse("portal:sign-in-sent")
    assert "Work after the response failed" in caplog.text and "mail server down" in caplog.text


def test_the_address_is_matched_whatever_its_case_and_width(client, hub):
    make_family(hub, "hana", "Hana@example.jp")
    _ask(client, "ｈａｎａ＠ＥＸＡＭＰＬＥ．ＪＰ".replace("ｈａｎａ", "Hana"))
    assert len(mail.outbox) == 1


def test_only_caregivers_of_current_families_get_a_link(client, hub):
    pending = make_family(hub, "pend", "pend@example.jp", status=HouseholdStatus.PENDING)
    merged = make_family(hub, "gone", "gone@example.jp")
    Household.objects.filter(pk=merged.pk).update(status=HouseholdStatus.MERGED)
    _ask(client, "pend@example.jp")
    _ask(client, "gone@example.jp")
    assert [m.to for m in mail.outbox] == [["pend@example.jp"]]
    assert pending.pk  # a pre-registered family may sign in before its first visit


def test_the_link_opens_a_button_and_only_its_post_signs_in(client, hub):
    household = make_family(hub, "hana", "hana@example.jp")
    _ask(client, "hana@example.jp")
    link = _link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert SESSION_HOUSEHOLD not in client.session  # a mail scanner's GET signs nobody in
    before = client.session.session_key
    response = client.post(link)
    assert response.status_code == 302 and response.url == reverse("portal:my-page")
    session = client.session
    assert session[SESSION_HOUSEHOLD] == household.pk
    assert session[SESSION_MEMBER] == parent_of(household).pk
    assert session.session_key != before  # a new key: no session fixation
    assert client.get(reverse("portal:my-page")).status_code == 200


def test_a_link_works_once(client, hub, english):
    make_family(hub, "hana", "hana@example.jp")
    _ask(client, "hana@example.jp")
    link = _link(mail.outbox[0])
    client.post(link)
    other = client.__class__()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = other.post(link)
    assert response.status_code == 400
    assert "This link was already used" in response.content.decode()
    assert SESSION_HOUSEHOLD not in other.session


def test_an_expired_link_is_refused(client, hub, english):
    household = make_family(hub, "hana", "hana@example.jp")
    with mock.patch("time.time", return_value=1_700_000_000):
        token = sign_in.make_token(parent_of(household))
    response = client.post(reverse("portal:sign-in-link", kwargs={"token": token}))
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert SESSION_HOUSEHOLD not in client.session


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: signing.TimestampSigner(salt="another").sign_object(
            signing.TimestampSigner(salt=sign_in.SALT).unsign_object(token)
        ),
        lambda token: "garbage",
    ],
    ids=["tampered", "other-salt", "garbage"],
)
def test_a_forged_link_is_refused(client, hub, english, forge):
    household = make_family(hub, "hana", "hana@example.jp")
    token = forge(sign_in.make_token(parent_of(household)))
    response = client.post(reverse("portal:sign-in-link", kwargs={"token": token}))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert SESSION_HOUSEHOLD not in client.session


def test_a_link_stops_working_when_staff_change_the_address(client, hub):
    household = make_family(hub, "hana", "hana@example.jp")
    token = sign_in.make_token(parent_of(household))
    parent_of(household).__class__.objects.filter(household=household).update(
        email="new@example.jp"
    )
    response = client.post(reverse("portal:sign-in-link", kwargs={"token": token}))
    assert response.status_code == 400


def test_two_families_with_one_address_get_one_message_with_a_link_each(client, hub):
    first = make_family(hub, "hana", "shared@example.jp")
    second = make_family(HubFactory(), "hana2", "shared@example.jp")
    _ask(client, "shared@example.jp")
    assert len(mail.outbox) == 1
    links = [m.group(1) for m in LINK.finditer(mail.outbox[0].body)]
    assert len(links) == 2
    client.post(links[1])
    assert client.session[SESSION_HOUSEHOLD] in {first.pk, second.pk}
    signed = {client.session[SESSION_HOUSEHOLD]}
    other = client.__class__()
    other.post(links[0])
    assert signed | {other.session[SESSION_HOUSEHOLD]} == {first.pk, second.pk}


def test_the_page_asked_for_comes_after_sign_in_but_never_another_site(client, hub):
    make_family(hub, "hana", "hana@example.jp")
    _ask(client, "hana@example.jp", next="/programs/7/apply/")
    link = _link(mail.outbox[0])
    assert client.post(link).url == "/programs/7/apply/"
    _ask(client, "hana@example.jp", next="https://evil.example/")
    evil = client.__class__()
    assert evil.post(_link(mail.outbox[1])).url == reverse("portal:my-page")


def test_requests_are_limited_per_address_and_per_connection(client, hub, settings, english):
    settings.HIROBA_PORTAL_SIGN_IN_PER_ADDRESS = 2
    settings.HIROBA_PORTAL_SIGN_IN_PER_IP = 4
    make_family(hub, "hana", "hana@example.jp")
    answers = [_ask(client, "hana@example.jp").status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    assert len(mail.outbox) == 2
    # An unknown address is counted the same way, so the limit tells nothing either.
    assert [_ask(client, "x@example.jp").status_code for _ in range(2)] == [302, 429]
    assert "Too many sign-in links" in _ask(client, "y@example.jp").content.decode()


def test_signing_out_forgets_the_family(client, hub):
    make_family(hub, "hana", "hana@example.jp")
    _ask(client, "hana@example.jp")
    client.post(_link(mail.outbox[0]))
    response = client.post(reverse("portal:sign-out"))
    assert response.status_code == 302
    assert SESSION_HOUSEHOLD not in client.session and SESSION_MEMBER not in client.session
    page = client.get(reverse("portal:my-page"))
    assert page.status_code == 302 and page.url.startswith(reverse("portal:sign-in"))


def test_a_merged_family_is_signed_out(client, hub):
    household = make_family(hub, "hana", "hana@example.jp")
    _ask(client, "hana@example.jp")
    client.post(_link(mail.outbox[0]))
    Household.objects.filter(pk=household.pk).update(status=HouseholdStatus.MERGED)
    response = client.get(reverse("portal:my-page"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:sign-in"))
    assert SESSION_HOUSEHOLD not in client.session
