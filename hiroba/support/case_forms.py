"""Forms for support cases and the 地域連携 log. Japanese input (全角 digits, wareki dates,
R8年度-0012) is normalised by the shared fields; rules that need the database stay in
``case_services`` and come back as form errors, so a refused form saves nothing."""

from __future__ import annotations

import re
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hiroba.consultations.choices import ConsentMethod
from hiroba.core.forms import (
    CleanCharField,
    CleanTextareaField,
    JapaneseDateField,
    JapaneseTimeField,
    NumberField,
)
from hiroba.lib import kana, wareki
from hiroba.lib.errors import InputError
from hiroba.lib.fiscal import fiscal_year_of
from hiroba.support.case_services import Consent
from hiroba.support.choices import (
    CLOSING_REASONS,
    LINKAGE_TRANSITIONS,
    ActivityKind,
    CaseStatus,
    LinkageStatus,
    ServiceKind,
)
from hiroba.support.errors import MESSAGES

TEXT_LIMIT = 4000
_REFERENCE_SPLIT = re.compile(r"[,、\s]+")


class _People(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class ConsentFieldsMixin:
    """The family's consent: a tick, how, and when (today and now by default)."""

    def _consent_fields(self, *, label) -> None:
        self.fields["consent_given"] = forms.BooleanField(label=label, required=False)
        self.fields["consent_method"] = forms.ChoiceField(
            label=_("Consent"),
            choices=ConsentMethod.choices,
            initial=ConsentMethod.VERBAL,
            required=False,  # needed only with the tick (see _require_consent)
            widget=forms.RadioSelect,
        )
        self.fields["consent_on"] = JapaneseDateField(label=_("Consent given on"), required=False)
        self.fields["consent_time"] = JapaneseTimeField(label=_("at"), required=False)
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("consent_on", now.date())
            self.initial.setdefault("consent_time", now.strftime("%H:%M"))

    def consent(self) -> Consent:
        cleaned = self.cleaned_data
        day, moment = cleaned.get("consent_on"), cleaned.get("consent_time")
        given_at = timezone.make_aware(datetime.combine(day, moment)) if day and moment else None
        return Consent(
            given=bool(cleaned.get("consent_given")),
            method=cleaned.get("consent_method") or "",
            given_at=given_at,
        )

    def _require_consent(self, code: str) -> None:
        if not self.cleaned_data.get("consent_given"):
            self.add_error("consent_given", str(MESSAGES[code]))
            return
        if not self.cleaned_data.get("consent_method"):
            self.add_error("consent_method", _("Say how the family agreed."))
        for name in ("consent_on", "consent_time"):
            if not self.cleaned_data.get(name) and name not in self.errors:
                self.add_error(name, _("Say when the family agreed."))


class CaseForm(ConsentFieldsMixin, forms.Form):
    card_number = CleanCharField(
        label=_("Family card number"),
        required=False,
        max_length=20,
        help_text=_("Leave empty for an expectant family or a family not registered yet."),
    )
    opened_on = JapaneseDateField(label=pgettext_lazy("support case", "Opened on"))
    assigned_to = _People(label=_("Assigned to"), queryset=None, empty_label=None)
    need_topics = forms.ModelMultipleChoiceField(
        label=_("Need topics"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs = CleanTextareaField(
        label=_("Needs"),
        max_length=TEXT_LIMIT,
        help_text=_(
            "As far as the family was happy to tell (差し支えない範囲で). Stored encrypted; "
            "write what is needed to support the family, no more."
        ),
    )
    consultation_refs = CleanCharField(
        label=_("Consultation records"),
        required=False,
        max_length=300,
        help_text=_(
            "Case numbers of this hub's consultation records, e.g. R8年度-0012, R8年度-0015."
        ),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, topics, managers, households, consultations, editing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need_topics"].queryset = topics
        self.fields["assigned_to"].queryset = managers
        self.households, self.consultations, self.editing = households, consultations, editing
        if not editing:  # consent is noted once, when the case is opened
            self._consent_fields(label=_("The family agreed to the assessment of their needs"))
        if not self.is_bound:
            self.initial.setdefault("opened_on", timezone.localdate())

    def clean_card_number(self):
        number = self.cleaned_data["card_number"]
        if not number:
            return None
        household = self.households.filter(card_number=number).first()
        if household is None:
            raise forms.ValidationError(_("No family of this hub has that card number."))
        return household

    def clean_consultation_refs(self):
        found = []
        for reference in _REFERENCE_SPLIT.split(self.cleaned_data["consultation_refs"] or ""):
            if reference:
                found.append(self._consultation(reference))
        return found

    def _consultation(self, reference: str):
        """R8年度-0012 (as printed on the record); a bare 12 means this fiscal year."""
        year_text, _dash, number = kana.nfkc(reference).rpartition("-")
        try:
            year = wareki.parse_fiscal_year(year_text) if year_text else None
        except InputError:
            year = None
        if not number.isdigit() or (year_text and year is None):
            raise forms.ValidationError(
                _("{reference} is not a case number like R8年度-0012.").format(reference=reference)
            )
        year = year or fiscal_year_of(timezone.localdate())
        record = self.consultations.filter(fiscal_year=year, case_number=int(number)).first()
        if record is None:
            raise forms.ValidationError(
                _("No consultation record of this hub has the number {reference}.").format(
                    reference=reference
                )
            )
        return record

    def clean(self):
        cleaned = super().clean()
        if not self.editing:
            self._require_consent("no_assessment_consent")
        return cleaned


class CloseForm(forms.Form):
    closure_reason = forms.ChoiceField(
        label=_("Why is the case closed?"),
        choices=CLOSING_REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": MESSAGES["closure_reason_needed"]},
    )
    closed_on = JapaneseDateField(label=_("Closed on"))
    closure_note = CleanTextareaField(
        label=_("Closure note"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("Stored encrypted."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("closed_on", timezone.localdate())


class PlanItemForm(forms.Form):
    text = CleanTextareaField(label=_("Plan item"), max_length=1000)
    due_on = JapaneseDateField(label=_("Due on"), required=False)


class LinkageForm(ConsentFieldsMixin, forms.Form):
    service_kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=None,
        required=False,
        empty_label=_("(none)"),
        help_text=_("Agencies of this ward and of the whole city."),
    )
    warm_handover = forms.BooleanField(
        label=_("Warm hand-over"),
        required=False,
        help_text=_(
            "We pass the family's situation on to the service (with the family's consent)."
        ),
    )
    handover_note = CleanTextareaField(
        label=_("Hand-over note"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("What was handed over. Stored encrypted."),
    )
    follow_up_on = JapaneseDateField(label=_("Follow up on"), required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self._consent_fields(label=_("The family agreed to the hand-over"))
        # Field order: consent before the note, as staff ask for it.
        self.order_fields(
            [
                "service_kind",
                "agency",
                "warm_handover",
                "consent_given",
                "consent_method",
                "consent_on",
                "consent_time",
                "handover_note",
                "follow_up_on",
            ]
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("warm_handover"):
            self._require_consent("handover_no_consent")
            if not cleaned.get("handover_note"):
                self.add_error("handover_note", str(MESSAGES["handover_note_needed"]))
        return cleaned


class LinkageMoveForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=(), widget=forms.RadioSelect)
    result_note = CleanTextareaField(
        label=_("Result"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("How it went for the family. Stored encrypted."),
    )
    follow_up_on = JapaneseDateField(label=_("Follow up on"), required=False)

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = LINKAGE_TRANSITIONS.get(current, frozenset())
        self.fields["status"].choices = [
            (value, label) for value, label in LinkageStatus.choices if value in allowed
        ]


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[*CaseStatus.choices, ("", _("All"))],
    )


class ActivityForm(forms.Form):
    happened_on = JapaneseDateField(label=_("Date"))
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = CleanCharField(label=_("Title"), max_length=120)
    partners = CleanCharField(
        label=_("Partners"),
        required=False,
        max_length=300,
        help_text=_("Who took part, e.g. 区こども家庭支援課, 地区の民生委員・児童委員."),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participants = NumberField(label=_("Participants"), required=False, min_value=0)
    minutes = NumberField(label=_("Minutes"), required=False, min_value=0, max_value=24 * 60)
    summary = CleanTextareaField(
        label=_("Summary"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_("About the community's work, not about a family: no names of families."),
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
        if not self.is_bound:
            self.initial.setdefault("happened_on", timezone.localdate())
