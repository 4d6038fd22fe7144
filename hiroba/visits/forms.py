"""Forms of reception, walk-ins and the daily log. Counts accept full-width digits; times
accept "9:30", "９：３０", "9時30分" and "930"."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from hiroba.core.forms import CleanCharField, CleanTextareaField
from hiroba.lib.kana import nfkc
from hiroba.lib.text import normalize_digits
from hiroba.visits.choices import IncidentKind
from hiroba.visits.services import MAX_WALK_IN_PEOPLE, Counts

TEXT_LIMIT = 4000


class CountField(forms.IntegerField):
    """A head count typed on a tablet: full-width digits accepted, empty means 0."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_WALK_IN_PEOPLE)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "numeric",
            "autocomplete": "off",
            "class": "input--count",
        }

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_digits(value).strip()
        if value in self.empty_values:
            return 0
        return super().to_python(value)


def _clock_text(value: str) -> str:
    text = re.sub(r"\s+", "", nfkc(value))
    text = text.replace("時半", ":30").replace("時", ":").replace("分", "")
    if re.fullmatch(r"\d{3,4}", text):
        return f"{text[:-2]}:{text[-2:]}"
    if re.fullmatch(r"\d{1,2}:?", text):
        return f"{text.rstrip(':')}:00"
    return text


class ClockTimeField(forms.TimeField):
    """A time of day: "9:30", "09:30", "９：３０", "9時30分", "9時半", "930"."""

    input_formats = ["%H:%M"]
    default_error_messages = {"invalid": _("Enter a time such as 9:30.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("e.g. 9:30 or 930"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "size": 6}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = _clock_text(normalize_digits(value))
        return super().to_python(value)


def _venue_choices(venues) -> list[tuple[int, str]]:
    return [(v.pk, v.name) for v in venues]


class CheckInForm(forms.Form):
    """Which members came, and where. The choices are the family's members present today
    (a pregnancy is not a person who can come yet) and the hub's venues in use."""

    members = forms.TypedMultipleChoiceField(
        label=_("Who came today?"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one family member who came.")},
    )
    venue = forms.TypedChoiceField(
        label=_("Venue"),
        coerce=int,
        error_messages={
            "required": _("Choose the venue."),
            "invalid_choice": _("Choose the venue."),
        },
    )

    def __init__(self, *args, members, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.venues = {v.pk: v for v in venues}
        self.fields["members"].choices = [(m.pk, str(m)) for m in members]
        self.fields["venue"].choices = _venue_choices(venues)

    def clean_venue(self):
        return self.venues[self.cleaned_data["venue"]]


class VenueChoiceForm(forms.Form):
    venue = forms.TypedChoiceField(label=_("Venue"), coerce=int)

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.venues = {v.pk: v for v in venues}
        self.fields["venue"].choices = _venue_choices(venues)

    def clean_venue(self):
        return self.venues[self.cleaned_data["venue"]]


class WalkInForm(VenueChoiceForm):
    """An anonymous group: how many adults and children of each age band."""

    adults = CountField(label=_("Adults"), help_text=_("Everyone 18 or over, fathers included."))
    fathers = CountField(label=_("Of whom fathers"))
    grandparents = CountField(label=_("Of whom grandparents"))
    pregnant = CountField(label=_("Of whom pregnant"))
    children_0 = CountField(label=_("Children aged 0"))
    children_1 = CountField(label=_("Children aged 1"))
    children_2 = CountField(label=_("Children aged 2"))
    children_3 = CountField(label=_("Children aged 3 and over"))
    first_visit = forms.BooleanField(label=_("Their first visit to this hub"), required=False)

    ADULT_FIELDS = ("adults", "fathers", "grandparents", "pregnant")
    CHILD_FIELDS = ("children_0", "children_1", "children_2", "children_3")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        adults = data["adults"]
        if data["fathers"] + data["grandparents"] > adults:
            self.add_error(
                "fathers",
                _("Fathers and grandparents are counted among the adults: add them there too."),
            )
        if data["pregnant"] > adults:
            self.add_error("pregnant", _("Pregnant visitors are counted among the adults too."))
        children = sum(data[name] for name in self.CHILD_FIELDS)
        if adults + children == 0:
            raise forms.ValidationError(_("Enter at least one adult or child."))
        if adults + children > MAX_WALK_IN_PEOPLE:
            raise forms.ValidationError(
                _("At most {limit} people in one group. Count larger groups separately.").format(
                    limit=MAX_WALK_IN_PEOPLE
                )
            )
        return data

    def counts(self) -> Counts:
        data = self.cleaned_data
        names = (*self.ADULT_FIELDS, *self.CHILD_FIELDS)
        return Counts(**{n: data[n] for n in names}, first_visits=int(data["first_visit"]))

    def adult_fields(self):
        return [self[name] for name in self.ADULT_FIELDS]

    def child_fields(self):
        return [self[name] for name in self.CHILD_FIELDS]


class DailyLogForm(forms.Form):
    opened_at = ClockTimeField(label=_("Opened at"), required=False)
    closed_at = ClockTimeField(label=_("Closed at"), required=False)
    staff_on_duty = CleanCharField(
        label=_("Staff on duty"),
        max_length=200,
        required=False,
        help_text=_("Names or initials, separated by commas."),
    )
    notes = CleanTextareaField(label=_("Notes"), max_length=TEXT_LIMIT, required=False)

    def clean(self):
        data = super().clean()
        opened, closed = data.get("opened_at"), data.get("closed_at")
        if closed and not opened and "opened_at" not in self.errors:
            self.add_error("opened_at", _("Enter the opening time too."))
        if opened and closed and closed <= opened:
            self.add_error("closed_at", _("The closing time must be after the opening time."))
        return data


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=IncidentKind.choices, widget=forms.RadioSelect
    )
    occurred_at = ClockTimeField(label=_("Time"), required=False)
    place = CleanCharField(
        label=_("Where"), max_length=100, required=False, help_text=_("e.g. by the slide")
    )
    description = CleanTextareaField(label=_("What happened"), max_length=TEXT_LIMIT)
    action_taken = CleanTextareaField(
        label=_("What was done"), max_length=TEXT_LIMIT, required=False
    )
    prevention = CleanTextareaField(
        label=_("How to prevent it"), max_length=TEXT_LIMIT, required=False
    )
