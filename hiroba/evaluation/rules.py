"""The evaluation form's fixed wording (rule section ``evaluation_form``), per municipality.

Yokohama's sheet (domain.md §1.2, §7.8) names the seven programs in the city's official wording,
each with its short name in brackets, and prints six principles, a purpose and how the
evaluation is done and published. A new sheet starts from the hub's previous sheet when there is
one, else from these texts; staff edit them per sheet. The purpose, principles and method below
are our own plain summary of what Yokohama's sheets say, for staff to replace with their
contract's wording. Another municipality overrides any value in ``rule_overrides``.
"""

from datetime import date

from hiroba.core.rules import RuleVersion, register_section

YOKOHAMA_FORM = {
    "form_label": "【単年度事業評価様式】",
    # {ward}: the ward's name; {year} and {next_year}: 令和N年度 of the evaluated and next year.
    "title": "{ward}地域子育て支援拠点事業 {year}重点目標評価結果・{next_year}重点目標",
    "division": "こども家庭支援課",
    "goal_markers": "circled",  # ①②③; "numbers" prints 1． 2． 3．
    "purpose": (
        "乳幼児とその養育者が気軽に集い、交流し、子育ての不安や悩みを相談できる場を提供するとともに、"
        "子育てに関する情報の提供や支援者の育成、地域の支援者同士のつながりづくりを通して、"
        "地域全体で子育てを支える環境をつくることを目的とする。"
    ),
    "principles": [
        "区における子育て支援の拠点として運営する。",
        "就学前の子どもとその養育者、子育て支援に関わる人の誰もが利用でき、子どもの視点に立った運営を行う。",
        "行政機関や地域の関係機関・団体と連携して運営する。",
        "利用者の声や社会の変化に柔軟に対応して運営する。",
        "子育て中の養育者が、支援を受ける側から支援する側になれるよう支える。",
        "地域の人と人とのつながりを広げる。",
    ],
    "programs": [
        "乳幼児の遊びと育ちの場及びその養育者の交流の場の提供（親子の居場所事業）",
        "子育てに関する相談及び関係機関との連携に関すること（子育て相談事業）",
        "子育てに関する情報の収集及び提供に関すること（情報収集・提供事業）",
        "子育てに関する支援活動を行う者同士の連携に関すること（支援者ネットワーク事業）",
        "子育てに関する支援活動を行う者の育成、支援に関すること（人材育成、活動支援事業）",
        "地域の住民同士で子どもを預け、預かる支え合いの促進に関すること"
        "（横浜子育てサポートシステム区支部事務局運営事業）",
        "子育て家庭の個別の相談に応じ、必要な支援や施設・事業につなぐこと（利用者支援事業）",
    ],
    "method": [
        "運営法人と区こども家庭支援課が、年度ごとに重点目標に対する取組内容、成果及び課題を"
        "振り返り、協議のうえ評価を行う。",
        "評価結果及び次年度の重点目標は、拠点のウェブサイト等で公表する。",
    ],
}

NATIONAL_FORM = {
    **YOKOHAMA_FORM,
    "title": "{ward}地域子育て支援拠点事業 {year}事業評価結果・{next_year}重点目標",
    "division": "子育て支援担当課",
    "programs": [
        "子育て親子の交流の場の提供と交流の促進",
        "子育て等に関する相談、援助の実施",
        "地域の子育て関連情報の提供",
        "子育て及び子育て支援に関する講習等の実施",
    ],
}

register_section("yokohama", "evaluation_form", [RuleVersion(date(2006, 4, 1), YOKOHAMA_FORM)])
register_section("national", "evaluation_form", [RuleVersion(date(2006, 4, 1), NATIONAL_FORM)])
