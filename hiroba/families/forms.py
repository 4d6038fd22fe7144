"""Forms of the family registry. Input is normalised (full-width digits, kana variants) and
every rule a counter clerk can break gets a clear message before a service is called."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hiroba.core.forms import (
    CleanCharField,
    CleanTextareaField,
    JapaneseDateField,
    KanaField,
    NormalisedEmailField,
    PhoneField,
    PostalCodeField,
)
from hiroba.families import queries
from hiroba.families.choices import (
    ConsentAction,
    ConsentPurpose,
    ContactChannel,
    HouseholdStatus,
    HowHeard,
    Language,
    MemberKind,
    Relation,
    Sex,
)
from hiroba.families.errors import REGISTRY_MESSAGES
from hiroba.families.models import Household, Member
from hiroba.families.services import MemberData

STATUS_ALL = "all"
MAX_CAREGIVERS = 6
MAX_CHILDREN = 12
# A due date more than 10 months ahead cannot be right; long past, the baby is born.
DUE_DATE_MAX_AHEAD = timedelta(days=300)
DUE_DATE_MAX_PAST = timedelta(days=90)
CHILD_MAX_AGE = timedelta(days=18 * 366)
KANA_REQUIRED = {"required": _("Enter the name in kana.")}


def _label(model, name: str):
    """The model's own (translated) field name, so forms and pages use one wording."""
    return capfirst(model._meta.get_field(name).verbose_name)


def _choices_with_blank(choices, blank_label="—"):
    return [("", blank_label), *choices]


class RegistryFilterForm(forms.Form):
    """The search box and status filter of the registry list."""

    q = CleanCharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Furigana (any script or romaji), phone number or card number"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Registered and pre-registered")),
            *HouseholdStatus.choices,
            (STATUS_ALL, _("All cards")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"autocomplete": "off", "enterkeyhint": "search"})


# -- household ---------------------------------------------------------------------------------
class HouseholdForm(forms.Form):
    """Address, language and how the family heard of the hub (registration and editing)."""

    postal_code = PostalCodeField(
        label=_label(Household, "postal_code"),
        required=False,
        help_text=_("The address is filled in from the postal code."),
    )
    address_region = CleanCharField(
        label=_label(Household, "address_region"), max_length=100, required=False
    )
    address_rest = CleanCharField(
        label=_label(Household, "address_rest"),
        max_length=100,
        required=False,
        help_text=_("e.g. 2-3-4 Sakura Heights 101"),
    )
    language = forms.ChoiceField(
        label=_label(Household, "language"), choices=Language.choices, initial=Language.JAPANESE
    )
    how_heard = forms.ChoiceField(
        label=_label(Household, "how_heard"),
        choices=_choices_with_blank(HowHeard.choices),
        required=False,
    )
    notes = CleanTextareaField(
        label=_label(Household, "notes"),
        required=False,
        max_length=2000,
        help_text=_("Only what staff need to know. Families may ask to see their record."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].widget.attrs["rows"] = 3
        # Progressive enhancement: with htmx the address appears when the postal code is
        # typed; without it, ``clean`` fills in an empty address on saving.
        self.fields["postal_code"].widget.attrs.update(
            {
                "hx-get": reverse("families:postal-code-lookup"),
                "hx-trigger": "change, keyup changed delay:500ms",
                "hx-target": "#address-region-slot",
                "hx-include": "[name=address_region]",
                "hx-sync": "this:replace",
            }
        )

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("postal_code")
        if code and not cleaned.get("address_region"):
            cleaned["address_region"] = queries.address_for_postal_code(code) or ""
        return cleaned


class RegistrationForm(HouseholdForm):
    """A new family at the counter: the household form plus consent per purpose."""

    CONSENT_PREFIX = "consent_"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for purpose, label in ConsentPurpose.choices:
            self.fields[self.CONSENT_PREFIX + purpose] = forms.BooleanField(
                label=label, required=False
            )

    def household_fields(self):
        return [f for f in self if not f.name.startswith(self.CONSENT_PREFIX)]

    def consent_fields(self):
        return [f for f in self if f.name.startswith(self.CONSENT_PREFIX)]

    def consents(self) -> dict[str, bool]:
        return {
            purpose: self.cleaned_data[self.CONSENT_PREFIX + purpose]
            for purpose in ConsentPurpose.values
        }


class HouseholdEditForm(HouseholdForm):
    """Editing a registered family: the household form plus how the family wants to hear from
    the hub (set by the parent on the portal too)."""

    contact_channel = forms.ChoiceField(
        label=_label(Household, "contact_channel"),
        choices=ContactChannel.choices,
        initial=ContactChannel.EMAIL,
        widget=forms.RadioSelect,
        error_messages={
            "required": REGISTRY_MESSAGES["unknown_contact_channel"],
            "invalid_choice": REGISTRY_MESSAGES["unknown_contact_channel"],
        },
    )

    def values(self) -> dict:
        """The cleaned values ``services.update_household`` takes."""
        values = household_values(self.cleaned_data)
        values["contact_channel"] = self.cleaned_data["contact_channel"]
        return values


def household_values(cleaned: dict) -> dict:
    """The cleaned values ``services.update_household`` takes."""
    names = ("postal_code", "address_region", "address_rest", "language", "how_heard", "notes")
    return {name: cleaned.get(name) or "" for name in names}


# -- members -----------------------------------------------------------------------------------
class MemberForm(forms.Form):
    """Name and furigana, shared by caregivers and children."""

    kind = MemberKind.CAREGIVER
    family_name = CleanCharField(
        label=_label(Member, "family_name"),
        max_length=40,
        error_messages={"required": _("Enter the family name.")},
    )
    given_name = CleanCharField(
        label=_label(Member, "given_name"),
        max_length=40,
        error_messages={"required": _("Enter the given name.")},
    )
    family_name_kana = KanaField(
        label=_label(Member, "family_name_kana"), max_length=80, error_messages=KANA_REQUIRED
    )
    given_name_kana = KanaField(
        label=_label(Member, "given_name_kana"), max_length=80, error_messages=KANA_REQUIRED
    )

    def clean(self):
        cleaned = super().clean()
        kana_missing = not (cleaned.get("given_name_kana") or self.has_error("given_name_kana"))
        if cleaned.get("given_name") and kana_missing:
            self.add_error("given_name_kana", _("Enter the name in kana."))
        return cleaned

    def member_data(self, family_default: tuple[str, str] = ("", "")) -> MemberData:
        values = {
            name: value
            for name, value in self.cleaned_data.items()
            if name in MemberData.__dataclass_fields__
        }
        values["family_name"] = values.get("family_name") or family_default[0]
        values["family_name_kana"] = values.get("family_name_kana") or family_default[1]
        return MemberData(kind=self.kind, **values)


class CaregiverForm(MemberForm):
    kind = MemberKind.CAREGIVER
    relation = forms.ChoiceField(
        label=_label(Member, "relation"),
        choices=_choices_with_blank(Relation.choices),
        error_messages={"required": REGISTRY_MESSAGES["caregiver_needs_relation"]},
    )
    phone = PhoneField(label=_label(Member, "phone"), required=False)
    email = NormalisedEmailField(label=_label(Member, "email"), required=False)
    is_primary_contact = forms.BooleanField(
        label=_label(Member, "is_primary_contact"), required=False
    )

    field_order = [
        "relation",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "phone",
        "email",
        "is_primary_contact",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class ChildForm(MemberForm):
    """A child, or a pregnancy (a due date and no date of birth). The family name may be left
    empty when it is the first caregiver's."""

    kind = MemberKind.CHILD
    birth_date = JapaneseDateField(
        label=_label(Member, "birth_date"),
        required=False,
        help_text=_("e.g. 2025-05-01 or R7.5.1"),
    )
    due_date = JapaneseDateField(
        label=_label(Member, "due_date"),
        required=False,
        help_text=_("For a baby not yet born."),
    )
    birth_order = forms.IntegerField(
        label=_label(Member, "birth_order"), required=False, min_value=1, max_value=20
    )
    sex = forms.ChoiceField(label=_label(Member, "sex"), choices=Sex.choices, required=False)

    field_order = [
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "birth_date",
        "due_date",
        "birth_order",
        "sex",
    ]

    def __init__(self, *args, family_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("family_name", "family_name_kana"):
            self.fields[name].required = family_required
            if not family_required:
                self.fields[name].help_text = _("Leave empty if the same as the first caregiver.")
        # A baby on the way has no given name yet.
        self.fields["given_name"].required = False
        self.fields["given_name_kana"].required = False

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        birth, due = cleaned.get("birth_date"), cleaned.get("due_date")
        dates_typed = self.has_error("birth_date") or self.has_error("due_date")
        if birth is None and due is None and not dates_typed:
            self.add_error("birth_date", REGISTRY_MESSAGES["child_needs_birth_or_due_date"])
        if birth and birth > today:
            self.add_error("birth_date", _("The date of birth cannot be in the future."))
        elif birth and birth < today - CHILD_MAX_AGE:
            self.add_error("birth_date", _("Check the date of birth: the child would be over 18."))
        if due and not birth:
            if due > today + DUE_DATE_MAX_AHEAD:
                self.add_error("due_date", _("The due date is too far ahead. Check the year."))
            elif due < today - DUE_DATE_MAX_PAST:
                self.add_error(
                    "due_date", _("The due date is long past. Enter the date of birth instead.")
                )
        if not (cleaned.get("given_name") or cleaned.get("given_name_kana") or due):
            self.add_error("given_name", _("Enter the child's given name."))
        return cleaned


class CaregiverRows(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed()]
        if not filled:
            raise forms.ValidationError(REGISTRY_MESSAGES["family_needs_caregiver"])


CaregiverFormSet = forms.formset_factory(
    CaregiverForm,
    formset=CaregiverRows,
    extra=1,
    min_num=1,
    max_num=MAX_CAREGIVERS,
    validate_max=True,
)
ChildFormSet = forms.formset_factory(ChildForm, extra=2, max_num=MAX_CHILDREN, validate_max=True)


def members_from(caregivers: CaregiverRows, children: forms.BaseFormSet) -> list[MemberData]:
    """MemberData for the filled rows: caregivers first (the first one is the main contact
    unless another is ticked), children taking the first caregiver's family name if empty."""
    adults = [f.member_data() for f in caregivers.forms if f.has_changed()]
    if adults and not any(a.is_primary_contact for a in adults):
        adults[0].is_primary_contact = True
    default = (adults[0].family_name, adults[0].family_name_kana) if adults else ("", "")
    kids = [f.member_data(default) for f in children.forms if f.has_changed()]
    return adults + kids


def member_form_class(kind: str) -> type[MemberForm]:
    return ChildForm if kind == MemberKind.CHILD else CaregiverForm


def member_initial(member: Member) -> dict:
    form_class = member_form_class(member.kind)
    return {name: getattr(member, name) for name in form_class.base_fields}


# -- consent and leaving -----------------------------------------------------------------------
class _NotFutureDateField(JapaneseDateField):
    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=ConsentPurpose.choices, widget=forms.RadioSelect
    )
    action = forms.ChoiceField(
        label=_("Consent"), choices=ConsentAction.choices, widget=forms.RadioSelect
    )
    given_on = _NotFutureDateField(label=_("Date"), help_text=_("The day the family said so."))


class MemberLeftForm(forms.Form):
    left_on = _NotFutureDateField(
        label=_label(Member, "left_on"),
        help_text=_("Past visits stay in the records."),
    )
