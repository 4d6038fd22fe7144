"""Forms for signing in and for managing staff."""

from __future__ import annotations

import re

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.core import context as allauth_context
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.totp import forms as mfa_totp_forms
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hiroba.accounts.choices import HUB_ROLES, Role
from hiroba.core.after_response import defer
from hiroba.core.forms import CleanCharField, KanaField, NormalisedEmailField
from hiroba.core.models import Ward
from hiroba.lib.kana import nfkc


class LoginForm(AllauthLoginForm):
    """allauth's login, accepting an e-mail typed in full-width characters by an IME."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = NormalisedEmailField(
            label=_("E-mail"),
            widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
        )
        password = self.fields["password"]
        password.widget.attrs.pop("placeholder", None)
        # The page has its own "Forgot your password?" link; allauth's would repeat it.
        password.help_text = ""

    def clean_login(self):
        return nfkc(super().clean_login()).strip().lower()


class ResetPasswordForm(AllauthResetPasswordForm):
    """The reset mail (or allauth's "no account for this address" mail) goes out after the
    answer is sent: building and sending the reset link took measurably longer than the
    unknown-account mail, which told an attacker which addresses have accounts
    (bench/credential_stuffing.py)."""

    def save(self, request, **kwargs) -> str:
        def send() -> None:
            with allauth_context.request_context(request):
                AllauthResetPasswordForm.save(self, request, **kwargs)

        defer(request, send)
        return self.cleaned_data["email"]


class StaffInviteForm(forms.Form):
    full_name = CleanCharField(label=pgettext_lazy("person", "Name"), max_length=60)
    full_name_kana = KanaField(
        label=pgettext_lazy("person", "Name (kana)"), max_length=120, required=False
    )
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
    full_name = CleanCharField(label=pgettext_lazy("person", "Name"), max_length=60)
    full_name_kana = KanaField(
        label=pgettext_lazy("person", "Name (kana)"), max_length=120, required=False
    )


def assignable_hub_roles() -> list[Role]:
    return [role for role in Role if role in HUB_ROLES]


class OneTimeCodeField(forms.CharField):
    """A 6-digit TOTP or 8-digit recovery code, as typed: full-width digits from an IME,
    spaces and hyphens are accepted."""

    widget = forms.TextInput(
        attrs={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "class": "input--code",
            "autofocus": True,
        }
    )

    def to_python(self, value):
        value = super().to_python(value)
        return re.sub(r"[\s\-]", "", nfkc(value)) if value else value


class _TypedCodeMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = OneTimeCodeField(label=self.fields["code"].label, max_length=20)


class AuthenticateForm(_TypedCodeMixin, mfa_base_forms.AuthenticateForm):
    pass


class ReauthenticateForm(_TypedCodeMixin, mfa_base_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(_TypedCodeMixin, mfa_totp_forms.ActivateTOTPForm):
    pass


class CityAccountInviteForm(forms.Form):
    """A ward official (at a ward) or a city administrator (for the city)."""

    full_name = CleanCharField(label=pgettext_lazy("person", "Name"), max_length=60)
    full_name_kana = KanaField(
        label=pgettext_lazy("person", "Name (kana)"), max_length=120, required=False
    )
    email = NormalisedEmailField(label=_("E-mail"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in (Role.WARD_OFFICIAL, Role.CITY_ADMIN)],
    )
    ward = forms.ModelChoiceField(
        label=_("Ward"),
        queryset=Ward.objects.none(),
        required=False,
        help_text=_("For ward officials."),
    )

    def __init__(self, *args, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.WARD_OFFICIAL and not cleaned.get("ward"):
            self.add_error("ward", _("Choose the ward of the ward official."))
        return cleaned
