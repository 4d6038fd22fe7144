"""Forms for requests, the contact log and a provider's profile. Times accept full-width digits
and "9時30分" like every form; weekly times are typed as "9:00-12:00" per weekday."""

from __future__ import annotations

import re
import unicodedata
from datetime import time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core.forms import (
    CleanCharField,
    CleanTextareaField,
    JapaneseDateField,
    JapaneseTimeField,
)
from hiroba.kosapo.choices import (
    WEEKDAY_LABELS,
    CarePlace,
    ContactResponse,
    ReceivedVia,
    RequestKind,
    RequestPattern,
    RequestReason,
    RequestStatus,
)
from hiroba.kosapo.profile_services import PROFILE_FLAGS

WEEKDAY_CHOICES = [(str(n), label) for n, label in enumerate(WEEKDAY_LABELS)]
STATUS_FILTER = [("open", _("Being arranged")), ("", _("All")), *RequestStatus.choices]
RANGE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*[-~〜–]\s*(\d{1,2})(?::(\d{2}))?$")


class _Children(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        born = f" ({obj.birth_date:%Y-%m-%d})" if obj.birth_date else ""
        return f"{obj.given_name or obj}{born}"


class RequestForm(forms.Form):
    children = _Children(label=_("Children"), queryset=None, widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(
        label=_("Kind of help"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=RequestReason.choices)
    pattern = forms.ChoiceField(
        label=_("How often"),
        choices=RequestPattern.choices,
        widget=forms.RadioSelect,
        initial=RequestPattern.ONCE,
    )
    first_on = JapaneseDateField(label=_("Date (first day)"))
    last_on = JapaneseDateField(
        label=_("Last day"), required=False, help_text=_("For a weekly request.")
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a weekly request."),
    )
    starts = JapaneseTimeField(label=_("From"))
    ends = JapaneseTimeField(label=_("Until"))
    care_place = forms.ChoiceField(
        label=_("Where the child is cared for"),
        choices=[("", "—"), *CarePlace.choices],
        required=False,
    )
    escort_from = CleanCharField(label=_("Escort from"), required=False, max_length=100)
    escort_to = CleanCharField(label=_("Escort to"), required=False, max_length=100)
    received_via = forms.ChoiceField(
        label=_("Received by"),
        choices=[c for c in ReceivedVia.choices if c[0] != ReceivedVia.PORTAL],
        initial=ReceivedVia.PHONE,
    )
    notes = CleanTextareaField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        help_text=_("Stored encrypted. What the family told you on the phone."),
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = children
        if not self.is_bound:
            self.initial.setdefault("first_on", timezone.localdate())


class ContactForm(forms.Form):
    provider = forms.IntegerField(widget=forms.HiddenInput)
    response = forms.ChoiceField(
        label=_("Answer"), choices=ContactResponse.choices, widget=forms.RadioSelect
    )
    reason = CleanCharField(label=_("Reason"), required=False, max_length=200)


class RequestEndForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (RequestStatus.UNMATCHED.value, RequestStatus.UNMATCHED.label),
            (RequestStatus.CANCELLED.value, RequestStatus.CANCELLED.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = CleanCharField(label=_("Reason"), max_length=200)
    revision = forms.IntegerField(widget=forms.HiddenInput)


def parse_ranges(text: str) -> list[tuple[time, time]]:
    """ "9:00-12:00, 15-18" → [(9:00, 12:00), (15:00, 18:00)]; ValueError on anything else."""
    text = unicodedata.normalize("NFKC", text or "").replace("、", ",")
    text = re.sub(r"時(?=\d)", ":", text).replace("時", "").replace("分", "")
    text = re.sub(r"\s*([-~〜–])\s*", r"\1", text)  # "9:00 - 12:00" is one range
    found = []
    for part in filter(None, (p.strip() for p in re.split(r"[,\s]+(?=\d)", text))):
        match = RANGE.match(part)
        if not match:
            raise ValueError(part)
        h1, m1, h2, m2 = (int(g or 0) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
            raise ValueError(part)
        starts = time(h1, m1)
        ends = time(23, 59) if h2 == 24 else time(h2, m2)
        if ends <= starts:
            raise ValueError(part)
        found.append((starts, ends))
    return found


def format_ranges(ranges: list[tuple[time, time]]) -> str:
    return ", ".join(f"{s.hour}:{s.minute:02d}-{e.hour}:{e.minute:02d}" for s, e in ranges)


class ProfileForm(forms.Form):
    escorts_on_foot = forms.BooleanField(label=_("Escorts on foot"), required=False)
    escorts_by_bicycle = forms.BooleanField(label=_("Escorts by bicycle"), required=False)
    escorts_by_car = forms.BooleanField(label=_("Escorts by car"), required=False)
    cares_at_own_home = forms.BooleanField(label=_("Cares at own home"), required=False)
    cares_at_family_home = forms.BooleanField(label=_("Cares at the family's home"), required=False)
    cares_at_hub = forms.BooleanField(label=_("Cares at the hub's play space"), required=False)
    accepts_infants = forms.BooleanField(label=_("Accepts babies under one"), required=False)
    accepts_siblings = forms.BooleanField(label=_("Accepts siblings together"), required=False)
    has_pets = forms.BooleanField(label=_("Pets at home"), required=False)
    smoking_household = forms.BooleanField(label=_("Someone smokes at home"), required=False)
    max_distance_km = forms.DecimalField(
        label=_("Furthest distance (km)"),
        min_value=0.1,
        max_value=30,
        decimal_places=1,
        initial=2,
        help_text=_("Measured between the two homes' town blocks."),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts served"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Used where a town block has no map position."),
    )
    note = CleanCharField(label=_("Note for coordinators"), required=False, max_length=200)
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = districts
        for number, label in enumerate(WEEKDAY_LABELS):
            self.fields[f"day_{number}"] = CleanCharField(
                label=label,
                required=False,
                max_length=60,
                help_text=_("e.g. 7:00-12:00, 15:00-18:00") if number == 0 else "",
            )

    def day_fields(self):
        return [self[f"day_{n}"] for n in range(7)]

    def flag_fields(self):
        return [self[name] for name in PROFILE_FLAGS]

    def clean(self):
        data = super().clean()
        weekly = []
        for number in range(7):
            try:
                ranges = parse_ranges(data.get(f"day_{number}", ""))
            except ValueError:
                self.add_error(
                    f"day_{number}",
                    _("Write the times like 9:00-12:00 (from before until, in 24-hour time)."),
                )
                continue
            weekly += [(number, s, e) for s, e in ranges]
        data["weekly"] = weekly
        return data


class AwayForm(forms.Form):
    starts_on = JapaneseDateField(label=_("From"))
    ends_on = JapaneseDateField(label=_("Until"))
    note = CleanCharField(label=_("Note"), required=False, max_length=100)
