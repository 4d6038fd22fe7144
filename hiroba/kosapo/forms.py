"""Forms of the 子サポ staff pages. Dates accept 和暦 and full-width digits like every form."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hiroba.core.forms import (
    CleanCharField,
    CleanTextareaField,
    JapaneseDateField,
    JapaneseTimeField,
    NumberField,
)
from hiroba.kosapo.choices import IdentityDocument, MemberKind, MemberStatus, TrainingItem

KIND_FILTER = [("", _("All types")), *MemberKind.choices]
STATUS_FILTER = [("", _("Current members")), *MemberStatus.choices]


class MemberFilterForm(forms.Form):
    q = CleanCharField(
        label=_("Search"),
        required=False,
        max_length=60,
        help_text=_("Member number, family card number or name (kana)"),
    )
    kind = forms.ChoiceField(label=_("Member type"), choices=KIND_FILTER, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER, required=False)


class FindFamilyForm(forms.Form):
    family = CleanCharField(
        label=_("Family"),
        max_length=60,
        help_text=_("Card number, name in kana or phone number, as at reception"),
    )


class _Adults(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.get_relation_display() or obj.get_kind_display()})"


class RegisterForm(forms.Form):
    person = _Adults(label=_("Person"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(
        label=_("Member type"), choices=MemberKind.choices, widget=forms.RadioSelect
    )
    notes = CleanTextareaField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        help_text=_(
            "Stored encrypted. Allergies and handover details go in the pre-meeting sheet."
        ),
    )

    def __init__(self, *args, adults, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = adults


class BriefingForm(forms.Form):
    briefing_on = JapaneseDateField(label=_("Briefing attended on"))
    identity_checked_on = JapaneseDateField(label=_("Identity checked on"), required=False)
    identity_document = forms.ChoiceField(
        label=_("Identity document shown"),
        choices=[("", "—"), *IdentityDocument.choices],
        required=False,
        help_text=_("Record the kind only. Never write down the document's number."),
    )
    photo_received = forms.BooleanField(label=_("Photo (2.5 × 3 cm) received"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("identity_checked_on") and not data.get("identity_document"):
            self.add_error("identity_document", _("Choose the document that was shown."))
        return data


class TrainingForm(forms.Form):
    item = forms.ChoiceField(label=_("Training"), choices=TrainingItem.choices)
    minutes = NumberField(label=_("Minutes"), min_value=1, max_value=1200)
    completed_on = JapaneseDateField(label=_("Completed on"))
    note = CleanCharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("completed_on", timezone.localdate())


class ReasonForm(forms.Form):
    reason = CleanCharField(label=_("Reason"), max_length=200)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FeeSimulatorForm(forms.Form):
    day = JapaneseDateField(label=pgettext_lazy("activity", "Date"))
    starts = JapaneseTimeField(label=_("From"))
    ends = JapaneseTimeField(label=_("Until"))
    children = NumberField(label=_("Children"), min_value=1, max_value=6, initial=1)
    coupons = NumberField(label=_("Trial coupons used"), min_value=0, max_value=48, required=False)
    transport = NumberField(
        label=_("Transport (yen)"), min_value=0, max_value=100000, required=False
    )
    meals = NumberField(
        label=_("Meals and snacks (yen)"), min_value=0, max_value=100000, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("day", timezone.localdate())
