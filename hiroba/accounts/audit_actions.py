from django.utils.translation import gettext_lazy as _

from hiroba.core.audit import register_actions

register_actions(
    {
        "accounts.login.succeeded": _("Signed in"),
        "accounts.login.failed": _("Sign-in failed"),
        "accounts.login.locked_out": _("Account locked after failed sign-ins"),
        "accounts.logout.done": _("Signed out"),
        "accounts.session.expired": _("Session expired"),
        "accounts.password.changed": _("Password changed"),
        "accounts.password.set": _("Password set"),
        "accounts.password.reset": _("Password reset by e-mail link"),
        "accounts.mfa.added": _("Two-factor authenticator added"),
        "accounts.mfa.removed": _("Two-factor authenticator removed"),
        "accounts.mfa.reset": _("Recovery codes regenerated"),
        "accounts.mfa.failed": _("Two-factor code rejected"),
        "accounts.mfa.cleared": _("Two-factor reset by a manager"),
        "accounts.user.invited": _("Staff member invited"),
        "accounts.user.updated": _("Profile updated"),
        "accounts.user.unlocked": _("Account unlocked"),
        "accounts.membership.created": _("Role granted"),
        "accounts.membership.changed": _("Role changed"),
        "accounts.membership.deactivated": _("Role ended"),
        "accounts.membership.reactivated": _("Role restored"),
    }
)
