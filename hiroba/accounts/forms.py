"""Forms for signing in and for managing staff."""

from __future__ import annotations

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from hiroba.accounts.choices import HUB_ROLES, Role
from hiroba.core.forms import CleanCharField, KanaField, NormalisedEmailField
from hiroba.lib.kana import nfkc


class LoginForm(AllauthLoginForm):
    """allauth's login, accepting an e-mail typed in full-width characters by an IME."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail")
        self.fields["login"].widget.attrs.update(
            {"autocomplete": "username", "inputmode": "email", "autofocus": True}
        )
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)

    def clean_login(self):
        return nfkc(super().clean_login()).strip().lower()


class StaffInviteForm(forms.Form):
    full_name = CleanCharField(label=_("Name"), max_length=60)
    full_name_kana = KanaField(label=_("Name (kana)"), max_length=120, required=False)
    email = NormalisedEmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]


class ProfileForm(forms.Form):
    full_name = CleanCharField(label=_("Name"), max_length=60)
    full_name_kana = KanaField(label=_("Name (kana)"), max_length=120, required=False)


def assignable_hub_roles() -> list[Role]:
    return [role for role in Role if role in HUB_ROLES]
