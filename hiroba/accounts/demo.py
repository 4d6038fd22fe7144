"""Demo staff: one person per role, with printed logins (see ``seed_demo``)."""

from __future__ import annotations

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from hiroba.accounts.choices import Role
from hiroba.accounts.models import Membership, User
from hiroba.core.demodata import DemoContext, DemoLogin, login_lister, register

DEMO_DOMAIN = "example.jp"
# A fixed secret so that the MFA demo login can be added to an authenticator app by hand.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPHIROBADEMO234567"  # noqa: S105 - public demo value

# (local part, name, kana, role, scope key)
PEOPLE = [
    ("city", "中村 一郎", "ナカムラ イチロウ", Role.CITY_ADMIN, "city"),
    ("ward", "小林 美咲", "コバヤシ ミサキ", Role.WARD_OFFICIAL, "ward"),
    ("manager", "森本 かおり", "モリモト カオリ", Role.HUB_MANAGER, "hub"),
    ("staff", "佐藤 花子", "サトウ ハナコ", Role.HUB_STAFF, "hub"),
    ("kosapo", "鈴木 由美", "スズキ ユミ", Role.KOSAPO_COORDINATOR, "hub"),
    ("partner", "高橋 直子", "タカハシ ナオコ", Role.USER_SUPPORT, "hub"),
    ("volunteer", "田中 健太", "タナカ ケンタ", Role.VOLUNTEER, "hub"),
    ("satellite", "伊藤 さやか", "イトウ サヤカ", Role.HUB_STAFF, "satellite"),
    ("mfa", "渡辺 真理", "ワタナベ マリ", Role.HUB_STAFF, "hub"),
]


@register("accounts.staff", order=20)
def seed_staff(ctx: DemoContext) -> None:
    for local, name, kana, role, scope in PEOPLE:
        user = User.objects.create_user(
            email=f"{local}@{DEMO_DOMAIN}",
            password=ctx.password,
            full_name=name,
            full_name_kana=kana,
        )
        target = {
            "city": {"municipality": ctx.shared["city"]},
            "ward": {"ward": ctx.shared["ward"]},
            "hub": {"hub": ctx.shared["hub"]},
            "satellite": {"hub": ctx.shared["satellite"]},
        }[scope]
        Membership.objects.create(user=user, role=role, **target)
        if local == "mfa":
            TOTP.activate(user, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(user)
    ctx.log(f"  staff: {len(PEOPLE)} demo logins")


@login_lister
def list_demo_logins() -> list[DemoLogin]:
    memberships = (
        Membership.objects.active()
        .filter(user__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("user", "hub", "ward", "municipality")
        .order_by("pk")
    )
    rows = []
    for m in memberships:
        note = " · 2FA secret " + DEMO_TOTP_SECRET if m.user.email.startswith("mfa@") else ""
        rows.append(
            DemoLogin(
                role=str(m.get_role_display()),
                email=m.user.email,
                name=m.user.full_name,
                scope=m.scope_label + note,
            )
        )
    return rows
