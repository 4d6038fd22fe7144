"""The layout of the evaluation sheet PDF, from a hand-built data dict (no database): every part
prints in the form's order, Typst markup in any string prints as typed, long sheets run over
several A4 pages that each carry the footer and "n / total", the font is Noto Sans JP, the
draft mark shows on every page only when set, and empty sections still print."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from hiroba.evaluation import pdf

TRICKY = '#set page(width: 1cm) $x^2$ *太字* _下線_ @ref <label> `code` \\ // #"quote" ]['
DRAFT = "下書き（未公開）"
TITLE = "港北区地域子育て支援拠点事業 令和7年度重点目標評価結果・令和8年度重点目標"

PRINCIPLES = [
    "子どもが健やかに育つ環境をつくり、親子の育ちを地域全体で見守ります。",
    "親が子育ての主体であることを尊重し、親子が安心して過ごせる居場所を提供します。",
    "多様な背景を持つ家庭を受け止め、誰もが利用しやすい拠点を目指します。",
    "地域の人々や団体と協働し、子育てを支えるネットワークを広げます。",
    "利用者の声を運営に生かし、ともにつくる拠点を目指します。",
    "個人情報を適切に扱い、信頼される拠点であり続けます。",
]
CONTENTS = [
    "乳幼児の遊びと育ちの場及びその養育者の交流の場の提供（親子の居場所事業）",
    "子育てに関する相談・援助の実施",
    "地域の子育て関連情報の収集・提供",
    "子育て支援に関わる人材の育成・支援及びネットワークの構築",
    "横浜子育てサポートシステム区支部事務局の運営",
    "利用者支援事業の実施",
    "その他、区と協議のうえ必要と認める事業",
]


def _header() -> list[dict]:
    return [
        {
            "label": "事業実施期間",
            "paragraphs": ["令和7年４月１日～令和8年３月31日（2年度目／５か年度）"],
            "numbered": [],
        },
        {
            "label": "事業の実施者",
            "paragraphs": ["認定NPO法人びーのびーの", "港北区こども家庭支援課"],
            "numbered": [],
        },
        {
            "label": "事業目的",
            "paragraphs": [
                "地域子育て支援拠点は、乳幼児とその保護者が気軽に集い、交流や相談ができる場を"
                "提供するとともに、地域の子育て支援活動を広げ、子育て家庭を支える人や団体の"
                "ネットワークを築くことにより、安心して子育てができる地域づくりを進めることを"
                "目的とします。"
            ],
            "numbered": [],
        },
        {"label": "【事業・施設運営の基本理念】", "paragraphs": [], "numbered": PRINCIPLES},
        {"label": "事業の内容", "paragraphs": [], "numbered": CONTENTS},
        {
            "label": "事業の評価実施方法及び評価結果の公表方法",
            "paragraphs": [],
            "numbered": [
                "年度ごとに重点目標を定め、区と法人が共同で振り返りを行い評価します。",
                "評価結果は拠点及び区のホームページで公表します。",
            ],
        },
    ]


def _simple(label: str, bullet: str, items: list[str]) -> dict:
    return {
        "label": label,
        "bullet": bullet,
        "themes": [{"marker": "", "title": "", "items": items}],
    }


def _sheet(**changes) -> dict:
    """A published sheet: two goals with the simple layout and one with themes, one next goal."""
    data = {
        "lang": "ja",
        "font": "Noto Sans JP",
        "document_title": TITLE,
        "form_label": "【単年度事業評価様式】",
        "title": TITLE,
        "draft_mark": "",
        "header": _header(),
        "results_heading": "令和7年度重点目標評価結果",
        "goals": [
            {
                "marker": "①",
                "title": "妊娠期から切れ目なく、親子が安心して過ごせる居場所をつくる",
                "sections": [
                    _simple(
                        "取組内容",
                        "●",
                        [
                            "プレママ・プレパパ講座を年6回開催し、出産前から拠点を知る機会をつくった。",
                            "初めて来た親子にスタッフが声をかけ、拠点の使い方を案内した。",
                        ],
                    ),
                    _simple("取組の成果", "〇", ["初めての利用者が前年度より2割増えた。"]),
                    _simple("取組の課題", "●", ["父親の利用が少ない。"]),
                ],
            },
            {
                "marker": "②",
                "title": "地域の子育て情報を届ける",
                "sections": [
                    {
                        "label": "取組内容",
                        "bullet": "●",
                        "themes": [
                            {
                                "marker": "1．",
                                "title": "周知・発信",
                                "items": ["月刊の情報誌を発行した。"],
                            },
                            {
                                "marker": "2．",
                                "title": "ネットワーク",
                                "items": ["地区の子育て連絡会に参加した。"],
                            },
                        ],
                    },
                    _simple("取組の成果", "〇", ["情報誌の配布先が増えた。"]),
                    _simple("取組の課題", "●", ["転入世帯への周知。"]),
                ],
            },
        ],
        "next_heading": "令和8年度重点目標",
        "next_goals": [
            {
                "marker": "①",
                "title": "父親や働く家庭も利用しやすい拠点にする",
                "sections": [_simple("取組内容", "●", ["土曜日のプログラムを増やす。"])],
            }
        ],
        "footer": "港北区地域子育て支援拠点どろっぷ",
    }
    data.update(changes)
    return data


def _long_sheet(**changes) -> dict:
    """5 goals × 3 sections × 12 long bullets: several pages."""
    item = (
        "地域の子育て支援者と連携し、親子が気軽に立ち寄れるよう講座や交流会を企画・運営した"
        "（第{n}回、参加者の声を次回の企画に反映）。"
    )
    goals = [
        {
            "marker": marker,
            "title": f"重点目標{g}：拠点の役割を地域に広げる",
            "sections": [
                _simple(label, "●", [item.format(n=f"{g}-{s}-{i}") for i in range(1, 13)])
                for s, label in enumerate(("取組内容", "取組の成果", "取組の課題"), start=1)
            ],
        }
        for g, marker in enumerate("①②③④⑤", start=1)
    ]
    return _sheet(goals=goals, **changes)


def _squash(text: str) -> str:
    """Text without whitespace: Typst may break lines anywhere in Japanese."""
    return "".join(text.split())


def _pages(document: bytes) -> list[str]:
    return [_squash(page.extract_text()) for page in PdfReader(io.BytesIO(document)).pages]


def _assert_in_order(text: str, expected: list[str]) -> None:
    position = 0
    for printed in expected:
        found = text.find(_squash(printed), position)
        assert found >= 0, f"{printed!r} missing after position {position}"
        position = found + len(_squash(printed))


def _printed_order(data: dict) -> list[str]:
    """Everything the sheet prints, in the form's order."""
    expected = [data["form_label"], data["title"]]
    for entry in data["header"]:
        expected.append(entry["label"])
        expected += entry["paragraphs"]
        expected += [f"{n}\u3000{item}" for n, item in enumerate(entry["numbered"], start=1)]
    for heading, goals in (
        (data["results_heading"], data["goals"]),
        (data["next_heading"], data["next_goals"]),
    ):
        expected.append(heading)
        for goal in goals:
            expected.append(goal["marker"] + goal["title"])
            for section in goal["sections"]:
                expected.append(section["label"])
                for theme in section["themes"]:
                    if theme["marker"] + theme["title"]:
                        expected.append(theme["marker"] + theme["title"])
                    expected += [section["bullet"] + item for item in theme["items"]]
    return expected


def test_the_sheet_prints_every_part_in_the_forms_order():
    data = _sheet()
    document = pdf.sheet_pdf(data)

    assert document.startswith(b"%PDF")
    pages = _pages(document)
    _assert_in_order("".join(pages), _printed_order(data))


def test_the_order_check_notices_a_part_out_of_place():
    """The order assertion itself can fail: the next goals do not come before the results."""
    text = "".join(_pages(pdf.sheet_pdf(_sheet())))
    with pytest.raises(AssertionError):
        _assert_in_order(text, ["父親や働く家庭も利用しやすい拠点にする", "妊娠期から切れ目なく"])


def test_every_page_has_the_footer_and_its_number_and_the_document_title():
    data = _sheet()
    document = pdf.sheet_pdf(data)
    reader = PdfReader(io.BytesIO(document))
    pages = _pages(document)

    assert reader.metadata.title == data["document_title"]
    for number, text in enumerate(pages, start=1):
        assert text.endswith(f"{_squash(data['footer'])}{number}/{len(pages)}"), text[-60:]


def test_typst_markup_in_every_kind_of_string_prints_as_typed():
    data = _sheet(
        title=f"評価 {TRICKY}",
        form_label=f"様式 {TRICKY}",
        results_heading=f"結果 {TRICKY}",
        footer=f"拠点 {TRICKY}",
    )
    data["header"][0]["label"] = f"期間 {TRICKY}"
    data["header"][1]["paragraphs"].append(TRICKY)
    data["header"][3]["numbered"][0] = TRICKY
    goal = data["goals"][1]
    goal["title"] = f"目標 {TRICKY}"
    goal["marker"] = "*②*"
    goal["sections"][0]["label"] = "$取組$"
    goal["sections"][0]["bullet"] = "#"
    goal["sections"][0]["themes"][0]["marker"] = "= "
    goal["sections"][0]["themes"][0]["title"] = f"テーマ {TRICKY}"
    goal["sections"][0]["themes"][1]["items"].append(f"項目 {TRICKY}")

    document = pdf.sheet_pdf(data)
    pages = _pages(document)
    text = "".join(pages)
    tricky = _squash(TRICKY)
    for printed in (
        "様式" + tricky,
        "評価" + tricky,
        "期間" + tricky,
        "1\u3000" + tricky,
        "結果" + tricky,
        "*②*目標" + tricky,
        "$取組$",
        "=テーマ" + tricky,
        "#項目" + tricky,
    ):
        assert _squash(printed) in text, printed
    assert text.count(tricky) >= 10
    # `#set page(width: 1cm)` did not run: the pages are still A4, each with its footer.
    box = PdfReader(io.BytesIO(document)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert all(_squash(f"拠点 {TRICKY}") in page for page in pages)


def test_a_long_sheet_runs_over_several_a4_pages_each_with_footer_and_number():
    data = _long_sheet()
    document = pdf.sheet_pdf(data)
    reader = PdfReader(io.BytesIO(document))
    pages = _pages(document)

    assert len(pages) >= 4
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.28) < 1
        assert abs(float(page.mediabox.height) - 841.89) < 1
    for number, text in enumerate(pages, start=1):
        assert text.endswith(f"{_squash(data['footer'])}{number}/{len(pages)}"), text[-60:]
    whole = "".join(pages)
    _assert_in_order(whole, _printed_order(data))
    # Every bullet prints exactly once, whatever the page breaks.
    for marker in "①②③④⑤":
        assert whole.count(f"{marker}重点目標") >= 1
    assert len(re.findall(r"第\d-\d-\d+回", whole)) == 5 * 3 * 12


def test_a_goal_heading_is_never_left_alone_at_the_bottom_of_a_page():
    """Push goal ② down a line at a time: the page that shows its heading also shows its first
    section, so at some point the whole block moves to the next page instead."""
    data = _sheet()
    first, second = data["goals"]
    heading = _squash(second["marker"] + second["title"])
    moved = False
    for lines in range(8, 40):
        first["sections"][2]["themes"][0]["items"] = [f"課題{n}。" for n in range(lines)]
        pages = _pages(pdf.sheet_pdf(data))
        page = next(text for text in pages if heading in text)
        after = page[page.index(heading) + len(heading) :]
        assert after.startswith("取組内容1．周知・発信●月刊の情報誌"), (lines, after[:40])
        moved = moved or page.startswith(heading)
    assert moved, "goal ② never reached the bottom of page 1"


def test_the_results_heading_stays_with_the_first_goal():
    """Lengthen the header table a line at a time: "令和7年度重点目標評価結果" always shares
    its page with goal ①'s heading and first section, and at some point all three move on."""
    data = _sheet()
    goal = data["goals"][0]
    together = _squash(
        data["results_heading"] + goal["marker"] + goal["title"] + "取組内容●プレママ"
    )
    moved = False
    for lines in range(18, 34):
        data["header"][4]["numbered"] = [f"内容{n}" for n in range(lines)]
        pages = _pages(pdf.sheet_pdf(data))
        assert sum(together in page for page in pages) == 1, lines
        moved = moved or pages[1].startswith(together)
    assert moved, "the results heading never reached the bottom of page 1"


def test_the_font_is_noto_sans_jp():
    reader = PdfReader(io.BytesIO(pdf.sheet_pdf(_sheet(draft_mark=DRAFT))))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Subset names look like "/ABCDEF+NotoSansJP-Regular-Identity-H"; nothing fell back to
    # Typst's own fonts.
    assert fonts and all("+NotoSansJP-Regular" in name for name in fonts), fonts


def test_the_draft_mark_is_on_every_page_when_set():
    document = pdf.sheet_pdf(_long_sheet(draft_mark=DRAFT))
    pages = _pages(document)
    assert len(pages) >= 4
    assert all(DRAFT in page for page in pages)


def test_the_published_sheet_has_no_draft_mark():
    pages = _pages(pdf.sheet_pdf(_long_sheet()))
    assert not any(DRAFT in page or "下書き" in page for page in pages)


def test_empty_sections_and_themes_still_print_their_labels():
    data = _sheet()
    goal = data["goals"][0]
    goal["sections"][0]["themes"] = []
    goal["sections"][1]["themes"] = [{"marker": "", "title": "", "items": []}]
    goal["sections"][2]["themes"] = [{"marker": "1．", "title": "見守り", "items": []}]
    data["next_goals"][0]["sections"] = []
    data["header"][2]["paragraphs"] = []

    text = "".join(_pages(pdf.sheet_pdf(data)))

    _assert_in_order(
        text,
        [
            "事業目的",
            "【事業・施設運営の基本理念】",
            goal["marker"] + goal["title"],
            "取組内容",
            "取組の成果",
            "取組の課題",
            "1．見守り",
            "②地域の子育て情報を届ける",
            "令和8年度重点目標",
            "①父親や働く家庭も利用しやすい拠点にする",
        ],
    )
    assert "初めての利用者" not in text


def test_a_sheet_without_goals_prints_the_headings():
    data = _sheet(goals=[], next_goals=[])
    text = "".join(_pages(pdf.sheet_pdf(data)))
    _assert_in_order(text, ["令和7年度重点目標評価結果", "令和8年度重点目標", data["footer"]])
