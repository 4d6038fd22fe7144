"""The resource form (staff, and staff reviewing a suggestion), its filters, and the small
parsers the form and the import share (ages like 「1歳6か月」, coordinates in full width)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hiroba.core.forms import (
    CleanCharField,
    CleanTextareaField,
    KanaField,
    PhoneField,
    PostalCodeField,
    merged_translations,
    translation_initial,
    translation_name,
)
from hiroba.core.input_errors import as_validation_error
from hiroba.directory.categories import category_choices
from hiroba.directory.choices import AMENITY_FIELDS, Amenity, ResourceStatus
from hiroba.directory.models import MAX_AGE_MONTHS, Resource, location_errors
from hiroba.families.choices import Language
from hiroba.lib.ages import parse_child_ages
from hiroba.lib.errors import InputError

SPOKEN_LANGUAGES = [
    (code, label)
    for code, label in Language.choices
    if code not in {Language.JAPANESE, Language.EASY_JAPANESE, Language.OTHER}
]
_RANGE_SPLIT = re.compile(r"[〜～~\-－―‐]")
# The entry's texts the form shows in other languages (hours and cost stay in the import).
FORM_TRANSLATED = ("name", "description")
FORM_LANGUAGES = ("ja-easy", "en")
MAX_DEGREES = 1000  # what the database column holds (9 digits, 6 after the point)
EVERYONE = {"", "どなたでも", "制限なし", "なし", "全年齢"}


def age_bound(text: str, *, upper: bool) -> int | None:
    """「1歳6か月」 → 18 months; an upper bound in whole years includes that year
    (「3歳」 as an upper bound is 47 months: a child of 3 years 11 months is still 3)."""
    text = unicodedata.normalize("NFKC", text or "").strip().removesuffix("まで")
    text = text.removesuffix("から").removesuffix("以上").removesuffix("以下").strip()
    if not text:
        return None
    ages = parse_child_ages(text)
    if len(ages) != 1:  # 「0・1・2歳」: several ages where one bound was meant
        raise InputError("child_age_format", {"text": text})
    (months,) = ages
    if months > MAX_AGE_MONTHS:
        raise InputError("child_age_out_of_range", {"text": text})
    whole_years = "月" not in text
    return months + 11 if upper and whole_years else months


# Words for an age range that are not numbers, as (first month, last month).
AGE_WORDS = {
    "未就学児": (0, 6 * 12 + 11),
    "就学前": (0, 6 * 12 + 11),
    "乳幼児": (0, 5 * 12 + 11),
    "乳児": (0, 11),
}


def age_range(text: str) -> tuple[int | None, int | None]:
    """「0〜3歳」, 「1歳6か月～」, 「未就学児」 → (first month, last month); None is open."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if text in EVERYONE:
        return None, None
    if text in AGE_WORDS:
        return AGE_WORDS[text]
    parts = _RANGE_SPLIT.split(text, maxsplit=1)
    low_text, high_text = parts if len(parts) == 2 else (text, text)
    if len(parts) == 1 and text.endswith(("から", "以上")):
        high_text = ""
    elif len(parts) == 1 and text.endswith(("まで", "以下")):
        low_text = ""
    return age_bound(low_text, upper=False), age_bound(high_text, upper=True)


def parse_coordinate(text: str) -> Decimal | None:
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not text:
        return None
    try:
        value = Decimal(text)
        if not value.is_finite() or abs(value) >= MAX_DEGREES:
            raise ValueError(text)
        return value.quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ValueError(text) from None


class CoordinateField(forms.CharField):
    """A latitude or longitude in decimal degrees, typed in any width."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return parse_coordinate(value)
        except ValueError:
            raise forms.ValidationError(
                _("Enter decimal degrees, e.g. 35.466188."), code="invalid"
            ) from None

    def prepare_value(self, value):
        return "" if value is None else str(value)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}


def age_words(months: int, *, upper: bool) -> str:
    """Months as people write an age, read back to the same months by ``age_bound``: an upper
    bound of a whole year's last month is 「3歳」, any other upper bound keeps its months
    (「3歳0か月」, since 「3歳」 as an upper bound would mean up to 3 years 11 months)."""
    if upper and months % 12 == 11:  # noqa: PLR2004 - the last month of a year of age
        return f"{months // 12}歳"
    years, rest = divmod(months, 12)
    return f"{years}歳{rest}か月" if rest or upper else f"{years}歳"


class AgeField(forms.CharField):
    """An age as staff write it (「0歳」「1歳6か月」「3」); stored as months."""

    def __init__(self, *, upper: bool, **kwargs):
        self.upper = upper
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "12"}

    def to_python(self, value):
        value = super().to_python(value)
        if len(value) > 12:  # noqa: PLR2004 - 「10歳11か月まで」 fits
            raise forms.ValidationError(_("Write the age like 1歳6か月."), code="invalid")
        try:
            return age_bound(value, upper=self.upper)
        except InputError as error:
            raise as_validation_error(error) from error

    def prepare_value(self, value):
        return age_words(value, upper=self.upper) if isinstance(value, int) else value


class ResourceForm(forms.Form):
    """Every field staff keep about a resource. ``cleaned_values()`` gives the service's
    keyword arguments (amenity checkboxes become the yes/no fields, English text goes into
    ``translations``)."""

    category = forms.ChoiceField(label=_("Category"))
    name = CleanCharField(label=_("Name"), max_length=100)
    name_kana = KanaField(label=_("Name (kana)"), max_length=200, required=False)
    description = CleanTextareaField(
        label=_("Description"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    postal_code = PostalCodeField(label=_("Postal code"), required=False)
    address = CleanCharField(label=_("Address"), max_length=200, required=False)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=None, required=False, empty_label=_("Not set")
    )
    latitude = CoordinateField(
        label=_("Latitude"),
        required=False,
        help_text=_("Decimal degrees, e.g. 35.466188. Leave both empty to keep it off the map."),
    )
    longitude = CoordinateField(label=_("Longitude"), required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    url = forms.URLField(label=_("Web page"), required=False, assume_scheme="https", max_length=200)
    hours = CleanCharField(label=_("Opening hours"), max_length=200, required=False)
    target_age_min_months = AgeField(
        label=_("Target age from"), upper=False, help_text=_("e.g. 0歳, 6か月, 1歳6か月")
    )
    target_age_max_months = AgeField(
        label=_("Target age up to"), upper=True, help_text=_("Empty when there is no upper age.")
    )
    for_expecting = forms.BooleanField(label=_("Also for expecting parents"), required=False)
    cost = CleanCharField(label=_("Cost"), max_length=100, required=False)
    amenities = forms.MultipleChoiceField(
        label=_("Amenities"),
        choices=Amenity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken besides Japanese"),
        choices=SPOKEN_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    name_easy = CleanCharField(label=_("Name in Easy Japanese"), max_length=100, required=False)
    description_easy = CleanTextareaField(
        label=_("Description in Easy Japanese"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    name_en = CleanCharField(label=_("Name in English"), max_length=100, required=False)
    description_en = CleanTextareaField(
        label=_("Description in English"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    status = forms.ChoiceField(label=_("Portal"), choices=ResourceStatus.choices)

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = hub.ward.municipality
        self.fields["category"].choices = [
            ("", "---------"),
            *category_choices(municipality, get_language()),
        ]
        self.fields["district"].queryset = hub.ward.districts.order_by("sort_order", "name")

    def clean(self):
        cleaned = super().clean()
        low = cleaned.get("target_age_min_months")
        high = cleaned.get("target_age_max_months")
        if low is not None and high is not None and low > high:
            self.add_error("target_age_max_months", _("The upper age is below the lower age."))
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error("longitude", _("Enter both the latitude and the longitude, or neither."))
        elif latitude is not None:
            for name, message in location_errors(float(latitude), float(longitude)).items():
                self.add_error(name, message)
        return cleaned

    def cleaned_values(self, translations: dict | None = None) -> dict:
        """The service's keyword arguments; ``translations`` (the entry's) keep the languages
        and fields this form does not show."""
        data = dict(self.cleaned_data)
        amenities = set(data.pop("amenities", []))
        for code, field in AMENITY_FIELDS.items():
            data[field] = code in amenities
        data["translations"] = merged_translations(
            translations, data, FORM_TRANSLATED, FORM_LANGUAGES
        )
        for language in FORM_LANGUAGES:
            for field in FORM_TRANSLATED:
                data.pop(translation_name(field, language))
        return data


def initial_for(resource: Resource) -> dict:
    """The form's starting values for an existing entry."""
    values = {
        name: getattr(resource, name)
        for name in ResourceForm.base_fields
        if hasattr(resource, name)
    }
    values.update(
        district=resource.district_id,
        amenities=resource.amenities,
        **translation_initial(resource.translations, FORM_TRANSLATED, FORM_LANGUAGES),
    )
    return values


class StaffFilterForm(forms.Form):
    q = CleanCharField(label=_("Name or address"), required=False, max_length=50)
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(
        label=_("Portal"), required=False, choices=[("", _("All")), *ResourceStatus.choices]
    )
    stale = forms.BooleanField(label=_("Only entries to verify again"), required=False)

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        choices = category_choices(hub.ward.municipality, get_language())
        self.fields["category"].choices = [("", _("All categories")), *choices]
