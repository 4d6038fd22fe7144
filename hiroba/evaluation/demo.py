"""Demo evaluation sheets: two years ago imported from its published text, last year's written
here and published after the ward's review, and this year's in review with the ward's comment
still open and the year's actions logged against its goals."""

from __future__ import annotations

from datetime import timedelta

from hiroba.accounts.models import User
from hiroba.core.demodata import DemoContext, register
from hiroba.evaluation import action_services, import_services, services
from hiroba.evaluation.choices import GoalPart, Section, Side
from hiroba.evaluation.services import GoalContent, ThemeContent
from hiroba.evaluation.textimport import parse_sheet_text
from hiroba.lib.fiscal import fiscal_year_bounds, fiscal_year_of
from hiroba.lib.wareki import format_fiscal_year

LAST_YEAR_GOALS = [
    (
        "誰もが安心して過ごせる居場所づくり",
        "ひろばの開所日を週5日から6日に広げた\n初めての親子に声をかけ、ひろばの使い方を案内した",
        "ひろばの延べ利用者数 {{visits.person_visits}}\n初めて来た親子が、翌月も来るようになった",
        "父親の利用がまだ少ない\n雨の日は混み合い、ゆっくり相談できない",
    ),
    (
        "子育てサポートシステムの担い手を増やす",
        "提供会員研修を年2回開いた\nひろばの利用者に提供会員の活動を紹介した",
        "提供会員 {{kosapo.provider_members}}\n依頼のマッチング率 {{kosapo.matching_rate}}",
        "平日朝の送迎を担える提供会員が足りない",
    ),
]
NEXT_GOALS = [
    (
        "父親や働く家庭も来やすいひろばにする",
        "土曜日の父親講座を年6回開く\n夕方の短時間ひろばを試行する",
    ),
    (
        "地域の支援者とのつながりを広げる",
        "地区ごとの連絡会を開く\n町内会・民生委員と情報を交換する",
    ),
]
PAST_TEXT = """【単年度事業評価様式】
{ward}地域子育て支援拠点事業 {year}重点目標評価結果・{next_year}重点目標
事業実施期間 {period}
事業の実施者 {operator}
{ward}こども家庭支援課
重点目標
① 親子が安心して集える場の提供
取組内容
● 予約なしで利用できる日を増やした
● 季節の行事を毎月行った
取組の成果
〇 利用者アンケートで「また来たい」が9割を超えた
取組の課題
● 午後の利用が少ない
次年度重点目標
① 誰もが安心して過ごせる居場所づくり
取組内容
● ひろばの開所日を増やす
● 初めての親子への声かけを強める
"""


@register("evaluation.sheets", order=90)
def seed_sheets(ctx: DemoContext) -> None:
    hub = ctx.shared["hub"]
    manager = User.objects.get(email="manager@example.jp")
    ward = User.objects.get(email="ward@example.jp")
    this_year = fiscal_year_of(ctx.today)
    _import_past(hub, this_year - 2, manager, ctx.today)
    _publish_last_year(hub, this_year - 1, manager, ward)
    _start_this_year(ctx, hub, this_year, manager, ward)
    ctx.log("  evaluation: 3 sheets (imported, published, in review)")


def _import_past(hub, year: int, manager, today) -> None:
    first, last = fiscal_year_bounds(year)
    text = PAST_TEXT.format(
        ward=hub.ward.name,
        year=format_fiscal_year(year),
        next_year=format_fiscal_year(year + 1),
        period=f"{format_fiscal_year(year)[:-1]}4月1日～{format_fiscal_year(year + 1)[:-1]}3月31日",
        operator=hub.operator.name,
    )
    import_services.import_sheet(
        hub, parse_sheet_text(text), fiscal_year=year, actor=manager, today=today
    )


def _publish_last_year(hub, year: int, manager, ward) -> None:
    sheet = services.create_sheet(hub, year, actor=manager)
    existing = {g.title: g for g in sheet.goals.all()}
    for title, actions, results, issues in LAST_YEAR_GOALS:
        theme = ThemeContent(actions=actions, results=results, issues=issues)
        sheet.refresh_from_db()
        services.save_goal(
            sheet, GoalContent(title, [theme]), goal=existing.get(title), actor=manager
        )
    for title, actions in NEXT_GOALS:
        sheet.refresh_from_db()
        services.save_goal(
            sheet,
            GoalContent(title, [ThemeContent(actions=actions)]),
            part=GoalPart.NEXT,
            actor=manager,
        )
    sheet.refresh_from_db()
    services.submit_for_review(sheet, actor=manager)
    first_goal = sheet.goals.filter(part=GoalPart.CURRENT).first()
    comment = services.add_comment(
        sheet,
        goal=first_goal,
        section=Section.RESULTS,
        side=Side.WARD,
        actor=ward,
        body="利用者数の前年度との比較も載せてください。",
    )
    services.resolve_comment(comment, actor=manager)
    services.approve(sheet, Side.OPERATOR, actor=manager)
    sheet = services.approve(sheet, Side.WARD, actor=ward)
    services.publish(sheet, actor=manager)


def _start_this_year(ctx: DemoContext, hub, year: int, manager, ward) -> None:
    sheet = services.create_sheet(hub, year, actor=manager)
    goals = list(sheet.goals.filter(part=GoalPart.CURRENT))
    logged = [
        (0, 20, "土曜日の父親講座（第1回）を開いた"),
        (0, 50, "夕方の短時間ひろばを試行した（月2回）"),
        (1, 35, "地区連絡会を開き、町内会・民生委員と顔を合わせた"),
    ]
    first, _last = fiscal_year_bounds(year)
    for index, days, text in logged:
        done_on = min(first + timedelta(days=days), ctx.today)
        if index < len(goals):
            action_services.log_action(
                goals[index], done_on=done_on, text=text, actor=manager, today=ctx.today
            )
    if goals:
        services.submit_for_review(sheet, actor=manager)
        services.add_comment(
            sheet,
            goal=goals[0],
            section=Section.ACTIONS,
            side=Side.WARD,
            actor=ward,
            body="父親講座の参加人数も記録しておいてください。",
        )
