"""Forms for planning programs and entering families (built from hiroba.core.forms fields).

Numbers and times accept what staff type on a Japanese keyboard: full-width digits, "10時",
"1030", "２０２６/４/１ １０：００". Dates and times are read in the hub's time zone
(Asia/Tokyo, the site's ``TIME_ZONE``). Each rule that the services would refuse is checked
here first, so staff get a message next to the field rather than a generic error.
"""

from __future__ import annotations

import re
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core.forms import (
    CleanCharField,
    CleanTextareaField,
    JapaneseDateField,
    LocalDateTimeField,
    NumberField,
    merged_translations,
    translation_initial,
    translation_name,
)
from hiroba.families.choices import Language
from hiroba.lib.kana import nfkc
from hiroba.lib.text import normalize_digits
from hiroba.programs.choices import (
    AttendanceStatus,
    BirthOrderRule,
    EntryChannel,
    PriorityGroup,
    ProgramCategory,
    SignupMode,
)
from hiroba.programs.services import PROGRAM_FIELDS

# Text a program shows parents in やさしい日本語 and English besides Japanese.
TRANSLATED_FIELDS = ("title", "description")
TRANSLATION_LANGUAGES = ("ja-easy", "en")
MAX_AGE_MONTHS = 18 * 12
MAX_PREGNANCY_WEEK = 42
MAX_CAPACITY = 9999
MAX_WALK_INS = 999


def _digits(value):
    return normalize_digits(nfkc(value)).strip() if isinstance(value, str) else value


def optional_number(label, minimum: int, maximum: int, **kwargs) -> NumberField:
    """An optional whole number from ``minimum`` to ``maximum``: the shape of every age, week,
    capacity and head count on these forms, written once so the bounds read at a glance."""
    return NumberField(label=label, required=False, min_value=minimum, max_value=maximum, **kwargs)


def _pregnancy_week(label, **kwargs) -> NumberField:
    """A pregnancy week, 0 to 42; either bound gives the same message, which names the range."""
    out_of_range = _("Enter a week from 0 to 42.")
    messages = {"min_value": out_of_range, "max_value": out_of_range}
    return optional_number(label, 0, MAX_PREGNANCY_WEEK, error_messages=messages, **kwargs)


class ClockField(forms.TimeField):
    """A time of day: "10:00", "１０：００", "10時", "10時半", "1030"."""

    input_formats = ["%H:%M"]
    default_error_messages = {"invalid": _("Enter a time such as 10:30.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            text = re.sub(r"\s+", "", _digits(value))
            text = text.replace("時半", ":30").replace("時", ":").replace("分", "")
            if re.fullmatch(r"\d{3,4}", text):
                text = f"{text[:-2]}:{text[-2:]}"
            elif re.fullmatch(r"\d{1,2}:?", text):
                text = f"{text.rstrip(':')}:00"
            value = text
        return super().to_python(value)


# -- planning ------------------------------------------------------------------------------------
def _priority_choices(first: list[str]) -> list[tuple[str, str]]:
    """Priority groups with the chosen ones first, in their chosen order."""
    labels = dict(PriorityGroup.choices)
    ordered = [g for g in first if g in labels]
    ordered += [g for g in labels if g not in ordered]
    return [(g, labels[g]) for g in ordered]


class ProgramForm(forms.Form):
    """Every field of a program (``services.PROGRAM_FIELDS``)."""

    title = CleanCharField(label=_("Title"), max_length=100)
    category = forms.ChoiceField(label=_("Kind of program"), choices=ProgramCategory.choices)
    venue = forms.TypedChoiceField(
        label=_("Venue"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose one of this hub's venues.")},
    )
    description = CleanTextareaField(label=_("Description"), max_length=4000, required=False)
    title_easy = CleanCharField(label=_("Title in Easy Japanese"), max_length=100, required=False)
    description_easy = CleanTextareaField(
        label=_("Description in Easy Japanese"), max_length=4000, required=False
    )
    title_en = CleanCharField(label=_("Title in English"), max_length=100, required=False)
    description_en = CleanTextareaField(
        label=_("Description in English"), max_length=4000, required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    accessibility = CleanTextareaField(
        label=_("Accessibility"),
        max_length=2000,
        required=False,
        help_text=_("Step-free access, buggy parking, nursing room, interpreters …"),
    )
    counts_as_lecture = forms.BooleanField(label=_("Counts as a lecture (講習)"), required=False)
    min_age_months = optional_number(_("Youngest child (months)"), 0, MAX_AGE_MONTHS)
    max_age_months = optional_number(
        _("Oldest child (months)"),
        0,
        MAX_AGE_MONTHS,
        help_text=_("Age on the day of the first session. Leave empty for no limit."),
    )
    min_pregnancy_week = _pregnancy_week(_("From pregnancy week"))
    max_pregnancy_week = _pregnancy_week(
        _("To pregnancy week"), help_text=_("Only for programs for expecting parents.")
    )
    birth_order = forms.ChoiceField(
        label=_("Birth order"), choices=BirthOrderRule.choices, required=False
    )
    requires_father = forms.BooleanField(label=_("A father takes part"), required=False)
    residents_only = forms.BooleanField(label=_("Residents of the ward only"), required=False)
    requires_child = forms.BooleanField(
        label=_("A child or pregnancy takes part"),
        required=False,
        help_text=_("Untick for programs for adults only, such as a briefing."),
    )
    capacity_families = optional_number(_("Capacity (families, 組)"), 1, MAX_CAPACITY)
    capacity_people = optional_number(
        _("Capacity (people, 人)"),
        1,
        MAX_CAPACITY,
        help_text=_("Adults and children together. Fill in either capacity, or both."),
    )
    signup_mode = forms.ChoiceField(
        label=_("Sign-up"), choices=SignupMode.choices, widget=forms.RadioSelect
    )
    opens_at = LocalDateTimeField(label=_("Applications open"), required=False)
    closes_at = LocalDateTimeField(label=_("Applications close"), required=False)
    draw_at = LocalDateTimeField(
        label=_("Lottery drawn at"),
        required=False,
        help_text=_("The lottery is drawn automatically at this time, or earlier by staff."),
    )
    priority_groups = forms.MultipleChoiceField(
        label=_("Lottery priority groups"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Families in a group higher in the list are drawn first."),
    )
    has_waitlist = forms.BooleanField(label=_("Keep a waiting list"), required=False)

    def __init__(self, *args, venues, translations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.translations = translations or {}
        self.venues = {v.pk: v for v in venues}
        self.fields["venue"].choices = [(v.pk, v.name) for v in venues]
        if self.is_bound:
            first = self.data.getlist(self.add_prefix("priority_groups"))
        else:
            first = list(self.initial.get("priority_groups") or [])
        self.fields["priority_groups"].choices = _priority_choices(first)

    def clean_venue(self):
        return self.venues[self.cleaned_data["venue"]]

    def clean(self):
        data = super().clean()
        self._check_ranges(data)
        mode = data.get("signup_mode")
        if mode == SignupMode.DROP_IN:
            data.update(opens_at=None, closes_at=None, draw_at=None, priority_groups=[])
            return data
        if mode:
            self._check_capacity(data)
        self._check_signup_times(data, lottery=mode == SignupMode.LOTTERY)
        if mode != SignupMode.LOTTERY:
            data.update(draw_at=None, priority_groups=[])
        return data

    def _check_capacity(self, data) -> None:
        """Sign-up needs a limit (families, people or both); a drop-in program does not."""
        given = [data.get(name) for name in ("capacity_families", "capacity_people")]
        typed_wrong = {"capacity_families", "capacity_people"} & set(self.errors)
        if given == [None, None] and not typed_wrong:
            self.add_error(
                "capacity_families", _("Enter the capacity in families, in people or both.")
            )

    def _check_ranges(self, data) -> None:
        pairs = [
            (
                "min_age_months",
                "max_age_months",
                _("The youngest age must not be above the oldest age."),
            ),
            (
                "min_pregnancy_week",
                "max_pregnancy_week",
                _("The first week of pregnancy must not be after the last week."),
            ),
        ]
        for low, high, message in pairs:
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, message)

    def _check_signup_times(self, data, *, lottery: bool) -> None:
        opens, closes, draw = data.get("opens_at"), data.get("closes_at"), data.get("draw_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Applications must close after they open."))
        if not lottery:
            return
        if closes is None and "closes_at" not in self.errors:
            self.add_error("closes_at", _("A lottery needs the time applications close."))
        if draw is None and "draw_at" not in self.errors:
            self.add_error("draw_at", _("Enter when the lottery is drawn."))
        if closes and draw and draw < closes:
            self.add_error(
                "draw_at", _("The lottery is drawn after applications close, not before.")
            )

    def values(self) -> dict:
        """The cleaned data as ``services.create_program`` / ``update_program`` take it."""
        data = dict(self.cleaned_data)
        data["translations"] = merged_translations(
            self.translations, data, TRANSLATED_FIELDS, TRANSLATION_LANGUAGES
        )
        for language in TRANSLATION_LANGUAGES:
            for field in TRANSLATED_FIELDS:
                data.pop(translation_name(field, language))
        data["birth_order"] = data.get("birth_order") or ""
        data["priority_groups"] = list(data.get("priority_groups") or [])
        return data


class SessionForm(forms.Form):
    """One date of a program: the day, the start and end time in Japan."""

    day = JapaneseDateField(label=_("Date"))
    starts = ClockField(label=_("Starts"))
    ends = ClockField(label=_("Ends"))
    note = CleanCharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("e.g. week 2: weaning food tasting"),
    )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("The end must be after the start."))
        return data

    def span(self) -> tuple[datetime, datetime]:
        day = self.cleaned_data["day"]
        return (
            timezone.make_aware(datetime.combine(day, self.cleaned_data["starts"])),
            timezone.make_aware(datetime.combine(day, self.cleaned_data["ends"])),
        )

    @staticmethod
    def initial_for(session) -> dict:
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {
            "day": starts.date(),
            "starts": starts.time(),
            "ends": ends.time(),
            "note": session.note,
        }


# -- entering a family ---------------------------------------------------------------------------
STAFF_CHANNELS = [
    (EntryChannel.PHONE.value, EntryChannel.PHONE.label),
    (EntryChannel.COUNTER.value, EntryChannel.COUNTER.label),
]


class PhoneEntryForm(forms.Form):
    """A family entered by staff: who comes, how the family asked, their message."""

    members = forms.TypedMultipleChoiceField(
        label=_("Who comes?"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the family members who come.")},
    )
    channel = forms.ChoiceField(
        label=_("The family asked"),
        choices=STAFF_CHANNELS,
        widget=forms.RadioSelect,
        initial=EntryChannel.PHONE,
    )
    message = CleanCharField(
        label=_("Message to staff"),
        max_length=300,
        required=False,
        help_text=_("Allergies, a buggy, anything the family asked us to note."),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {m.pk: m for m in members}
        self.fields["members"].choices = [(m.pk, str(m)) for m in members]

    def chosen(self) -> list:
        return [self.people[pk] for pk in self.cleaned_data["members"]]


# -- attendance ----------------------------------------------------------------------------------
class AttendanceForm(forms.Form):
    entry = forms.IntegerField()
    status = forms.ChoiceField(choices=AttendanceStatus.choices)


class WalkInForm(forms.Form):
    """People who came without signing up, counted at the door."""

    families = optional_number(_("Families without sign-up"), 0, MAX_WALK_INS)
    people = optional_number(
        _("People without sign-up"), 0, MAX_WALK_INS, help_text=_("Adults and children together.")
    )

    def clean(self):
        data = super().clean()
        families, people = data.get("families") or 0, data.get("people") or 0
        data["families"], data["people"] = families, people
        if not self.errors and people < families:
            self.add_error("people", _("Each family has at least one person: check the count."))
        return data


def program_initial(program) -> dict:
    """The form's values for ``program``, its translations included."""
    initial = {name: getattr(program, name) for name in PROGRAM_FIELDS if name != "translations"}
    initial["venue"] = program.venue_id
    initial.update(
        translation_initial(program.translations, TRANSLATED_FIELDS, TRANSLATION_LANGUAGES)
    )
    return initial
