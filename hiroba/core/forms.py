"""Form fields that accept what Japanese users really type, and the shared form renderer.

Full-width digits, half-width katakana, ideographic spaces and wareki dates are normal input
here; these fields normalise them before validating and answer in the user's language.
"""

from __future__ import annotations

import re

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core.input_errors import as_validation_error
from hiroba.lib import kana, text, wareki
from hiroba.lib.errors import InputError
from hiroba.lib.fiscal import fiscal_year_of


def errors_text(form: forms.BaseForm) -> str:
    """Every error of a bound form in one line, for a message or a toast after a POST whose
    page is not shown again."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


class HirobaFormRenderer(TemplatesSetting):
    """Renders every form with our accessible field markup (label, hint, error, aria)."""

    form_template_name = "components/forms/form.html"
    field_template_name = "components/forms/field.html"


class CleanCharField(forms.CharField):
    """NFKC-normalised, trimmed single-line text with runs of spaces collapsed."""

    def to_python(self, value):
        value = super().to_python(value)
        return text.clean_text(value) if value else value


class CleanTextareaField(forms.CharField):
    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return text.clean_multiline(value) if value else value


class _LibField(forms.CharField):
    """A text field whose value is normalised by a ``hiroba.lib`` function."""

    normaliser = staticmethod(lambda value: value)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            return self.normaliser(value)
        except InputError as error:
            raise as_validation_error(error) from error


class KanaField(_LibField):
    normaliser = staticmethod(kana.normalize_furigana)


class PhoneField(_LibField):
    normaliser = staticmethod(text.normalize_phone)

    def prepare_value(self, value):
        """Stored as digits; shown with hyphens, as people write numbers."""
        try:
            return text.format_phone(text.normalize_phone(value)) if value else value
        except InputError:
            return value

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "tel", "autocomplete": "tel"}


class PostalCodeField(_LibField):
    normaliser = staticmethod(text.normalize_postal_code)

    def prepare_value(self, value):
        try:
            return text.format_postal_code(text.normalize_postal_code(value)) if value else value
        except InputError:
            return value

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "numeric",
            "autocomplete": "postal-code",
        }


class NormalisedEmailField(forms.EmailField):
    """Accepts full-width input (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ) and stores a clean address."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value or "@" not in kana.nfkc(value):
            return value  # EmailField's own validator answers "enter a valid address"
        try:
            return text.normalize_email(value)
        except InputError as error:  # "hana@" and the like: a message, not a crash
            raise as_validation_error(error) from error

    def clean(self, value):
        if value:
            value = kana.nfkc(value).strip()
        return super().clean(value)


class JapaneseDateField(forms.DateField):
    """Accepts 2024-04-01, 2024/4/1, R6.4.1, 令和6年4月1日 and full-width variants."""

    default_error_messages = {"invalid": _("Enter a valid date.")}

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not self.help_text:  # the hint already gives examples; a placeholder would repeat it
            attrs["placeholder"] = _("e.g. 2026-04-01 or R8.4.1")
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return super().to_python(value)
        try:
            return wareki.parse_date(str(value))
        except InputError as error:
            raise as_validation_error(error) from error


class JapaneseTimeField(forms.TimeField):
    """Accepts 10:30, １０：３０ and 10時30分 (full-width digits and colons are normal input)."""

    widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

    def to_python(self, value):
        if isinstance(value, str):
            value = kana.nfkc(value).strip().replace("時", ":").removesuffix("分")
            value = value + "00" if value.endswith(":") else value
        return super().to_python(value)


class NumberField(forms.IntegerField):
    """A whole number typed on any keyboard (full-width digits accepted); empty is None.

    A text input with a numeric keyboard rather than ``type=number``, which refuses the
    full-width digits a Japanese input method types."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value):
        if isinstance(value, str):
            value = text.normalize_digits(kana.nfkc(value)).strip()
        return super().to_python(value)


class FiscalYearField(forms.IntegerField):
    """Accepts 2024, 2024年度, 令和6年度, R6."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return wareki.parse_fiscal_year(str(value))
        except InputError as error:
            raise as_validation_error(error) from error


class FiscalYearForm(forms.Form):
    """A page's choice of fiscal year (令和6年度, R6, 2024 …); this year's when left empty or
    mistyped (the mistake is shown on the form)."""

    fiscal_year = FiscalYearField(label=_("Fiscal year"), required=False)

    def chosen(self) -> int:
        if self.is_valid() and self.cleaned_data["fiscal_year"]:
            return self.cleaned_data["fiscal_year"]
        return fiscal_year_of(timezone.localdate())


class CsvUploadField(forms.FileField):
    """A CSV upload of at most ``max_bytes``; the content is parsed by the caller."""

    def __init__(self, *, max_bytes: int = 2 * 1024 * 1024, **kwargs):
        self.max_bytes = max_bytes
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is larger than {size} MB.").format(size=self.max_bytes // 1024 // 1024)
            )
        return upload


YEARS_AROUND_NOW = 10


class LocalDateTimeField(forms.DateTimeField):
    """A date and time in Japan: "2026-04-01 10:00", "2026/4/1 10:00", "2026年4月1日 10時半",
    the browser's date-time picker, full-width digits. Stored as an aware datetime."""

    input_formats = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"]
    default_error_messages = {"invalid": _("Enter a date and time such as 2026-04-01 10:00.")}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            typed = text.normalize_digits(kana.nfkc(value)).strip()
            typed = typed.replace("/", "-").replace("年", "-").replace("月", "-")
            typed = typed.replace("日", " ").replace("時半", ":30")
            typed = re.sub(r"(\d{4})-(\d{1,2})-(\d{1,2})", _zero_pad_date, typed)
            typed = re.sub(r"\s+", " ", typed.replace("時", ":").replace("分", "")).rstrip(":")
            value = f"{typed}:00" if re.fullmatch(r".*[ T]\d{1,2}", typed) else typed
        return super().to_python(value)

    def validate(self, value):
        """A year far from now is a typing mistake (1026 for 2026), refused before it reaches
        pages that print it in 和暦."""
        super().validate(value)
        if value is None:
            return
        this_year = timezone.localdate().year
        first, last = this_year - YEARS_AROUND_NOW, this_year + YEARS_AROUND_NOW
        if not first <= timezone.localtime(value).year <= last:
            raise forms.ValidationError(
                _("Enter a date between the years {first} and {last}.").format(
                    first=first, last=last
                ),
                code="out_of_range",
            )


def _zero_pad_date(match: re.Match) -> str:
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"


def posted_revision(request) -> int:
    """The revision a compare-and-set form was shown at. None posted is -1: treated as stale,
    never as "overwrite whatever is there"."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def shown_revision(request, row) -> int | None:
    """The revision the user's page started from: kept across a form with mistakes, so a
    colleague's save in between is still noticed when the corrected form comes back."""
    if row is None:
        return None
    return posted_revision(request) if request.method == "POST" else row.revision


# -- text per language (やさしい日本語, English) beside the Japanese fields ------------------------
TRANSLATION_SUFFIX = {"ja-easy": "easy", "en": "en"}


def translation_name(field: str, language: str) -> str:
    """The form field holding ``field`` in ``language``: title_easy, description_en."""
    return f"{field}_{TRANSLATION_SUFFIX[language]}"


def translation_initial(translations: dict, fields, languages) -> dict:
    return {
        translation_name(field, language): (translations.get(language) or {}).get(field, "")
        for language in languages
        for field in fields
    }


def merged_translations(existing: dict | None, cleaned_data: dict, fields, languages) -> dict:
    """``translations`` as saved: what the form holds for its languages, other languages kept
    as they were, empty texts and languages left out."""
    merged = {lang: dict(texts) for lang, texts in (existing or {}).items()}
    for language in languages:
        texts = merged.setdefault(language, {})
        for field in fields:
            texts[field] = cleaned_data.get(translation_name(field, language), "")
    return {
        lang: {field: text for field, text in texts.items() if text}
        for lang, texts in merged.items()
        if any(texts.values())
    }
