"""Working a support case through its pages, as the specialist types it: opening with consent,
editing on an old copy, the plan, linkages with a warm hand-over, closing and reopening."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.consultations.tests.factories import agency, consultation
from hiroba.families.tests.factories import family
from hiroba.support.models import Linkage, PlanItem, SupportCase
from hiroba.support.tests.case_factories import CANARY, linkage, need_topics, support_case

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def partner(world):
    return world.a.person(Role.USER_SUPPORT)


@pytest.fixture
def staff(client, partner):
    client.cookies["hiroba_language"] = "en"
    client.force_login(partner)
    return client


def _url(name: str, **kwargs) -> str:
    return reverse(f"support:{name}", kwargs=kwargs)


def _case_form(world, partner, **changes) -> dict:
    data = {
        "card_number": "",
        "opened_on": "Ｒ８．１１．２０",
        "assigned_to": partner.pk,
        "need_topics": [t.pk for t in need_topics(world.a.hub, "nursery", "work")],
        "needs": "4月の復職に向けて保育園を探したい",
        "consultation_refs": "",
        "consent_given": "on",
        "consent_method": "verbal",
        "consent_on": "2026-11-20",
        "consent_time": "１４時３０分",
    }
    data.update(changes)
    return data


def test_a_case_is_opened_as_the_specialist_types_it(staff, world, partner):
    household = family(world.a.hub)
    record = consultation(world.a.hub, actor=partner)
    response = staff.post(
        _url("case-create"),
        _case_form(
            world, partner, card_number=household.card_number, consultation_refs=record.reference
        ),
    )
    case = SupportCase.objects.get()
    assert response.status_code == 302 and response.url == _url("case-detail", case_id=case.pk)
    assert (case.household, case.opened_on, case.assigned_to) == (
        household,
        date(2026, 11, 20),
        partner,
    )
    assert case.consent_given_at == datetime(2026, 11, 20, 14, 30, tzinfo=TOKYO)
    assert list(case.consultations.all()) == [record]
    page = staff.get(response.url).content.decode()
    assert "4月の復職に向けて保育園を探したい" in page and record.reference in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent_given": ""}, "Opening a case needs the family&#x27;s consent"),
        ({"consent_time": ""}, "Say when the family agreed."),
        ({"needs": ""}, "This field is required."),
        ({"card_number": "99999"}, "No family of this hub has that card number."),
        ({"consultation_refs": "R8年度-0099"}, "No consultation record of this hub"),
        ({"consultation_refs": "あいう"}, "is not a case number like R8年度-0012"),
        ({"opened_on": "2026-12-24"}, "A case cannot be opened on a future date."),
        (
            {"consent_on": "2026-11-21", "consent_time": "10:00"},
            "The time of consent cannot be in the future.",
        ),
    ],
)
def test_mistakes_are_explained_and_nothing_is_saved(staff, world, partner, changes, message):
    response = staff.post(_url("case-create"), _case_form(world, partner, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupportCase.objects.exists()


def test_an_edit_on_an_old_copy_is_refused_with_a_message(staff, world, partner):
    case = support_case(world.a.hub, actor=partner)
    url = _url("case-edit", case_id=case.pk)
    assert CANARY in staff.get(url).content.decode()
    form = _case_form(world, partner, revision=1)
    staff.post(url, {**form, "needs": "最初の保存"})
    response = staff.post(url, {**form, "needs": "古い画面からの保存"})
    assert "Someone else saved this case" in response.content.decode()
    case.refresh_from_db()
    assert (case.needs, case.revision) == ("最初の保存", 2)


def test_closing_needs_a_reason_and_reopening_clears_it(staff, world, partner):
    case = support_case(world.a.hub, actor=partner)
    url = _url("case-close", case_id=case.pk)
    response = staff.post(url, {"closed_on": "2026-11-20", "closure_note": "終結"})
    assert "Choose why the case is closed." in response.content.decode()
    assert 'value="anonymised"' not in response.content.decode()  # not for staff to choose
    case.refresh_from_db()
    assert case.status == "open"
    staff.post(url, {"closure_reason": "service", "closed_on": "2026-11-20"})
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.closed_on) == (
        "closed",
        "service",
        date(2026, 11, 20),
    )
    edit = staff.get(_url("case-edit", case_id=case.pk), follow=True)
    assert "This case is closed. Reopen it first." in edit.content.decode()
    staff.post(_url("case-reopen", case_id=case.pk))
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == ("open", "")


def test_the_plan_is_added_to_marked_and_unmarked(staff, world, partner):
    case = support_case(world.a.hub, actor=partner)
    add = _url("plan-item-add", case_id=case.pk)
    empty = staff.post(add, {"text": "", "due_on": ""}, follow=True)
    assert "This field is required." in empty.content.decode()
    staff.post(add, {"text": "園見学の予約を一緒にする", "due_on": "R8.11.27"})
    item = PlanItem.objects.get()
    assert (item.text, item.due_on, item.order) == (
        "園見学の予約を一緒にする",
        date(2026, 11, 27),
        1,
    )
    staff.post(_url("plan-item-done", plan_item_id=item.pk), {"done": "1"})
    item.refresh_from_db()
    assert item.done_on == date(2026, 11, 20)
    staff.post(_url("plan-item-done", plan_item_id=item.pk), {"done": "0"})
    item.refresh_from_db()
    assert item.done_on is None
    staff.post(
        _url("plan-item-edit", plan_item_id=item.pk), {"text": "見学に同行する", "due_on": ""}
    )
    item.refresh_from_db()
    assert (item.text, item.due_on) == ("見学に同行する", None)


def _linkage_form(**changes) -> dict:
    data = {
        "service_kind": "ward_health",
        "agency": "",
        "warm_handover": "on",
        "consent_given": "on",
        "consent_method": "written",
        "consent_on": "2026-11-20",
        "consent_time": "１０：４５",
        "handover_note": "保健師に産後の様子を伝える",
        "follow_up_on": "2026-11-27",
    }
    data.update(changes)
    return data


def test_a_warm_hand_over_without_consent_is_refused_and_not_saved(staff, world, partner):
    case = support_case(world.a.hub, actor=partner)
    url = _url("linkage-add", case_id=case.pk)
    response = staff.post(url, _linkage_form(consent_given=""))
    assert "A warm hand-over needs the family&#x27;s consent" in response.content.decode()
    no_note = staff.post(url, _linkage_form(handover_note=""))
    assert "Write what is handed over to the service." in no_note.content.decode()
    assert not Linkage.objects.exists()
    ward_agency = agency(world.a)
    assert staff.post(url, _linkage_form(agency=ward_agency.pk)).status_code == 302
    made = Linkage.objects.get()
    assert (made.agency, made.consent_method) == (ward_agency, "written")
    assert made.consent_given_at == datetime(2026, 11, 20, 10, 45, tzinfo=TOKYO)


def test_a_plain_linkage_needs_no_consent(staff, world, partner):
    case = support_case(world.a.hub, actor=partner)
    form = _linkage_form(
        service_kind="hiroba", warm_handover="", consent_given="", handover_note=""
    )
    assert staff.post(_url("linkage-add", case_id=case.pk), form).status_code == 302
    assert Linkage.objects.get().warm_handover is False


def test_a_linkage_moves_through_its_states_and_is_followed_up(staff, world, partner):
    case = support_case(world.a.hub, actor=partner)
    made = linkage(case, actor=partner, follow_up_on=date(2026, 11, 20))
    url = _url("linkage-move", linkage_id=made.pk)
    assert 'value="connected"' not in staff.get(url).content.decode()  # not straight away
    staff.post(url, {"status": "contacted", "result_note": "", "follow_up_on": ""})
    staff.post(url, {"status": "connected", "result_note": "利用開始", "follow_up_on": ""})
    made.refresh_from_db()
    assert (made.status, made.result_note) == ("connected", "利用開始")
    staff.post(_url("linkage-follow-up-done", linkage_id=made.pk))
    made.refresh_from_db()
    assert made.follow_up_done_at == NOW
    page = staff.get(_url("case-detail", case_id=case.pk)).content.decode()
    assert "利用開始" in page and "Followed up on 2026-11-20" in page


def test_the_list_shows_open_cases_and_highlights_what_is_due(staff, world, partner):
    due = support_case(world.a.hub, actor=partner)
    linkage(due, actor=partner, follow_up_on=date(2026, 11, 20))
    later = support_case(world.a.hub, actor=partner)
    closed = support_case(world.a.hub, actor=partner)
    staff.post(
        _url("case-close", case_id=closed.pk),
        {"closure_reason": "moved", "closed_on": "2026-11-20"},
    )
    page = staff.get(_url("case-list")).content.decode()
    assert _link(due) in page and _link(later) in page and _link(closed) not in page
    assert "tag--warning" in page and "2026-11-20" in page
    closed_page = staff.get(_url("case-list"), {"status": "closed"}).content.decode()
    assert _link(closed) in closed_page and _link(due) not in closed_page
    everything = staff.get(_url("case-list"), {"status": ""}).content.decode()
    assert all(_link(c) in everything for c in (due, later, closed))


def _link(case) -> str:
    return f'href="{_url("case-detail", case_id=case.pk)}"'


def test_a_household_of_another_hub_is_not_found_by_card_number(staff, world, partner):
    other = family(world.b.hub)
    response = staff.post(
        _url("case-create"), _case_form(world, partner, card_number=other.card_number)
    )
    assert "No family of this hub has that card number." in response.content.decode()
