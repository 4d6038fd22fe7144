"""Forms for slots and bookings. Japanese input (全角 digits, 10時30分, wareki dates) is
normalised by the shared fields; rules that need the database stay in the services."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hiroba.core.forms import (
    CleanCharField,
    CleanTextareaField,
    JapaneseDateField,
    JapaneseTimeField,
    NumberField,
)
from hiroba.lib import kana
from hiroba.support.choices import SlotMode
from hiroba.support.services import MAX_MESSAGE_LENGTH

TIME_SEPARATORS = re.compile(r"[\s,、，/・]+")
MAX_TIMES = 12


class StartTimesField(forms.CharField):
    """Several start times in one box: "10:00 11:00 13:30", "10時、11時半" and full-width
    digits are all normal input here."""

    def to_python(self, value):
        value = kana.nfkc(super().to_python(value) or "").replace("半", "30")
        parts = [part for part in TIME_SEPARATORS.split(value) if part]
        if not parts and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(parts) > MAX_TIMES:
            raise ValidationError(
                _("Enter at most %(count)d start times.") % {"count": MAX_TIMES}, code="too_many"
            )
        one = JapaneseTimeField()
        times = []
        for part in parts:
            try:
                times.append(one.to_python(part))
            except ValidationError:
                raise ValidationError(
                    _("%(value)s is not a time. Write times like 10:00 or 13時30分.")
                    % {"value": part},
                    code="invalid",
                ) from None
        return sorted(set(times))


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class SlotPlanForm(forms.Form):
    day = JapaneseDateField(label=_("Date"))
    start_times = StartTimesField(
        label=_("Start times"),
        help_text=_("Several at once, separated by spaces: e.g. 10:00 11:00 13:30"),
    )
    minutes = NumberField(label=_("Minutes per slot"), min_value=10, max_value=600, initial=50)
    mode = forms.ChoiceField(
        label=_("How"),
        choices=SlotMode.choices,
        widget=forms.RadioSelect,
        initial=SlotMode.IN_PERSON,
    )
    specialist = _PersonChoice(label=_("Specialist"), queryset=None)
    venue = forms.ModelChoiceField(label=_("Place"), queryset=None, required=False)
    note = CleanCharField(label=_("Note for families"), required=False, max_length=200)
    weeks = NumberField(
        label=_("Repeat weekly"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("1 makes the slots of this day only; 4 also makes them for the next 3 weeks."),
    )

    def __init__(self, *args, specialists, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists
        self.fields["venue"].queryset = venues


class CardNumberForm(forms.Form):
    """Staff book for a family found by its card number (phone or counter)."""

    card_number = CleanCharField(label=_("Family card number"), max_length=20)
    topics = forms.ModelMultipleChoiceField(
        label=_("What it is about"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = CleanTextareaField(
        label=_("Note from the call"), required=False, max_length=MAX_MESSAGE_LENGTH
    )

    def __init__(self, *args, households, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.households = households
        self.fields["topics"].queryset = topics

    def clean_card_number(self):
        number = kana.nfkc(self.cleaned_data["card_number"]).strip()
        household = self.households.filter(card_number=number).first()
        if household is None:
            raise ValidationError(_("No family of this hub has that card number."))
        return household


class BookingForm(forms.Form):
    """What a parent tells the specialist when booking (everything optional)."""

    topics = forms.ModelMultipleChoiceField(
        label=_("What would you like to talk about? (optional)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = CleanTextareaField(
        label=_("Anything you would like us to know beforehand (optional)"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        help_text=_("Only the specialist reads this."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics


class WeekForm(forms.Form):
    week = JapaneseDateField(required=False)
