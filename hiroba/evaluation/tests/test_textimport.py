"""Tests for reading pasted evaluation sheet text; the sample sheets are invented."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiroba.evaluation.textimport import (
    NO_STRUCTURE_WARNING,
    ParsedGoal,
    ParsedSheet,
    ParsedTheme,
    join_lines,
    normalize_line,
    parse_sheet_text,
)

PRINCIPLES = [
    "子どもの育ちを第一に考えます。",
    "親の主体性を大切にし、ともに育ち合う関係をつくります。",
    "誰もが安心して過ごせる居場所をつくります。",
    "地域の人や団体とつながり、ともに子育てを支えます。",
    "多様な家庭の背景を尊重し、一人ひとりに寄り添います。",
    "利用者の声を生かし、開かれた運営を行います。",
]
PROGRAMS = [
    "乳幼児の遊びと育ちの場及びその養育者の交流の場の提供（親子の居場所事業）",
    "子育てに関する相談、援助の実施（子育て相談事業）",
    "地域の子育て関連情報の収集及び提供（情報収集・提供事業）",
    "子育て支援に関わる人材の育成・活動支援（人材育成事業）",
    "子育て支援に関わるネットワークの構築（ネットワーク事業）",
    "横浜子育てサポートシステム区支部事務局の運営（子サポ事業）",
    "子育て家庭が必要な支援を選んで利用できるよう情報提供と相談を行う（利用者支援事業）",
]
METHOD = [
    "拠点職員と区こども家庭支援課が重点目標に沿って年度の取組を振り返り、共同で評価を行う。",
    "評価結果は拠点のホームページに掲載するとともに、ひろば内に掲示して公表する。",
]
PURPOSE = (
    "地域の子育て家庭が気軽に集い、交流し、相談できる場を提供するとともに、"
    "地域全体で子育てを支える環境づくりを進めることを目的とする。"
)

CLEAN_SHEET = """\
【単年度事業評価様式】
みどり区地域子育て支援拠点事業　令和6年度重点目標評価結果・令和7年度重点目標
事業実施期間
令和6年4月1日～令和7年3月31日（4年度目／5か年度）
事業の実施者
認定NPO法人こもれびの会
みどり区こども家庭支援課
事業目的
地域の子育て家庭が気軽に集い、交流し、相談できる場を提供するとともに、
地域全体で子育てを支える環境づくりを進めることを目的とする。
【事業・施設運営の基本理念】
1 子どもの育ちを第一に考えます。
2 親の主体性を大切にし、ともに育ち合う関係をつくります。
3 誰もが安心して過ごせる居場所をつくります。
4 地域の人や団体とつながり、ともに子育てを支えます。
5 多様な家庭の背景を尊重し、一人ひとりに寄り添います。
6 利用者の声を生かし、開かれた運営を行います。
事業の内容
1 乳幼児の遊びと育ちの場及びその養育者の交流の場の提供（親子の居場所事業）
2 子育てに関する相談、援助の実施（子育て相談事業）
3 地域の子育て関連情報の収集及び提供（情報収集・提供事業）
4 子育て支援に関わる人材の育成・活動支援（人材育成事業）
5 子育て支援に関わるネットワークの構築（ネットワーク事業）
6 横浜子育てサポートシステム区支部事務局の運営（子サポ事業）
7 子育て家庭が必要な支援を選んで利用できるよう情報提供と相談を行う
（利用者支援事業）
事業の評価実施方法及び評価結果の公表方法
1 拠点職員と区こども家庭支援課が重点目標に沿って年度の取組を振り返り、
共同で評価を行う。
2 評価結果は拠点のホームページに掲載するとともに、ひろば内に掲示して公表する。
令和6年度重点目標評価結果
①初めて来た親子が安心して過ごせるひろばづくり
取組内容
●初めての利用者に声をかけ、ひろばの使い方や
過ごし方を丁寧に案内した。
●月1回「はじめてさんの日」を設けた。
取組の成果
〇初めての利用者のうち約7割が2回目以降も来所した。
〇アンケートで「また来たい」との声が多く寄せられた。
取組の課題
●午後の時間帯は職員の声かけが手薄になることがある。
②子育て相談の充実
取組内容
●相談員が毎日ひろばにいて、気軽に相談できる体制を整えた。
取組の成果
〇相談件数が前年度より増えた。
取組の課題
●専門機関へのつなぎ方を職員間で共有する必要がある。
●夜間・休日の相談先の情報提供が十分でない。
③子サポ会員の拡大
取組内容
●入会説明会を毎月開催した。
●地域ケアプラザで出張説明会を実施した。
取組の成果
〇提供会員が15名増えた。
取組の課題
●提供会員の住まいが一部の地域に偏っている。
令和7年度重点目標
①地域とつながるひろばづくり
取組内容
●地域ケアプラザや保育園と連携した講座を開催する。
●民生委員・主任児童委員との情報交換会を年2回行う。
②利用者支援の充実
取組内容
●利用者支援専門員がひろばでの相談に加わる。
"""


def simple(number, title, actions, results=(), issues=()):
    return ParsedGoal(
        number, title, [ParsedTheme("", "", list(actions), list(results), list(issues))]
    )


CLEAN_EXPECTED = ParsedSheet(
    ward_name="みどり区",
    fiscal_year=2024,
    period_text="令和6年4月1日～令和7年3月31日（4年度目／5か年度）",
    term_year=4,
    term_years=5,
    implementers=["認定NPO法人こもれびの会", "みどり区こども家庭支援課"],
    purpose=PURPOSE,
    principles=PRINCIPLES,
    programs=PROGRAMS,
    method=METHOD,
    goals=[
        simple(
            "1",
            "初めて来た親子が安心して過ごせるひろばづくり",
            [
                "初めての利用者に声をかけ、ひろばの使い方や過ごし方を丁寧に案内した。",
                "月1回「はじめてさんの日」を設けた。",
            ],
            [
                "初めての利用者のうち約7割が2回目以降も来所した。",
                "アンケートで「また来たい」との声が多く寄せられた。",
            ],
            ["午後の時間帯は職員の声かけが手薄になることがある。"],
        ),
        simple(
            "2",
            "子育て相談の充実",
            ["相談員が毎日ひろばにいて、気軽に相談できる体制を整えた。"],
            ["相談件数が前年度より増えた。"],
            [
                "専門機関へのつなぎ方を職員間で共有する必要がある。",
                "夜間・休日の相談先の情報提供が十分でない。",
            ],
        ),
        simple(
            "3",
            "子サポ会員の拡大",
            ["入会説明会を毎月開催した。", "地域ケアプラザで出張説明会を実施した。"],
            ["提供会員が15名増えた。"],
            ["提供会員の住まいが一部の地域に偏っている。"],
        ),
    ],
    next_goals=[
        simple(
            "1",
            "地域とつながるひろばづくり",
            [
                "地域ケアプラザや保育園と連携した講座を開催する。",
                "民生委員・主任児童委員との情報交換会を年2回行う。",
            ],
        ),
        simple("2", "利用者支援の充実", ["利用者支援専門員がひろばでの相談に加わる。"]),
    ],
    warnings=[],
)


def test_clean_simple_sheet_reads_every_field():
    assert parse_sheet_text(CLEAN_SHEET) == CLEAN_EXPECTED


def test_clean_sheet_goal_titles_and_bullets_in_order():
    sheet = parse_sheet_text(CLEAN_SHEET)
    assert [goal.title for goal in sheet.goals] == [
        "初めて来た親子が安心して過ごせるひろばづくり",
        "子育て相談の充実",
        "子サポ会員の拡大",
    ]
    assert [len(goal.themes[0].issues) for goal in sheet.goals] == [1, 2, 1]
    assert [goal.number for goal in sheet.next_goals] == ["1", "2"]
    assert all(not theme.results for goal in sheet.next_goals for theme in goal.themes)


SHORT_TOP = """\
【単年度事業評価様式】
あおば区地域子育て支援拠点事業 令和5年度重点目標評価結果・令和6年度重点目標
事業実施期間 令和5年4月1日～令和6年3月31日（3年度目／5か年度）
"""

THEMED_GOAL = """\
{g1}地域とつながり、ともに育つ拠点
取組内容
1．周知・発信
●SNSとおたよりで毎月の予定を発信した。
2．居場所づくり
●プレママ・プレパパ向けの見学会を開いた。
3．ネットワーク構築
●区内の子育て支援者連絡会に参加した。
取組の成果
1．周知・発信
〇Instagramのフォロワーが増えた。
2．居場所づくり
〇見学会の参加者の半数が出産後に来所した。
〇父親の来所が増えた。
3．ネットワーク構築
〇連絡会を通じて保育園との合同行事が実現した。
取組の課題
1．周知・発信
●SNSを使わない世帯への周知。
2．居場所づくり
●平日に来られない家庭への対応。
3．ネットワーク構築
●小学校との連携。
{g2}子サポの利用促進
取組内容
●子サポの紹介チラシを健診会場で配布した。
取組の成果
〇新規の利用会員が増えた。
取組の課題
●提供会員の不足。
"""

THEMED_EXPECTED_GOALS = [
    ParsedGoal(
        "1",
        "地域とつながり、ともに育つ拠点",
        [
            ParsedTheme(
                "1",
                "周知・発信",
                ["SNSとおたよりで毎月の予定を発信した。"],
                ["Instagramのフォロワーが増えた。"],
                ["SNSを使わない世帯への周知。"],
            ),
            ParsedTheme(
                "2",
                "居場所づくり",
                ["プレママ・プレパパ向けの見学会を開いた。"],
                ["見学会の参加者の半数が出産後に来所した。", "父親の来所が増えた。"],
                ["平日に来られない家庭への対応。"],
            ),
            ParsedTheme(
                "3",
                "ネットワーク構築",
                ["区内の子育て支援者連絡会に参加した。"],
                ["連絡会を通じて保育園との合同行事が実現した。"],
                ["小学校との連携。"],
            ),
        ],
    ),
    simple(
        "2",
        "子サポの利用促進",
        ["子サポの紹介チラシを健診会場で配布した。"],
        ["新規の利用会員が増えた。"],
        ["提供会員の不足。"],
    ),
]

THEMED_NEXT = """\
令和6年度重点目標
{g1}地域とつながり、ともに育つ拠点
取組内容
1．周知・発信
●紙のおたよりを町内会の回覧で届ける。
2．居場所づくり
●土曜日のひろばを月2回に増やす。
{g2}子サポの利用促進
取組内容
●提供会員向けの研修を年3回行う。
"""

THEMED_EXPECTED_NEXT = [
    ParsedGoal(
        "1",
        "地域とつながり、ともに育つ拠点",
        [
            ParsedTheme("1", "周知・発信", ["紙のおたよりを町内会の回覧で届ける。"]),
            ParsedTheme("2", "居場所づくり", ["土曜日のひろばを月2回に増やす。"]),
        ],
    ),
    simple("2", "子サポの利用促進", ["提供会員向けの研修を年3回行う。"]),
]


@pytest.mark.parametrize(
    ("g1", "g2"),
    [
        ("①", "②"),
        ("1.", "2."),
        ("１．", "２．"),
        ("重点目標１　", "重点目標２　"),
        ("(1) ", "(2) "),
    ],
)
def test_themed_layout_merges_themes_by_number_across_sections(g1, g2):
    text = (
        SHORT_TOP
        + "令和5年度重点目標評価結果\n"
        + THEMED_GOAL.format(g1=g1, g2=g2)
        + THEMED_NEXT.format(g1=g1, g2=g2)
    )
    sheet = parse_sheet_text(text)
    assert sheet.warnings == []
    assert sheet.goals == THEMED_EXPECTED_GOALS
    assert sheet.next_goals == THEMED_EXPECTED_NEXT
    assert (sheet.ward_name, sheet.fiscal_year, sheet.term_year) == ("あおば区", 2023, 3)


@pytest.mark.parametrize(
    ("g1", "g2", "g3"),
    [
        ("①", "②", "③"),
        ("1.", "2.", "3."),
        ("１．", "２．", "３．"),
        ("重点目標１", "重点目標２", "重点目標３"),
        ("重点目標①：", "重点目標②：", "重点目標③："),
        ("（1）", "（2）", "（3）"),
    ],
)
def test_goal_numbering_styles(g1, g2, g3):
    text = CLEAN_SHEET
    for old, new in (("①", g1), ("②", g2), ("③", g3)):
        text = text.replace(old, new)
    assert parse_sheet_text(text) == CLEAN_EXPECTED


def test_principles_numbered_in_other_styles():
    for style in ("({})", "{}.", "{}．", "①②③④⑤⑥"):
        text = CLEAN_SHEET
        for n in range(1, 7):
            marker = style[n - 1] if len(style) == 6 else style.format(n)
            text = text.replace(f"\n{n} {PRINCIPLES[n - 1]}", f"\n{marker}{PRINCIPLES[n - 1]}")
        assert parse_sheet_text(text).principles == PRINCIPLES, style


MESSY_SHEET = (
    "\ufeff【単年度事業評価様式】\r\n"
    "\r\n"
    "はなみずき区地域子育て支援拠点事業　令和６年度重点目標評価結果・令和７年度重点目標\r\n"
    "事業実施期間\t令和６年４月１日～令和７年３月31日（２年度目／５か年度）\r\n"
    "事業の実施者\t認定ＮＰＯ法人はなみずきネット\t\tはなみずき区こども家庭支援課\r\n"
    "事 業 目 的　　子育て中の親子が安心して集える場をつくり、\r\n"
    "\r\n"
    "地域で子育てを支え合う関係を育てる。\r\n"
    "【事業・施設運営の基本理念】\r\n"
    "１．子どもの育ちを第一に考えます。\r\n"
    "２．親の主体性を大切にし、ともに育ち合う\r\n"
    "関係をつくります。\r\n"
    "- 1 -\r\n"
    "【単年度事業評価様式】\r\n"
    "はなみずき区地域子育て支援拠点事業　令和６年度重点目標評価結果・令和７年度重点目標\r\n"
    "３．誰もが安心して過ごせる居場所をつくります。\r\n"
    "事業の評価実施方法及び\r\n"
    "評価結果の公表方法\r\n"
    "(1) 拠点と区が共同で評価する。\r\n"
    "(2) ホームページで公表する。\r\n"
    "令和６年度重点目標評価結果\r\n"
    "１．ﾌﾟﾚﾏﾏ・ﾌﾟﾚﾊﾟﾊﾟが\r\n"
    "つながるひろば\r\n"
    "取 組 内 容\r\n"
    "・ﾌﾟﾚﾏﾏ向けの見学会を\r\n"
    "１０月から毎月開催した。\r\n"
    "◆父親向け講座 Nobody's\r\n"
    "Perfect を開催した。\r\n"
    "2/5\r\n"
    "【単年度事業評価様式】\r\n"
    "取り組みの成果\r\n"
    "〇見学会の参加者が　延べ４０組になった。\r\n"
    "○出産後に来所した家庭が増えた。\r\n"
    "課題：●平日に来られない家庭への対応。\r\n"
    "■ 父親の参加の継続。\r\n"
    "２．子育て相談の充実\r\n"
    "取組内容：●ひろばで　毎日相談を受けた。\r\n"
    "成果\r\n"
    "・相談件数が増えた。\r\n"
    "3\r\n"
    "取組の 課題\r\n"
    "・専門職との連携。 ●記録の共有。\r\n"
    "次年度重点目標\r\n"
    "１．プレママ・プレパパがつながるひろば\r\n"
    "取組内容\r\n"
    "●見学会を土曜日にも開く。\r\n"
    "ページ 4\r\n"
    "以上\r\n"
)


def test_messy_pdf_text():
    sheet = parse_sheet_text(MESSY_SHEET)
    assert sheet.ward_name == "はなみずき区"
    assert sheet.fiscal_year == 2024
    assert sheet.period_text == "令和6年4月1日～令和7年3月31日（2年度目／5か年度）"
    assert (sheet.term_year, sheet.term_years) == (2, 5)
    assert sheet.implementers == ["認定NPO法人はなみずきネット", "はなみずき区こども家庭支援課"]
    assert sheet.purpose == (
        "子育て中の親子が安心して集える場をつくり、地域で子育てを支え合う関係を育てる。"
    )
    assert sheet.principles == PRINCIPLES[:3]
    assert sheet.programs == []
    assert sheet.method == ["拠点と区が共同で評価する。", "ホームページで公表する。"]
    assert sheet.goals == [
        simple(
            "1",
            "プレママ・プレパパがつながるひろば",
            [
                "プレママ向けの見学会を10月から毎月開催した。",
                "父親向け講座 Nobody's Perfect を開催した。",
            ],
            ["見学会の参加者が 延べ40組になった。", "出産後に来所した家庭が増えた。"],
            ["平日に来られない家庭への対応。", "父親の参加の継続。"],
        ),
        simple(
            "2",
            "子育て相談の充実",
            ["ひろばで 毎日相談を受けた。"],
            ["相談件数が増えた。"],
            ["専門職との連携。", "記録の共有。"],
        ),
    ]
    assert sheet.next_goals == [
        simple("1", "プレママ・プレパパがつながるひろば", ["見学会を土曜日にも開く。"])
    ]
    assert sheet.warnings == []


def test_heisei_years():
    text = (
        "【単年度事業評価様式】\n"
        "さくら区地域子育て支援拠点事業 平成31年度重点目標評価結果・令和2年度重点目標\n"
        "事業実施期間 平成31年4月1日～令和2年3月31日（1年度目／5か年度）\n"
        "平成31年度重点目標\n"
        "①ひろばの周知\n取組内容\n●チラシを配った。\n"
        "令和2年度重点目標\n"
        "①ひろばの周知\n取組内容\n●SNSを始める。\n"
    )
    sheet = parse_sheet_text(text)
    assert (sheet.ward_name, sheet.fiscal_year, sheet.term_year) == ("さくら区", 2019, 1)
    assert sheet.goals == [simple("1", "ひろばの周知", ["チラシを配った。"])]
    assert sheet.next_goals == [simple("1", "ひろばの周知", ["SNSを始める。"])]


def test_heisei_next_year_heading_without_evaluation_word():
    text = (
        "つばき区地域子育て支援拠点事業\n平成29年度重点目標評価結果・平成30年度重点目標\n"
        "平成29年度重点目標\n①相談の充実\n取組内容\n●相談日を増やした。\n"
        "平成30年度重点目標\n①相談の充実\n取組内容\n●相談を予約制にする。\n"
    )
    sheet = parse_sheet_text(text)
    assert (sheet.ward_name, sheet.fiscal_year) == ("つばき区", 2017)
    assert [g.themes[0].actions for g in sheet.goals] == [["相談日を増やした。"]]
    assert [g.themes[0].actions for g in sheet.next_goals] == [["相談を予約制にする。"]]


def test_fiscal_year_falls_back_to_the_period():
    text = CLEAN_SHEET.replace("令和6年度重点目標評価結果・令和7年度重点目標", "")
    sheet = parse_sheet_text(text)
    assert (sheet.ward_name, sheet.fiscal_year) == ("みどり区", 2024)
    assert len(sheet.goals) == 3


def test_goals_straight_after_the_method_without_a_heading():
    text = CLEAN_SHEET.replace("令和6年度重点目標評価結果\n", "")
    assert parse_sheet_text(text) == CLEAN_EXPECTED


def test_page_header_repeated_inside_a_goal_is_dropped():
    header = "\n".join(CLEAN_SHEET.splitlines()[:2]) + "\n"
    text = CLEAN_SHEET.replace("過ごし方を丁寧に", "- 2 -\n" + header + "過ごし方を丁寧に")
    assert parse_sheet_text(text) == CLEAN_EXPECTED


def test_table_header_row_is_dropped():
    text = CLEAN_SHEET.replace(
        "令和6年度重点目標評価結果\n",
        "令和6年度重点目標評価結果\n重点目標　取組内容　取組の成果　取組の課題\n",
    )
    assert parse_sheet_text(text) == CLEAN_EXPECTED


@pytest.mark.parametrize(
    "text", ["", "\n\n", "今日はいい天気でした。\n公園で子どもと遊びました。\n1. 楽しかった"]
)
def test_no_structure_gives_an_empty_sheet_with_a_warning(text):
    assert parse_sheet_text(text) == ParsedSheet(warnings=[NO_STRUCTURE_WARNING])


def test_a_bullet_without_a_goal_is_reported_with_its_line_number():
    text = CLEAN_SHEET.replace(
        "令和6年度重点目標評価結果\n", "令和6年度重点目標評価結果\n●どこにも属さない行\n"
    )
    line = CLEAN_SHEET.splitlines().index("令和6年度重点目標評価結果") + 2
    sheet = parse_sheet_text(text)
    assert sheet.warnings == [f"{line}行目を読み取れませんでした: ●どこにも属さない行"]
    assert sheet.goals == CLEAN_EXPECTED.goals


def test_a_stray_line_in_the_title_block_is_reported():
    text = CLEAN_SHEET.replace("事業実施期間\n", "作成者：山田\n事業実施期間\n")
    sheet = parse_sheet_text(text)
    assert sheet.warnings == ["3行目を読み取れませんでした: 作成者：山田"]
    assert sheet.ward_name == "みどり区"


def test_missing_parts_are_warned_about():
    sheet = parse_sheet_text("重点目標\n子育て相談の充実\n取組内容\n●相談日を増やした。\n")
    assert sheet.goals == [simple("1", "子育て相談の充実", ["相談日を増やした。"])]
    assert sheet.warnings == [
        "評価の対象年度を読み取れませんでした。",
        "次年度の重点目標が見つかりませんでした。",
    ]


def test_section_heading_without_a_goal_title():
    sheet = parse_sheet_text("令和6年度重点目標評価結果\n取組内容\n●相談日を増やした。\n")
    assert sheet.goals == [simple("1", "", ["相談日を増やした。"])]
    assert sheet.warnings[0].startswith("2行目:")


def test_normalize_line_keeps_japanese_punctuation():
    assert normalize_line("\ufeff　ＮＰＯ法人（ﾃｽﾄ）、１２３。　") == "NPO法人（テスト）、123。"


@pytest.mark.parametrize(
    ("head", "tail", "joined"),
    [
        ("ひろばの使い方や", "過ごし方", "ひろばの使い方や過ごし方"),
        ("Nobody's", "Perfect", "Nobody's Perfect"),
        ("LINE", "で発信", "LINEで発信"),
        ("参加者は1", "20名", "参加者は120名"),
        ("", "text", "text"),
    ],
)
def test_join_lines(head, tail, joined):
    assert join_lines(head, tail) == joined


_ALPHABET = st.sampled_from(
    list("●〇○・①②1２．.（）()\t 　\r\n-/区年度重点目標取組内容成果課題事業実施期間令和平成元あア")
    + ["\ufeff"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_never_raises(text):
    sheet = parse_sheet_text(text)
    assert isinstance(sheet, ParsedSheet)
    assert all(isinstance(goal, ParsedGoal) and goal.themes for goal in sheet.goals)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(CLEAN_SHEET)), st.text(max_size=20))
def test_never_raises_on_a_damaged_sheet(position, noise):
    parse_sheet_text(CLEAN_SHEET[:position] + noise + CLEAN_SHEET[position:])


def test_other_first_page_header_lines_repeated_later_are_dropped():
    hub_line = "みどり区地域子育て支援拠点 こもれびひろば"
    text = CLEAN_SHEET.replace("事業実施期間\n", hub_line + "\n事業実施期間\n", 1)
    text = text.replace("過ごし方を丁寧に", "2/5\n" + hub_line + "\n―――――\n過ごし方を丁寧に")
    assert parse_sheet_text(text) == CLEAN_EXPECTED


def test_items_without_bullets_split_at_sentence_ends():
    text = (
        "令和6年度重点目標評価結果\n①相談の充実\n取組内容\n"
        "相談員が毎日ひろばに\nいるようにした。\n電話相談を始めた。\n"
        "取組の成果\n相談件数が増えた。\n"
    )
    goal = parse_sheet_text(text).goals[0]
    assert goal.themes[0].actions == ["相談員が毎日ひろばにいるようにした。", "電話相談を始めた。"]
    assert goal.themes[0].results == ["相談件数が増えた。"]


def test_implementer_names_broken_over_lines():
    text = CLEAN_SHEET.replace(
        "認定NPO法人こもれびの会\n", "特定非営利活動法人\nこもれびの会\n（運営法人）\n"
    )
    assert parse_sheet_text(text).implementers == [
        "特定非営利活動法人こもれびの会（運営法人）",
        "みどり区こども家庭支援課",
    ]


def test_same_numbering_for_goals_and_themes_tells_them_apart_by_title():
    text = SHORT_TOP + "令和5年度重点目標評価結果\n" + THEMED_GOAL.format(g1="1．", g2="2．")
    text = text.replace(
        "●小学校との連携。", "●小学校との連携。\n2．居場所づくり\n●もう一つの課題。"
    )
    goals = parse_sheet_text(text).goals
    assert [goal.title for goal in goals] == ["地域とつながり、ともに育つ拠点", "子サポの利用促進"]
    assert goals[0].themes[1].issues == ["平日に来られない家庭への対応。", "もう一つの課題。"]
