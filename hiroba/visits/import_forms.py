"""Forms of the day tally entry and the import of past tallies."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core.forms import JapaneseDateField
from hiroba.core.spreadsheets import SpreadsheetUploadField
from hiroba.visits.forms import CountField
from hiroba.visits.services import MAX_TALLY_PEOPLE, Counts

COUNT_LABELS = {
    "pairs": _("Groups (組)"),
    "adults": _("Adults"),
    "fathers": _("of whom fathers"),
    "grandparents": _("of whom grandparents"),
    "pregnant": _("of whom pregnant"),
    "children_0": _("Children aged 0"),
    "children_1": _("Children aged 1"),
    "children_2": _("Children aged 2"),
    "children_3": _("Children aged 3 and over"),
    "first_visits": _("Groups here for the first time"),
}


class TallyEntryForm(forms.Form):
    """One day's totals for a venue, for days without individual check-in (出張ひろば)."""

    venue = forms.TypedChoiceField(label=_("Venue"), coerce=int)
    visited_on = JapaneseDateField(label=_("Date"))

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.venues = {v.pk: v for v in venues}
        self.fields["venue"].choices = [(v.pk, str(v.name)) for v in venues]
        self.fields["visited_on"].initial = timezone.localdate()
        for name, label in COUNT_LABELS.items():
            self.fields[name] = CountField(label=label, max_value=MAX_TALLY_PEOPLE)

    def clean_venue(self):
        return self.venues[self.cleaned_data["venue"]]

    @property
    def count_fields(self):
        return [self[name] for name in COUNT_LABELS]

    def counts(self) -> Counts:
        return Counts(**{name: self.cleaned_data[name] for name in COUNT_LABELS})


class TallyImportForm(forms.Form):
    file = SpreadsheetUploadField(
        label=_("File (CSV or Excel)"),
        help_text=_("One row per venue and day. UTF-8 or Shift_JIS CSV, or .xlsx."),
    )
    replace = forms.BooleanField(
        label=_("Replace days imported before with this file's figures"),
        help_text=_("Tick this when the file corrects an earlier import."),
        required=False,
    )
