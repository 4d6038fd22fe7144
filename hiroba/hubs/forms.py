"""Forms for hub administration. Values are normalised (full-width digits, kana) on input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hiroba.core.choices import VenueKind
from hiroba.core.forms import (
    CleanCharField,
    CsvUploadField,
    FiscalYearField,
    JapaneseDateField,
    KanaField,
    NormalisedEmailField,
    PhoneField,
    PostalCodeField,
)
from hiroba.core.models import District


class HubForm(forms.Form):
    name = CleanCharField(label=_("Name"), max_length=100)
    name_kana = KanaField(label=_("Name (kana)"), max_length=200, required=False)
    postal_code = PostalCodeField(label=_("Postal code"), required=False)
    address = CleanCharField(label=_("Address"), max_length=200, required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    email = NormalisedEmailField(label=_("E-mail"), required=False)
    opening_hours = CleanCharField(
        label=_("Opening hours"),
        max_length=200,
        required=False,
        help_text=_("As shown to parents, e.g. Tue–Sat 9:30–16:00"),
    )
    opened_on = JapaneseDateField(
        label=_("Opened on"), required=False, help_text=_("e.g. 2011-08-01 or R5.8.1")
    )
    contract_start_fiscal_year = FiscalYearField(
        label=_("Contract term starts in fiscal year"),
        help_text=_("e.g. 2023 or 令和5年度"),
        min_value=2000,
        max_value=2100,
    )
    contract_term_years = forms.IntegerField(
        label=_("Contract term (fiscal years)"), min_value=1, max_value=10
    )

    CONTRACT_FIELDS = ("contract_start_fiscal_year", "contract_term_years")

    def __init__(self, *args, contract_editable: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not contract_editable:
            # Disabled fields keep their initial value whatever is posted.
            for name in self.CONTRACT_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Set by the city.")


class VenueForm(forms.Form):
    name = CleanCharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=VenueKind.choices)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("(not set)"),
    )
    postal_code = PostalCodeField(label=_("Postal code"), required=False)
    address = CleanCharField(label=_("Address"), max_length=200, required=False)
    capacity_pairs = forms.IntegerField(
        label=_("Capacity (parent-child pairs)"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("Leave empty where no capacity applies (e.g. online)."),
    )
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts

    def clean_capacity_pairs(self):
        value = self.cleaned_data.get("capacity_pairs")
        kind = self.cleaned_data.get("kind")
        if kind == VenueKind.HIROBA_ROOM and not value:
            raise forms.ValidationError(_("A drop-in room needs a capacity."))
        return value


class DistrictForm(forms.Form):
    name = CleanCharField(label=_("Name"), max_length=50)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)


IMPORT_MODES = [
    ("replace", _("Replace: the file is the whole mapping of the ward")),
    ("merge", _("Add and update: keep town blocks that are not in the file")),
]


class TownBlockImportForm(forms.Form):
    file = CsvUploadField(
        label=_("CSV file"),
        help_text=_("Columns 町丁 (or 町名 and 丁目) and 地区. UTF-8 or Shift_JIS."),
    )
    mode = forms.ChoiceField(
        label=_("How to import"), choices=IMPORT_MODES, widget=forms.RadioSelect, initial="replace"
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    date_from = JapaneseDateField(label=_("From"), required=False)
    date_to = JapaneseDateField(label=_("To"), required=False)

    def __init__(self, *args, actions, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *actions]
        self.fields["actor"].choices = [("", _("Everyone")), *actors]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
