"""The parent-side forms of programs: sign-in by e-mail, the program filter, the apply form
and the contact preference. Short labels, native pickers, full-width input accepted."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core.forms import CleanCharField, JapaneseDateField, NormalisedEmailField
from hiroba.families.choices import ContactChannel, Language
from hiroba.portal.forms import DateInput
from hiroba.programs.choices import ProgramCategory

MAX_AGE_MONTHS = 18 * 12
MESSAGE_MAX = 300


class SignInForm(forms.Form):
    email = NormalisedEmailField(label=_("Your e-mail address"), max_length=254)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "inputmode": "email", "autofocus": True}
        )
        self.fields["email"].help_text = _(
            "The address you gave the hub. We send you a link to sign in."
        )


def months_before(on: date, months: int) -> date:
    """The birth date of a child ``months`` months old on ``on`` (end of month clamped)."""
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    month += 1
    for day in (on.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, 28)


class ProgramFilterForm(forms.Form):
    """GET filters of the program list; an empty or wrong field is simply not applied."""

    age_months = forms.IntegerField(
        label=_("Child's age now (months)"),
        min_value=0,
        max_value=MAX_AGE_MONTHS,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    birth_date = JapaneseDateField(
        label=_("Or: child's date of birth"), required=False, widget=DateInput()
    )
    hub = forms.TypedChoiceField(label=_("Hub"), coerce=int, required=False, empty_value=None)
    venue = forms.TypedChoiceField(label=_("Place"), coerce=int, required=False, empty_value=None)
    category = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, hubs=(), venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].choices = [("", _("All hubs")), *((h.pk, h.name) for h in hubs)]
        self.fields["venue"].choices = [("", _("All places")), *((v.pk, v.name) for v in venues)]
        self.fields["category"].choices = [("", _("All kinds")), *ProgramCategory.choices]
        self.fields["language"].choices = [("", _("Any language")), *Language.choices]

    def child_birth_date(self) -> date | None:
        """The birth date to judge ages by, at each program's own date: typed, or worked
        out from the age in months today (a baby of 5 months fits a class for 6–11 months
        held two months from now)."""
        data = self.cleaned_data
        if data.get("birth_date"):
            return data["birth_date"]
        if data.get("age_months") is not None:
            return months_before(timezone.localdate(), data["age_months"])
        return None

    @property
    def is_filtered(self) -> bool:
        cleaned = getattr(self, "cleaned_data", {})
        return any(value not in (None, "") for value in cleaned.values())


class ApplyForm(forms.Form):
    """Who comes and a message. The view renders the choices itself (with each child's
    problems) and a fresh ``idempotency_key`` per page, so a double tap sends one key."""

    members = forms.TypedMultipleChoiceField(
        label=_("Who comes?"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    message = CleanCharField(
        label=_("Message to the staff (optional)"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(m.pk, str(m)) for m in members]
        self.fields["members"].error_messages["required"] = _("Choose who comes.")
        self.fields["members"].error_messages["invalid_choice"] = _(
            "A chosen person is not a member of this family."
        )


class ContactForm(forms.Form):
    contact_channel = forms.ChoiceField(
        label=_("How should the hub contact you?"),
        choices=ContactChannel.choices,
        widget=forms.RadioSelect,
    )
