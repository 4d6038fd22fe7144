"""The parents' pre-registration form: one short page on a phone.

Parents are in a hurry and some read little Japanese, so the form asks only what reception
needs, explains each consent in plain words, and accepts what people really type: full-width
digits, hiragana or katakana, and names in Latin letters (the reading may then be left empty
or written in Latin letters too; search by romaji finds it). The language switcher posts to
Django's ``set_language`` view.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hiroba.core.forms import (
    CleanCharField,
    JapaneseDateField,
    NormalisedEmailField,
    PhoneField,
    PostalCodeField,
)
from hiroba.core.input_errors import message_for
from hiroba.families.choices import ConsentPurpose, HowHeard, Language, Relation
from hiroba.families.models import Member
from hiroba.families.queries import address_for_postal_code
from hiroba.lib import kana
from hiroba.lib.errors import InputError

MAX_CHILDREN = 4
NAME_MAX = Member._meta.get_field("family_name").max_length
KANA_MAX = Member._meta.get_field("family_name_kana").max_length
OLDEST_CHILD_YEARS = 18
LATEST_DUE_DAYS = 300
EARLIEST_DUE_DAYS = 30
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_LATIN = re.compile(r"^[A-Za-z][A-Za-z .'\-]*$")

CONSENTS = {
    ConsentPurpose.VISIT_RECORDS: (
        _("Keep a record of our visits (needed)"),
        _("The hub writes down the days you come and who comes. This is needed to use the hub."),
    ),
    ConsentPurpose.SHARE_WITH_WARD: (
        _("Share our details with the ward office (optional)"),
        _("If you need help, the hub may tell the ward's child-care staff about your family."),
    ),
    ConsentPurpose.PHOTOS: (
        _("Photos of us in newsletters and on the web (optional)"),
        _("The hub may show photos of you and your child in its newsletter or website."),
    ),
    ConsentPurpose.SURVEY_CONTACT: (
        _("Ask us to answer surveys (optional)"),
        _("The hub or the city may ask you to answer a short survey."),
    ),
}


def is_latin_name(value: str) -> bool:
    return bool(_LATIN.match(kana.nfkc(value).strip()))


def reading_of(name: str, reading: str) -> str:
    """The stored reading: kana as katakana; Latin letters kept (for names like "Maria", or
    for parents who cannot type kana); empty only for a name in Latin letters."""
    if not reading:
        if name and is_latin_name(name):
            return kana.nfkc(name).strip()
        raise forms.ValidationError(_("Enter the name in kana (ふりがな)."), code="required")
    if is_latin_name(reading):
        return kana.nfkc(reading).strip()
    try:
        return kana.normalize_furigana(reading)
    except InputError as error:
        raise forms.ValidationError(message_for(error), code=error.code) from error


def hub_choices(hubs) -> list:
    """The hubs, grouped by ward when the portal serves more than one ward."""
    wards: dict[str, list[tuple[int, str]]] = {}
    for hub in hubs:
        wards.setdefault(str(hub.ward), []).append((hub.pk, hub.name))
    if len(wards) <= 1:
        return [choice for choices in wards.values() for choice in choices]
    return list(wards.items())


class DateInput(forms.DateInput):
    """A native date picker on phones; typed 和暦 still works where there is none."""

    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class RegistrationForm(forms.Form):
    hub = forms.TypedChoiceField(label=_("The hub you will visit"), coerce=int)
    family_name = CleanCharField(label=pgettext_lazy("person", "Family name"), max_length=NAME_MAX)
    given_name = CleanCharField(label=pgettext_lazy("person", "Given name"), max_length=NAME_MAX)
    family_name_kana = CleanCharField(
        label=pgettext_lazy("person", "Family name in kana"), max_length=KANA_MAX, required=False
    )
    given_name_kana = CleanCharField(
        label=pgettext_lazy("person", "Given name in kana"), max_length=KANA_MAX, required=False
    )
    relation = forms.ChoiceField(
        label=_("You are the child's"), choices=Relation.choices, widget=forms.RadioSelect
    )
    phone = PhoneField(label=_("Phone"), help_text=_("e.g. 090-1234-5678"))
    email = NormalisedEmailField(label=_("E-mail (optional)"), required=False)
    postal_code = PostalCodeField(label=_("Postal code"), help_text=_("e.g. 225-0002"))
    address_region = CleanCharField(
        label=_("Town"),
        help_text=_("Filled in from the postal code."),
        max_length=100,
        required=False,
    )
    address_rest = CleanCharField(
        label=_("Block number and building (optional)"), max_length=100, required=False
    )
    language = forms.ChoiceField(label=_("Language you prefer"), choices=Language.choices)
    how_heard = forms.ChoiceField(
        label=_("How did you hear about the hub? (optional)"),
        choices=[("", "—"), *HowHeard.choices],
        required=False,
    )
    # A field people never see; form-filling robots fill it in.
    website = forms.CharField(label=_("Leave this empty"), required=False)
    key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, hubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].choices = hub_choices(hubs)
        for purpose, (label, hint) in CONSENTS.items():
            required = purpose == ConsentPurpose.VISIT_RECORDS
            self.fields[f"consent_{purpose}"] = forms.BooleanField(
                label=label, help_text=hint, required=required
            )
        self.fields[f"consent_{ConsentPurpose.VISIT_RECORDS}"].error_messages["required"] = _(
            "Please agree, so that the hub can keep a record of your visits."
        )
        for name in ("family_name_kana", "given_name_kana"):
            self.fields[name].help_text = _("ひらがな or カタカナ. Latin letters are fine too.")
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["postal_code"].widget.attrs.update(
            {
                "hx-get": reverse("portal:postal-code"),
                "hx-trigger": "change",
                "hx-target": "#region-field",
                "hx-swap": "innerHTML",
            }
        )
        autocomplete = {
            "family_name": "family-name",
            "given_name": "given-name",
            "address_region": "address-level2",
            "address_rest": "address-line1",
        }
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        if not self.is_bound:
            self.initial.setdefault("key", secrets.token_urlsafe(24))

    @property
    def consent_fields(self):
        return [self[f"consent_{purpose}"] for purpose in CONSENTS]

    def clean_family_name_kana(self):
        return self._reading("family_name", "family_name_kana")

    def clean_given_name_kana(self):
        return self._reading("given_name", "given_name_kana")

    def _reading(self, name_field: str, reading_field: str) -> str:
        return reading_of(
            self.cleaned_data.get(name_field, ""), self.cleaned_data.get(reading_field, "")
        )

    def clean_key(self):
        key = self.cleaned_data.get("key", "")
        return key if KEY_PATTERN.match(key) else ""

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("postal_code")
        if code and not cleaned.get("address_region"):
            region = address_for_postal_code(code)
            if region:
                cleaned["address_region"] = region
            else:
                self.add_error(
                    "address_region",
                    _("We could not find the town for this postal code. Please write it here."),
                )
        return cleaned

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))

    def consents(self) -> dict[str, bool]:
        return {p: bool(self.cleaned_data.get(f"consent_{p}")) for p in CONSENTS}


class ChildForm(forms.Form):
    """One child, or a baby on the way (due date only). An untouched row is ignored."""

    given_name = CleanCharField(
        label=pgettext_lazy("person", "Child's given name"), max_length=NAME_MAX, required=False
    )
    given_name_kana = CleanCharField(
        label=pgettext_lazy("person", "Given name in kana"), max_length=KANA_MAX, required=False
    )
    birth_date = JapaneseDateField(label=_("Date of birth"), required=False, widget=DateInput())
    due_date = JapaneseDateField(
        label=_("Or: due date, if the baby is not born yet"), required=False, widget=DateInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_name_kana"].help_text = _("ひらがな or カタカナ")

    @property
    def is_used(self) -> bool:
        return any(self.data.get(self.add_prefix(name), "").strip() for name in self.fields)

    def clean(self):
        cleaned = super().clean()
        if not self.is_used:
            return cleaned
        born, due = cleaned.get("birth_date"), cleaned.get("due_date")
        if "birth_date" in self.errors or "due_date" in self.errors:
            return cleaned
        if born and due:
            self.add_error("due_date", _("Enter the date of birth or the due date, not both."))
        elif not born and not due:
            self.add_error("birth_date", _("Enter the date of birth (or the due date)."))
        elif born:
            self._check_birth(born)
        else:
            self._check_due(due)
        self._check_name(cleaned, required=bool(born))
        return cleaned

    def _check_name(self, cleaned, *, required: bool) -> None:
        """A born child needs a name; a baby on the way may have one already."""
        name = cleaned.get("given_name", "")
        if not name:
            if required and "given_name" not in self.errors:
                self.add_error("given_name", _("Enter the child's name."))
            return
        try:
            cleaned["given_name_kana"] = reading_of(name, cleaned.get("given_name_kana", ""))
        except forms.ValidationError as error:
            self.add_error("given_name_kana", error)

    def _check_birth(self, born: date) -> None:
        today = timezone.localdate()
        if born > today:
            self.add_error("birth_date", _("The date of birth is in the future."))
        elif born < today - timedelta(days=366 * OLDEST_CHILD_YEARS):
            self.add_error("birth_date", _("Please check the year of birth."))

    def _check_due(self, due: date) -> None:
        today = timezone.localdate()
        if due < today - timedelta(days=EARLIEST_DUE_DAYS):
            self.add_error("due_date", _("If the baby is born, please enter the date of birth."))
        elif due > today + timedelta(days=LATEST_DUE_DAYS):
            self.add_error("due_date", _("Please check the due date."))


def child_forms(data=None) -> list[ChildForm]:
    return [ChildForm(data, prefix=f"child-{i}") for i in range(MAX_CHILDREN)]
