from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.api.choices import TokenScope
from hiroba.core.forms import CleanCharField, JapaneseDateField

LONGEST_VALIDITY = timedelta(days=2 * 365)


class TokenForm(forms.Form):
    name = CleanCharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The system that will use it, e.g. 区の講座予約システム"),
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=TokenScope.choices, widget=forms.RadioSelect, initial="read"
    )
    expires_on = JapaneseDateField(
        label=_("Valid until"), help_text=_("At most two years from today.")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=365)

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("The date has passed."))
        if day > today + LONGEST_VALIDITY:
            raise forms.ValidationError(_("At most two years from today."))
        return day
