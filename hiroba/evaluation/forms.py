"""Forms of the evaluation pages. Sheet text is kept as typed (``clean_document_text``: no NFKC,
so 「（）」 and ① survive); numbers and years accept full-width digits and 和暦."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from hiroba.core.forms import FiscalYearField, JapaneseDateField, NumberField
from hiroba.evaluation import indicators
from hiroba.evaluation.choices import Section, SheetLayout
from hiroba.lib import kana
from hiroba.lib.text import clean_document_text, normalize_digits

MAX_THEMES = 6


class DocumentTextField(forms.CharField):
    def __init__(self, *args, rows: int = 4, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20000)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return clean_document_text(value) if value else ""


class RevisionForm(forms.Form):
    """The revision the page was drawn from, so a stale page is refused, not saved over."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SheetCreateForm(forms.Form):
    fiscal_year = FiscalYearField(label=_("Fiscal year"), help_text=_("e.g. 令和8年度, R8 or 2026"))


class HeaderForm(RevisionForm):
    layout = forms.ChoiceField(label=_("Layout of the goals"), choices=SheetLayout.choices)
    term_year = NumberField(label=_("Year of the contract term"), required=False, min_value=1)
    term_years = NumberField(label=_("Years in the contract term"), required=False, min_value=1)
    implementers = DocumentTextField(
        label=_("Run by (事業の実施者)"), help_text=_("One per line."), rows=2
    )
    purpose = DocumentTextField(label=_("Purpose (事業目的)"), rows=4)
    principles = DocumentTextField(
        label=_("Principles (基本理念)"), help_text=_("One per line; numbers are added."), rows=6
    )
    programs = DocumentTextField(
        label=_("Programs (事業の内容)"), help_text=_("One per line; numbers are added."), rows=7
    )
    method = DocumentTextField(
        label=_("Evaluation and publication (評価の方法)"),
        help_text=_("One paragraph per line; numbers are added."),
        rows=3,
    )

    def clean(self):
        cleaned = super().clean()
        year, years = cleaned.get("term_year"), cleaned.get("term_years")
        if (year is None) != (years is None):
            raise forms.ValidationError(_("Enter both the year and the length of the term."))
        if year and years and year > years:
            self.add_error("term_year", _("The year cannot be after the term's last year."))
        return cleaned


class GoalForm(RevisionForm):
    title = forms.CharField(label=_("Title of the key goal"), max_length=300)

    def clean_title(self) -> str:
        return clean_document_text(self.cleaned_data["title"]).replace("\n", " ").strip()


class ThemeForm(forms.Form):
    title = forms.CharField(label=_("Theme"), max_length=200, required=False)
    actions = DocumentTextField(
        label=_("Actions (取組内容)"), help_text=_("One bullet per line."), rows=5
    )
    results = DocumentTextField(
        label=_("Results (取組の成果)"),
        help_text=_(
            "One bullet per line. Add a figure with its code, e.g. {{visits.person_visits}}."
        ),
        rows=5,
    )
    issues = DocumentTextField(
        label=_("Issues (取組の課題)"), help_text=_("One bullet per line."), rows=4
    )

    def clean_title(self) -> str:
        return clean_document_text(self.cleaned_data["title"]).replace("\n", " ").strip()


ThemeFormSet = forms.formset_factory(ThemeForm, extra=0, max_num=MAX_THEMES, validate_max=True)


class CommentForm(forms.Form):
    goal = forms.IntegerField(required=False, widget=forms.HiddenInput)
    section = forms.ChoiceField(choices=Section.choices, widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_body(self) -> str:
        body = clean_document_text(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError(_("Write the comment."))
        return body


class LoggedActionForm(forms.Form):
    done_on = JapaneseDateField(label=_("Date"))
    text = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    program = forms.ModelChoiceField(
        label=_("Program or event"), queryset=None, required=False, empty_label=_("None")
    )

    def __init__(self, *args, programs, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs

    def clean_text(self) -> str:
        text = clean_document_text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Write what was done."))
        return text


class TargetsForm(RevisionForm):
    """One optional target per indicator, typed with any digits (３２，０００ is 32000)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for indicator in indicators.all_indicators():
            self.fields[self.field_name(indicator.code)] = forms.CharField(
                label=indicator.label, required=False, max_length=20
            )

    @staticmethod
    def field_name(code: str) -> str:
        return "target__" + code.replace(".", "__")

    def clean(self):
        cleaned = super().clean()
        targets: dict[str, Decimal | None] = {}
        for indicator in indicators.all_indicators():
            name = self.field_name(indicator.code)
            raw = normalize_digits(kana.nfkc(cleaned.get(name) or "")).replace(",", "").strip()
            raw = raw.removesuffix("%").strip()
            if not raw:
                targets[indicator.code] = None
                continue
            try:
                value = Decimal(raw)
            except InvalidOperation:
                self.add_error(name, _("Enter a number, e.g. 30000 or 95.5."))
                continue
            if (
                not value.is_finite()
                or not Decimal(0) <= value <= Decimal("99999999")
                or value != round(value, 1)
            ):
                self.add_error(
                    name, _("Enter a target from 0 to 99,999,999 with at most one decimal.")
                )
                continue
            targets[indicator.code] = value
        cleaned["targets"] = targets
        return cleaned


class ImportForm(forms.Form):
    fiscal_year = FiscalYearField(
        label=_("Fiscal year evaluated"),
        help_text=_("e.g. 令和6年度, R6 or 2024. Left empty, it is read from the title."),
        required=False,
    )
    text = forms.CharField(
        label=_("Text of the published sheet"),
        help_text=_("Copy all the text of the sheet out of its PDF and paste it here."),
        max_length=100000,
        widget=forms.Textarea(attrs={"rows": 16}),
    )
