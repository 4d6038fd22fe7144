"""Forms for hub administration. Values are normalised (full-width digits, kana) on input."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from hiroba.core.choices import VenueKind
from hiroba.core.forms import (
    CleanCharField,
    CsvUploadField,
    FiscalYearField,
    JapaneseDateField,
    JapaneseTimeField,
    KanaField,
    NormalisedEmailField,
    PhoneField,
    PostalCodeField,
)
from hiroba.core.models import District
from hiroba.core.models.opening import PUBLIC_HOLIDAY
from hiroba.lib import furigana, kana


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


class ReadingForm(forms.Form):
    """A word and how it is read: 「大豆戸」 → まめど. Kana may be typed in either script."""

    word = CleanCharField(
        label=_("Word"), max_length=40, help_text=_("As it is written, e.g. 新羽")
    )
    reading = CleanCharField(
        label=_("Reading"), max_length=80, help_text=_("In hiragana or katakana, e.g. にっぱ")
    )

    def clean_word(self):
        word = self.cleaned_data["word"]
        if not furigana.has_kanji(word):
            raise forms.ValidationError(_("Only words with kanji need a reading."))
        return word

    def clean_reading(self):
        reading = self.cleaned_data["reading"].replace(" ", "")
        if not kana.is_kana(reading):
            raise forms.ValidationError(_("Type the reading in hiragana or katakana."))
        return kana.to_hiragana(reading)


class RubyPreviewForm(forms.Form):
    text = CleanCharField(label=_("Try a sentence"), max_length=500, required=False)


# The rows of the weekly grid: Monday … Sunday, then public holidays (core PUBLIC_HOLIDAY).
WEEK_ROWS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
    (PUBLIC_HOLIDAY, _("Public holidays")),
]
PERIODS_PER_DAY = 2  # morning and afternoon around a lunch break
OPENS = _("{day}, time {n}: opens")
CLOSES = _("{day}, time {n}: closes")


class OpeningHoursForm(forms.Form):
    """The weekly grid: up to two times a day, typed as 9:30, ９：３０ or 9時30分."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, label in WEEK_ROWS:
            for n in range(PERIODS_PER_DAY):
                for end in ("opens", "closes"):
                    words = OPENS if end == "opens" else CLOSES
                    self.fields[self.name_of(day, n, end)] = JapaneseTimeField(
                        label=str(words).format(day=label, n=n + 1), required=False
                    )

    @staticmethod
    def name_of(day: int, n: int, end: str) -> str:
        return f"d{day}_{n}_{end}"

    def rows(self):
        """(label, [(opens field, closes field), …]) per row, for the grid template."""
        return [
            (
                label,
                [
                    (self[self.name_of(day, n, "opens")], self[self.name_of(day, n, "closes")])
                    for n in range(PERIODS_PER_DAY)
                ],
            )
            for day, label in WEEK_ROWS
        ]

    def clean(self):
        data = super().clean()
        for day, _label in WEEK_ROWS:
            previous_end = None
            for n in range(PERIODS_PER_DAY):
                opens_name, closes_name = (self.name_of(day, n, e) for e in ("opens", "closes"))
                opens, closes = data.get(opens_name), data.get(closes_name)
                if (opens is None) != (closes is None):
                    missing = closes_name if opens else opens_name
                    if missing not in self.errors:
                        self.add_error(missing, _("Give both the opening and the closing time."))
                elif opens and closes <= opens:
                    self.add_error(closes_name, _("The closing time must come after opening."))
                elif opens and previous_end and opens < previous_end:
                    self.add_error(opens_name, _("The second time must start after the first."))
                previous_end = closes or previous_end
        return data

    def periods(self) -> list:
        data = self.cleaned_data
        found = []
        for day, _label in WEEK_ROWS:
            for n in range(PERIODS_PER_DAY):
                opens = data.get(self.name_of(day, n, "opens"))
                closes = data.get(self.name_of(day, n, "closes"))
                if opens and closes:
                    found.append((day, opens, closes))
        return found


def opening_initial(periods) -> dict:
    initial, seen = {}, {}
    for period in sorted(periods, key=lambda p: (p.weekday, p.opens)):
        n = seen.get(period.weekday, 0)
        if n < PERIODS_PER_DAY:
            initial[OpeningHoursForm.name_of(period.weekday, n, "opens")] = period.opens
            initial[OpeningHoursForm.name_of(period.weekday, n, "closes")] = period.closes
        seen[period.weekday] = n + 1
    return initial


class ClosureForm(forms.Form):
    first_day = JapaneseDateField(label=_("Closed from"))
    last_day = JapaneseDateField(
        label=_("Closed until"), required=False, help_text=_("Leave empty for one day.")
    )
    reason = CleanCharField(
        label=_("Reason shown to parents"),
        max_length=100,
        required=False,
        help_text=_("e.g. 臨時休館（館内点検）"),
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot come before the first."))
        elif first and not last:
            data["last_day"] = first
        return data


class CategoryForm(forms.Form):
    """One category of a city's list: its code stays (records keep it), the names change."""

    code = forms.CharField(widget=forms.HiddenInput, required=False)
    ja = CleanCharField(label=_("Name"), max_length=40, required=False)
    en = CleanCharField(label=_("Name in English"), max_length=60, required=False)
    aliases = CleanCharField(
        label=_("Other names an import recognises"),
        max_length=400,
        required=False,
        help_text=_("Separated by 、 or commas."),
    )
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("remove") or not (data.get("ja") or data.get("en")):
            return data
        if not data.get("ja"):
            self.add_error("ja", _("Give the category a name."))
        if not data.get("en"):
            self.add_error("en", _("Give the category an English name too."))
        return data

    def category(self, taken: set[str]) -> dict | None:
        """The row as the rule section keeps it; None for a removed or empty row."""
        data = self.cleaned_data
        if data.get("remove") or not data.get("ja"):
            return None
        code = data["code"] or new_code(data["en"], taken)
        aliases = [a.strip() for a in re.split(r"[、,，]", data["aliases"]) if a.strip()]
        return {"code": code, "ja": data["ja"], "en": data["en"], "aliases": aliases}


def new_code(english: str, taken: set[str]) -> str:
    """A stable code for a new category from its English name: "Toy libraries" →
    toy_libraries (toy_libraries_2 when taken)."""
    base = re.sub(r"[^a-z0-9]+", "_", english.lower()).strip("_")[:24] or "category"
    if not base[0].isalpha():
        base = f"c_{base}"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    taken.add(code)
    return code


CategoryFormSet = forms.formset_factory(CategoryForm, extra=2, max_num=60, absolute_max=80)
