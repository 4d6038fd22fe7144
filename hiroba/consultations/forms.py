"""Forms for consultation records. Japanese input (全角 digits, wareki dates, 0歳5か月) is
normalised by the shared fields; rules that need the database stay in the services."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hiroba.consultations.choices import (
    REFERRAL_TRANSITIONS,
    AgencyKind,
    Caregiver,
    Channel,
    ConsentMethod,
    Outcome,
    ReferralMethod,
    ReferralStatus,
)
from hiroba.consultations.errors import MESSAGES
from hiroba.consultations.services import ConsultationData
from hiroba.core.forms import (
    CleanCharField,
    CleanTextareaField,
    JapaneseDateField,
    JapaneseTimeField,
    NumberField,
    PhoneField,
)
from hiroba.core.input_errors import as_validation_error
from hiroba.families.choices import MemberKind
from hiroba.lib.ages import age_in_months, format_age_months, parse_child_ages
from hiroba.lib.errors import InputError

TEXT_LIMIT = 4000
REASON_MIN_LENGTH = 10


class ChildAgesField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        try:
            return parse_child_ages(value or "")
        except InputError as error:
            raise as_validation_error(error) from error

    def prepare_value(self, value):
        if isinstance(value, list):
            return "、".join(format_age_months(months) for months in value)
        return value


class _ChoiceOfPeople(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class ConsultationForm(forms.Form):
    happened_on = JapaneseDateField(label=_("Date"))
    happened_time = JapaneseTimeField(label=pgettext_lazy("time of day", "Time"))
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
        initial=Channel.HIROBA,
    )
    duration_minutes = NumberField(label=_("Minutes"), required=False, min_value=1, max_value=600)
    card_number = CleanCharField(
        label=_("Family card number"),
        required=False,
        max_length=20,
        help_text=_("Leave empty for an anonymous consultation."),
    )
    caregiver = forms.ChoiceField(
        label=_("Who consulted"),
        choices=Caregiver.choices,
        widget=forms.RadioSelect,
        initial=Caregiver.MOTHER,
    )
    expecting = forms.BooleanField(label=_("Pregnant"), required=False)
    child_ages = ChildAgesField(
        label=_("Children's ages"),
        required=False,
        help_text=_(
            "e.g. 0歳5か月、2歳. Left empty for a registered family, the ages are taken from "
            "the family card."
        ),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    summary = CleanTextareaField(
        label=_("Summary"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("Stored encrypted. Write what is needed to help the family, no more."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    needs_care = forms.BooleanField(label=_("Needs special care (要配慮)"), required=False)
    follow_up_on = JapaneseDateField(label=_("Follow up on"), required=False)
    assigned_staff = _ChoiceOfPeople(
        label=_("Assigned staff"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They can read and edit this record too."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, topics, staff, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics
        self.fields["assigned_staff"].queryset = staff
        self.households = households
        if not self.is_bound and "happened_on" not in self.initial:
            now = timezone.localtime()
            self.initial.update(happened_on=now.date(), happened_time=now.strftime("%H:%M"))

    def consultation_data(self) -> ConsultationData:
        """What the services take, from the cleaned form (also used by user support)."""
        cleaned = self.cleaned_data
        return ConsultationData(
            happened_at=cleaned["happened_at"],
            channel=cleaned["channel"],
            caregiver=cleaned["caregiver"],
            outcome=cleaned["outcome"],
            topics=list(cleaned["topics"]),
            summary=cleaned["summary"],
            duration_minutes=cleaned["duration_minutes"],
            household=cleaned["card_number"],
            expecting=cleaned["expecting"],
            child_ages=cleaned["child_ages"],
            needs_care=cleaned["needs_care"],
            follow_up_on=cleaned["follow_up_on"],
            assigned_staff=list(cleaned["assigned_staff"]),
        )

    def clean_card_number(self):
        number = self.cleaned_data["card_number"]
        if not number:
            return None
        household = self.households.filter(card_number=number).first()
        if household is None:
            raise forms.ValidationError(_("No family of this hub has that card number."))
        return household

    def clean(self):
        cleaned = super().clean()
        day, moment = cleaned.get("happened_on"), cleaned.get("happened_time")
        if day and moment:
            cleaned["happened_at"] = timezone.make_aware(datetime.combine(day, moment))
        household = cleaned.get("card_number")
        if household is not None and day and not cleaned.get("child_ages"):
            cleaned["child_ages"] = _ages_on_card(household, day)
        return cleaned


def _ages_on_card(household, day) -> list[int]:
    children = household.members.present().filter(
        kind=MemberKind.CHILD, birth_date__isnull=False, birth_date__lte=day
    )
    return sorted(age_in_months(child.birth_date, day) for child in children)


class NoteForm(forms.Form):
    text = CleanTextareaField(label=_("Note"), max_length=TEXT_LIMIT)


class ReferralForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    method = forms.ChoiceField(label=_("How"), choices=ReferralMethod.choices)
    reason = CleanTextareaField(label=_("Reason"), max_length=TEXT_LIMIT)
    consent_given = forms.BooleanField(
        label=_("The family agreed to this referral"), required=False
    )
    consent_method = forms.ChoiceField(
        label=_("Consent"),
        choices=ConsentMethod.choices,
        initial=ConsentMethod.VERBAL,
        widget=forms.RadioSelect,
    )
    consent_on = JapaneseDateField(label=_("Consent given on"))
    consent_time = JapaneseTimeField(label=_("at"))
    follow_up_on = JapaneseDateField(label=_("Follow up on"), required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("consent_on", now.date())
            self.initial.setdefault("consent_time", now.strftime("%H:%M"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("consent_given"):
            self.add_error("consent_given", str(MESSAGES["no_consent"]))
        day, moment = cleaned.get("consent_on"), cleaned.get("consent_time")
        cleaned["consent_given_at"] = (
            timezone.make_aware(datetime.combine(day, moment)) if day and moment else None
        )
        return cleaned


class ReferralMoveForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=())
    note = CleanTextareaField(label=_("Note"), required=False, max_length=TEXT_LIMIT)
    feedback = CleanTextareaField(
        label=_("Feedback from the agency"), required=False, max_length=TEXT_LIMIT
    )
    follow_up_on = JapaneseDateField(label=_("Follow up on"), required=False)

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = REFERRAL_TRANSITIONS.get(current, frozenset())
        self.fields["status"].choices = [
            (value, label) for value, label in ReferralStatus.choices if value in allowed
        ]


class BreakGlassForm(forms.Form):
    reason = CleanTextareaField(
        label=_("Why do you need to open this record?"),
        min_length=REASON_MIN_LENGTH,
        max_length=1000,
        help_text=_("The hub manager is told that you opened it and reads your reason."),
    )


class ReviewForm(forms.Form):
    note = CleanTextareaField(label=_("Note"), required=False, max_length=2000)


class ConsultationFilterForm(forms.Form):
    since = JapaneseDateField(label=_("From"), required=False)
    until = JapaneseDateField(label=_("To"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    open_follow_up = forms.BooleanField(label=_("Open follow-ups only"), required=False)
    case_number = NumberField(label=_("Case number"), required=False, min_value=1)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


class AgencyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgencyKind.choices)
    name = CleanCharField(label=_("Name"), max_length=120)
    contact_person = CleanCharField(label=_("Contact person"), required=False, max_length=60)
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    ward = forms.ModelChoiceField(
        label=_("Ward"),
        queryset=None,
        required=False,
        empty_label=_("City-wide"),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, wards, city_wide_allowed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards
        if not city_wide_allowed:
            self.fields["ward"].required = True
            self.fields["ward"].empty_label = None
