"""The printable roster PDF: what it prints (confirmed families with ages on the day, totals,
the waiting list with phones, open offers), names with Typst's special characters printed as
typed, the font taken from the installed package, and the staff view's scoping, permission,
headers and audit row."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from hiroba.accounts.choices import Role
from hiroba.core import typeset
from hiroba.core.models import AuditLog
from hiroba.families.models import Member
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import pdf, services
from hiroba.programs.choices import EntryChannel, EntryStatus, SignupMode
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
TRICKY = '#set page(width: 1cm) $x^2$ *太字* _下線_ @ref <label> `code` \\ // #"quote"'


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(_at("2026-10-01 09:00"), tick=False):
        yield


def _text(document: bytes) -> str:
    """All text of the PDF, whitespace removed (Typst may break lines anywhere in CJK)."""
    reader = PdfReader(io.BytesIO(document))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def _family(hub, family_name, family_kana, given, given_kana, *children, phone=""):
    return family(
        hub,
        caregiver(family_name, given, family_kana, given_kana, phone=phone),
        *children,
    )


@pytest.fixture
def weaning(world):
    """A two-session class for two families at hub A, on 2026-11-05 and -12 at 10:00:
    佐藤 (web) and 鈴木 (by phone, with a message) confirmed, 高橋 waiting, one offer open."""
    hub = world.a.hub
    prog = program(
        hub,
        title="離乳食教室",
        starts_at=_at("2026-11-05 10:00"),
        sessions=2,
        capacity_families=3,
        capacity_people=None,
    )
    sato = _family(
        hub, "佐藤", "サトウ", "花子", "ハナコ",
        child("はると", "ハルト", date(2025, 8, 5), "佐藤", "サトウ"),
        phone="09012345678",
    )  # fmt: skip
    suzuki = _family(
        hub, "鈴木", "スズキ", "美咲", "ミサキ",
        child("ゆい", "ユイ", date(2024, 10, 1), "鈴木", "スズキ"),
        child("そら", "ソラ", date(2026, 6, 20), "田中", "タナカ"),
    )  # fmt: skip
    takahashi = _family(hub, "高橋", "タカハシ", "愛", "アイ", child(), phone="0312345678")
    ito = _family(hub, "伊藤", "イトウ", "恵", "メグミ", child(), phone="08011112222")
    services.apply(prog, sato, caregivers_and_children(sato))
    services.apply(
        prog,
        suzuki,
        caregivers_and_children(suzuki),
        channel=EntryChannel.PHONE,
        message="アレルギー：卵",
        actor=world.a.person(Role.HUB_STAFF),
    )
    third = services.apply(prog, ito, caregivers_and_children(ito))
    services.apply(prog, takahashi, caregivers_and_children(takahashi))
    services.cancel(third, actor=world.a.person(Role.HUB_STAFF))  # 高橋 is offered the seat
    newcomer = _family(hub, "渡辺", "ワタナベ", "陽子", "ヨウコ", child(), phone="07099998888")
    services.apply(prog, newcomer, caregivers_and_children(newcomer))
    prog.refresh_from_db()
    return prog


def _first_session(prog):
    return prog.sessions.order_by("starts_at").first()


def test_the_data_lists_confirmed_families_in_reading_order_with_ages_on_the_day(weaning):
    data = pdf.roster_data(weaning, _first_session(weaning))

    rows = data["confirmed"]
    assert [(r["number"], r["name"], r["furigana"]) for r in rows] == [
        (1, "佐藤 花子", "サトウ ハナコ"),
        (2, "鈴木 美咲", "スズキ ミサキ"),
    ]
    sato, suzuki = rows
    # 2025-08-05 → 2026-11-05 is 1 year 3 months; the second child has another family name.
    assert sato["children"] == ["はると 1歳3か月"]
    assert suzuki["children"] == ["ゆい 2歳1か月", "田中 そら 4か月"]
    assert (sato["adults"], sato["kids"], suzuki["adults"], suzuki["kids"]) == (1, 1, 1, 2)
    assert sato["channel"] != suzuki["channel"]
    assert suzuki["message"] == "アレルギー：卵"
    assert sato["card"] and sato["card"] != suzuki["card"]
    assert (data["totals"]["families"], data["totals"]["adults"], data["totals"]["kids"]) == (
        2,
        2,
        3,
    )


def test_the_data_has_the_waiting_list_in_order_and_the_open_offer(weaning):
    data = pdf.roster_data(weaning, _first_session(weaning))

    assert [(r["position"], r["name"], r["phone"]) for r in data["waiting"]] == [
        (1, "渡辺 陽子", "070-9999-8888")
    ]
    assert [(r["name"], r["phone"]) for r in data["offered"]] == [("高橋 愛", "03-1234-5678")]
    assert data["title"] == "離乳食教室"


def test_the_heading_has_the_date_in_wareki_and_western_and_the_session_number(weaning, english):
    second = weaning.sessions.order_by("starts_at").last()
    facts = {f["label"]: f["value"] for f in pdf.roster_data(weaning, second)["facts"]}

    assert facts["Date"].startswith("令和8年11月12日(木) (Nov. 12, 2026) 10:00–12:00")
    assert facts["Session"] == "2 of 2"
    assert facts["Venue"] == weaning.venue.name
    assert facts["Hub"] == weaning.hub.name
    assert facts["Capacity"] == "3 families"


def test_the_pdf_prints_the_names_ages_and_waiting_list(weaning):
    document = pdf.roster_pdf(weaning, _first_session(weaning))

    assert document.startswith(b"%PDF")
    text = _text(document)
    for printed in (
        "離乳食教室",
        "令和8年11月5日(木)",
        "佐藤花子",
        "サトウハナコ",
        "はると1歳3か月",
    ):
        assert printed in text
    for printed in ("鈴木美咲", "アレルギー：卵", "渡辺陽子", "070-9999-8888", "高橋愛"):
        assert printed in text
    assert text.index("佐藤花子") < text.index("鈴木美咲") < text.index("渡辺陽子")


def test_the_pdf_embeds_noto_sans_jp_from_the_installed_package(weaning):
    reader = PdfReader(io.BytesIO(pdf.roster_pdf(weaning, _first_session(weaning))))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("NotoSansJP" in name for name in fonts), fonts
    assert "site-packages" in typeset.font_dir().parts  # installed, never a copy in the repo
    assert Path(typeset.font_dir(), "NotoSansJP-Regular.otf").is_file()


def test_typst_markup_in_names_titles_and_messages_prints_as_typed(world):
    prog = program(world.a.hub, title=f"講座 {TRICKY}", starts_at=_at("2026-11-05 10:00"))
    household = _family(world.a.hub, "山田", "ヤマダ", "花子", "ハナコ", child())
    Member.objects.filter(household=household, kind="caregiver").update(
        family_name="#strong[山田]", given_name="$花子$"
    )
    services.apply(prog, household, caregivers_and_children(household), message=TRICKY)

    data = pdf.roster_data(prog, _first_session(prog))
    assert data["confirmed"][0]["name"] == "#strong[山田] $花子$"
    text = _text(pdf.roster_pdf(prog, _first_session(prog)))
    assert "#strong[山田]$花子$" in text
    assert "".join(TRICKY.split()) in text  # the message; the title wraps, but is there too
    assert text.count("#setpage(width:1cm)$x^2$") == 2


def test_a_roster_without_entries_still_prints(world, english):
    prog = program(world.a.hub, starts_at=_at("2026-11-05 10:00"), capacity_families=None)
    text = _text(pdf.roster_pdf(prog, _first_session(prog)))
    assert "Nofamilyisconfirmedyet." in text
    assert "Nobodyisonthewaitinglist." in text
    assert "Nolimit" in text


def test_a_lottery_still_being_collected_lists_nobody_as_confirmed(world):
    prog = program(
        world.a.hub,
        starts_at=_at("2026-11-05 10:00"),
        signup_mode=SignupMode.LOTTERY,
        opens_at=_at("2026-09-01 10:00"),
        closes_at=_at("2026-10-10 10:00"),
        draw_at=_at("2026-10-11 10:00"),
    )
    household = _family(world.a.hub, "山田", "ヤマダ", "花子", "ハナコ", child())
    entry = services.apply(prog, household, caregivers_and_children(household))
    assert entry.status == EntryStatus.APPLIED
    data = pdf.roster_data(prog, _first_session(prog))
    assert (data["confirmed"], data["waiting"], data["offered"]) == ([], [], [])


# -- the staff view ----------------------------------------------------------------------------
def _get(client, user, session):
    client.force_login(user)
    return client.get(reverse("programs:roster-pdf", kwargs={"session_id": session.pk}))


def test_staff_get_the_pdf_inline_with_a_japanese_file_name_and_it_is_audited(
    client, world, weaning
):
    session = _first_session(weaning)
    user = world.a.person(Role.HUB_STAFF)

    response = _get(client, user, session)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "佐藤花子" in _text(response.content)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="roster-2026-11-05-')
    japanese = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    assert japanese.endswith("_離乳食教室_2026-11-05.pdf")
    assert response["Cache-Control"] == "no-store"
    row = AuditLog.objects.get(action="programs.roster.exported")
    assert (row.actor, row.hub, row.object_id) == (user, weaning.hub, str(session.pk))
    assert row.payload == {
        "program_id": weaning.pk,
        "session_id": session.pk,
        "format": "pdf",
        "confirmed": 2,
        "waiting": 1,
        "offered": 1,
    }


def test_a_file_name_loses_characters_file_systems_refuse(world):
    prog = program(world.a.hub, title='a/b\\c:d*e?"<f>|g h', starts_at=_at("2026-11-05 10:00"))
    name = pdf.roster_file_name(prog, _first_session(prog))
    assert name.endswith("_a_b_c_d_e_f_g_h_2026-11-05.pdf")


def test_volunteers_may_print_the_roster(client, world, weaning):
    response = _get(client, world.a.person(Role.VOLUNTEER), _first_session(weaning))
    assert response.status_code == 200


def test_another_hubs_session_is_not_found(client, world):
    other = program(world.b.hub, starts_at=_at("2026-11-05 10:00"))
    response = _get(client, world.a.person(Role.HUB_MANAGER), _first_session(other))
    assert response.status_code == 404
    assert not AuditLog.objects.filter(action="programs.roster.exported").exists()


def test_roles_without_the_roster_permission_are_refused(client, world, weaning):
    for role in (Role.WARD_OFFICIAL, Role.KOSAPO_COORDINATOR):
        response = _get(client, world.a.person(role), _first_session(weaning))
        assert response.status_code == 403, role
    assert not AuditLog.objects.filter(action="programs.roster.exported").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, weaning):
    url = reverse("programs:roster-pdf", kwargs={"session_id": _first_session(weaning).pk})
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]
