"""The sheet through the staff pages, as the operator and the ward official use them: drafted,
commented on, revised, approved by both, published; the PDF's text holds every section in
order; the public page shows published sheets only."""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from hiroba.accounts.choices import Role
from hiroba.evaluation.choices import SheetStatus
from hiroba.evaluation.models import EvaluationSheet, SheetComment
from hiroba.evaluation.tests.factories import goal, reviewed, sheet

pytestmark = pytest.mark.django_db


def _post(client, name, data=None, **kwargs):
    return client.post(reverse(f"evaluation:{name}", kwargs=kwargs), data or {})


def _goal_data(sheet_obj, title, *, actions="", results="", issues="") -> dict:
    return {
        "revision": sheet_obj.revision,
        "title": title,
        "theme-TOTAL_FORMS": "1",
        "theme-INITIAL_FORMS": "0",
        "theme-0-title": "",
        "theme-0-actions": actions,
        "theme-0-results": results,
        "theme-0-issues": issues,
    }


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@time_machine.travel("2026-05-20 10:00 +0900", tick=False)
def test_draft_comment_revise_approve_publish_and_the_pdf_in_order(client, world):
    manager, ward = world.a.person(Role.HUB_MANAGER), world.a.person(Role.WARD_OFFICIAL)
    client.force_login(manager)
    response = _post(client, "sheet-create", {"fiscal_year": "令和７年度"})
    made = EvaluationSheet.objects.get(hub=world.a.hub, fiscal_year=2025)
    assert response.status_code == 302
    response = client.post(
        reverse("evaluation:goal-create", kwargs={"sheet_id": made.pk}),
        _goal_data(
            made,
            "誰もが安心して過ごせる居場所づくり",
            actions="● ひろばの開所日を週６日に拡大した\n・土曜日に父親向けプログラムを実施した",
            results="〇 初めての利用者が増えた",
            issues="父親の利用がまだ少ない",
        ),
    )
    assert response.status_code == 302
    made.refresh_from_db()
    client.post(
        reverse("evaluation:goal-create", kwargs={"sheet_id": made.pk}) + "?part=next",
        _goal_data(made, "地域の支援者とのつながりを広げる", actions="町内会と連絡会を開く"),
    )
    made.refresh_from_db()
    assert made.goals.count() == 2
    _post(client, "sheet-submit", {"revision": made.revision}, sheet_id=made.pk)
    made.refresh_from_db()
    assert made.status == SheetStatus.IN_REVIEW

    # The ward comments beside the results of the first goal.
    first = made.goals.get(part="current")
    client.force_login(ward)
    page = client.get(reverse("evaluation:sheet-detail", kwargs={"sheet_id": made.pk}))
    assert "誰もが安心して過ごせる居場所づくり" in page.content.decode()
    _post(
        client,
        "comment-add",
        {"goal": first.pk, "section": "results", "body": "利用者数の数字を入れてください。"},
        sheet_id=made.pk,
    )
    comment = SheetComment.objects.get()
    assert (comment.side, comment.goal_id, comment.section) == ("ward", first.pk, "results")
    # The ward may not edit the text.
    assert (
        client.get(reverse("evaluation:goal-edit", kwargs={"goal_id": first.pk})).status_code == 403
    )

    # The operator revises, resolves the comment, and both approve.
    client.force_login(manager)
    made.refresh_from_db()
    data = _goal_data(
        made,
        first.title,
        actions="ひろばの開所日を週６日に拡大した\n土曜日に父親向けプログラムを実施した",
        results="初めての利用者が増えた\nひろばの延べ利用者数 {{visits.person_visits}}",
        issues="父親の利用がまだ少ない",
    )
    assert (
        client.post(reverse("evaluation:goal-edit", kwargs={"goal_id": first.pk}), data).status_code
        == 302
    )
    _post(client, "comment-resolve", comment_id=comment.pk)
    made.refresh_from_db()
    _post(client, "approve-operator", {"revision": made.revision}, sheet_id=made.pk)
    client.force_login(ward)
    _post(client, "approve-ward", {"revision": made.revision}, sheet_id=made.pk)
    made.refresh_from_db()
    assert made.status == SheetStatus.AGREED
    client.force_login(manager)
    _post(client, "sheet-publish", {"revision": made.revision}, sheet_id=made.pk)
    made.refresh_from_db()
    assert made.status == SheetStatus.PUBLISHED
    comment.refresh_from_db()
    assert comment.resolved_by == manager

    # The revisions show what changed for the ward.
    revisions = client.get(reverse("evaluation:revisions", kwargs={"sheet_id": made.pk}))
    assert "ひろばの延べ利用者数 {{visits.person_visits}}" in revisions.content.decode()
    assert revisions.context["changed"] >= 1

    response = client.get(reverse("evaluation:sheet-pdf", kwargs={"sheet_id": made.pk}))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    expected = [
        "【単年度事業評価様式】",
        "地域子育て支援拠点事業令和7年度重点目標評価結果・令和8年度重点目標",
        "事業実施期間",
        "令和7年4月1日～令和8年3月31日（3年度目／5か年度）",
        "事業の実施者",
        "事業目的",
        "基本理念",
        "事業の内容",
        "（親子の居場所事業）",
        "（利用者支援事業）",
        "令和7年度重点目標評価結果",
        "①誰もが安心して過ごせる居場所づくり",
        "取組内容",
        "ひろばの開所日を週６日に拡大した",
        "取組の成果",
        "ひろばの延べ利用者数",
        "取組の課題",
        "父親の利用がまだ少ない",
        "令和8年度重点目標",
        "①地域の支援者とのつながりを広げる",
        "町内会と連絡会を開く",
    ]
    position = 0
    for part in expected:
        found = text.find(part, position)
        assert found >= 0, f"{part} missing or out of order"
        position = found + len(part)
    assert "下書き" not in text and "Draft" not in text


def test_the_ward_cannot_approve_for_the_operator_nor_staff_publish(client, world):
    manager = world.a.person(Role.HUB_MANAGER)
    made = sheet(world.a.hub, actor=manager)
    goal(made, actor=manager)
    client.force_login(world.a.person(Role.WARD_OFFICIAL))
    assert _post(client, "approve-operator", {"revision": 1}, sheet_id=made.pk).status_code == 403
    client.force_login(world.a.person(Role.HUB_STAFF))
    assert _post(client, "sheet-publish", {"revision": 1}, sheet_id=made.pk).status_code == 403
    assert _post(client, "approve-ward", {"revision": 1}, sheet_id=made.pk).status_code == 403


def test_a_goal_form_with_an_unknown_indicator_shows_the_message_and_saves_nothing(client, world):
    manager = world.a.person(Role.HUB_MANAGER)
    made = sheet(world.a.hub, actor=manager)
    client.force_login(manager)
    response = client.post(
        reverse("evaluation:goal-create", kwargs={"sheet_id": made.pk}),
        _goal_data(made, "居場所", results="{{visits.nothing}}"),
    )
    assert response.status_code == 200
    assert "visits.nothing" in response.content.decode()
    assert made.goals.count() == 0


def test_a_stale_page_is_refused(client, world):
    manager = world.a.person(Role.HUB_MANAGER)
    made = sheet(world.a.hub, actor=manager)
    client.force_login(manager)
    stale = _goal_data(made, "古い画面から")
    goal(made, actor=manager)
    response = client.post(reverse("evaluation:goal-create", kwargs={"sheet_id": made.pk}), stale)
    assert response.status_code == 200
    assert list(made.goals.values_list("title", flat=True)) == [
        "誰もが安心して過ごせる居場所づくり"
    ]


def test_targets_accept_full_width_digits_and_refuse_words(client, world):
    manager = world.a.person(Role.HUB_MANAGER)
    made = sheet(world.a.hub, actor=manager)
    client.force_login(manager)
    url = reverse("evaluation:targets-edit", kwargs={"sheet_id": made.pk})
    bad = client.post(url, {"revision": made.revision, "target__visits__person_visits": "たくさん"})
    assert bad.status_code == 200 and made.targets.count() == 0
    client.post(url, {"revision": made.revision, "target__visits__person_visits": "３２，０００"})
    assert [(t.code, int(t.target)) for t in made.targets.all()] == [
        ("visits.person_visits", 32000)
    ]


def test_the_public_page_lists_published_sheets_and_hides_drafts(client, world):
    manager, ward = world.a.person(Role.HUB_MANAGER), world.a.person(Role.WARD_OFFICIAL)
    from hiroba.evaluation import services  # noqa: PLC0415

    published = services.publish(reviewed(world.a.hub, operator=manager, ward=ward), actor=manager)
    draft = sheet(world.a.hub, 2026, actor=manager)
    page = client.get(reverse("evaluation-public:hub", kwargs={"hub_id": world.a.hub.pk}))
    assert page.status_code == 200
    assert list(page.context["sheets"]) == [published]
    shown = client.get(
        reverse(
            "evaluation-public:sheet", kwargs={"hub_id": world.a.hub.pk, "sheet_id": published.pk}
        )
    )
    assert "誰もが安心して過ごせる居場所づくり" in shown.content.decode()
    for hub_id, sheet_id in [(world.a.hub.pk, draft.pk), (world.b.hub.pk, published.pk)]:
        url = reverse(
            "evaluation-public:sheet-pdf", kwargs={"hub_id": hub_id, "sheet_id": sheet_id}
        )
        assert client.get(url).status_code == 404
    pdf = client.get(
        reverse(
            "evaluation-public:sheet-pdf",
            kwargs={"hub_id": world.a.hub.pk, "sheet_id": published.pk},
        )
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_workbook_holds_the_sheet_as_text(client, world):
    from openpyxl import load_workbook  # noqa: PLC0415

    manager = world.a.person(Role.HUB_MANAGER)
    made = sheet(world.a.hub, actor=manager)
    goal(made, actor=manager, results='=HYPERLINK("http://example.com")')
    client.force_login(manager)
    response = client.get(reverse("evaluation:sheet-xlsx", kwargs={"sheet_id": made.pk}))
    book = load_workbook(io.BytesIO(response.content))
    cells = [c.value for row in book.active.iter_rows() for c in row if c.value]
    assert "【単年度事業評価様式】" in cells
    assert any(c == "① 誰もが安心して過ごせる居場所づくり" for c in cells)
    formula = next(
        c for row in book.active.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)
    )
    assert formula.data_type == "s"


PASTED = """【単年度事業評価様式】\r
はなみずき区地域子育て支援拠点事業　令和６年度重点目標評価結果・令和７年度重点目標\r
重点目標\r
①　親子が安心して集える場の提供\r
取組内容\r
●　予約なしで利用できる日を増やした\r
取組の成果\r
〇　「また来たい」が９割を超えた\r
取組の課題\r
●　午後の利用が少ない\r
- 1 -\r
次年度重点目標\r
①　誰もが安心して過ごせる居場所づくり\r
取組内容\r
●　開所日を増やす\r
"""


def test_a_past_sheet_is_read_shown_and_saved_as_published(client, world):
    manager = world.a.person(Role.HUB_MANAGER)
    client.force_login(manager)
    url = reverse("evaluation:sheet-import")
    preview = client.post(url, {"fiscal_year": "", "text": PASTED})
    assert preview.status_code == 200
    parsed = preview.context["parsed"]
    assert parsed.fiscal_year == 2024
    assert [g.title for g in parsed.goals] == ["親子が安心して集える場の提供"]
    assert not EvaluationSheet.objects.exists()  # reading saves nothing
    saved = client.post(url, {"fiscal_year": "R6", "text": PASTED, "confirm": "1"})
    assert saved.status_code == 302
    past = EvaluationSheet.objects.get(hub=world.a.hub)
    assert (past.fiscal_year, past.status, past.imported) == (2024, SheetStatus.PUBLISHED, True)
    assert past.published_data["next_goals"][0]["title"] == "誰もが安心して過ごせる居場所づくり"
    # The next year's sheet starts from the imported next-year goals.
    client.post(reverse("evaluation:sheet-create"), {"fiscal_year": "2025"})
    following = EvaluationSheet.objects.get(hub=world.a.hub, fiscal_year=2025)
    assert [g.title for g in following.goals.all()] == ["誰もが安心して過ごせる居場所づくり"]
    # The same year again is refused with a message, nothing saved twice.
    again = client.post(url, {"fiscal_year": "R6", "text": PASTED, "confirm": "1"})
    assert again.status_code == 200
    assert "すでにあります" in again.content.decode()
    assert EvaluationSheet.objects.filter(fiscal_year=2024).count() == 1


def test_a_year_not_yet_past_cannot_be_imported_and_staff_cannot_import(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    assert client.get(reverse("evaluation:sheet-import")).status_code == 403
    client.force_login(world.a.person(Role.HUB_MANAGER))
    this_year = PASTED.replace("令和６年度", "令和８年度").replace("令和７年度", "令和９年度")
    with time_machine.travel("2026-11-22 10:00 +0900", tick=False):
        response = client.post(
            reverse("evaluation:sheet-import"), {"text": this_year, "confirm": "1"}
        )
    assert response.status_code == 200
    assert "令和8年度より前の年度だけ" in response.content.decode()
    assert not EvaluationSheet.objects.exists()


def test_a_themed_goal_with_six_themes_can_be_saved_again(client, world):
    from hiroba.evaluation import services  # noqa: PLC0415
    from hiroba.evaluation.services import ThemeContent  # noqa: PLC0415

    manager = world.a.person(Role.HUB_MANAGER)
    made = sheet(world.a.hub, actor=manager)
    header = {name: getattr(made, name) for name in services.HEADER_FIELDS}
    services.update_header(made, {**header, "layout": "themed"}, actor=manager)
    six = [ThemeContent(title=f"テーマ{n}", actions=f"取組{n}") for n in range(1, 7)]
    target = goal(made, themes=six, actor=manager)
    client.force_login(manager)
    url = reverse("evaluation:goal-edit", kwargs={"goal_id": target.pk})
    page = client.get(url)
    themes = page.context["themes"]
    assert len(themes.forms) == 6
    made.refresh_from_db()
    data = {
        "revision": made.revision,
        "title": "見直した見出し",
        "theme-TOTAL_FORMS": "6",
        "theme-INITIAL_FORMS": "6",
    }
    for n, form in enumerate(themes.forms):
        for name in ("title", "actions", "results", "issues"):
            data[f"theme-{n}-{name}"] = form.initial.get(name, "")
    assert client.post(url, data).status_code == 302
    target.refresh_from_db()
    assert target.title == "見直した見出し" and target.themes.count() == 6


def test_a_target_of_nan_is_refused_not_a_server_error(client, world):
    manager = world.a.person(Role.HUB_MANAGER)
    made = sheet(world.a.hub, actor=manager)
    client.force_login(manager)
    url = reverse("evaluation:targets-edit", kwargs={"sheet_id": made.pk})
    response = client.post(url, {"revision": made.revision, "target__visits__person_visits": "nan"})
    assert response.status_code == 200 and made.targets.count() == 0
