"""The portal's resource map: its filters (a GET form that works without JavaScript) and the
form that suggests a new place or a correction."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hiroba.core.forms import CleanCharField, CleanTextareaField, PhoneField
from hiroba.directory.choices import AgeBand, Amenity, SubmitterKind
from hiroba.directory.forms import age_range, parse_coordinate
from hiroba.lib.errors import InputError
from hiroba.portal.forms import hub_choices


class ResourceFilterForm(forms.Form):
    q = CleanCharField(label=_("Search words"), required=False, max_length=50)
    category = forms.ChoiceField(label=_("Kind of place"), required=False)
    age = forms.ChoiceField(
        label=_("Child's age"), required=False, choices=[("", _("Any age")), *AgeBand.choices]
    )
    district = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None)
    amenity = forms.MultipleChoiceField(
        label=_("Must have"),
        required=False,
        choices=Amenity.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # Set by the "near me" button from the phone's location; never shown.
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lng = forms.CharField(required=False, widget=forms.HiddenInput)
    hub = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, widget=forms.HiddenInput
    )

    def __init__(self, *args, categories, districts, hubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All kinds")), *categories]
        self.fields["district"].choices = [("", _("All areas")), *districts]
        self.fields["hub"].choices = [(h.pk, h.name) for h in hubs]

    def near(self) -> tuple[float, float] | None:
        try:
            lat = parse_coordinate(self.cleaned_data.get("lat"))
            lng = parse_coordinate(self.cleaned_data.get("lng"))
        except ValueError:
            return None
        if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
            return None
        return float(lat), float(lng)


class SuggestionForm(forms.Form):
    """What a parent or partner can tell us about a place; staff check it before it shows."""

    hub = forms.TypedChoiceField(label=_("Hub"), coerce=int)
    name = CleanCharField(label=_("Name of the place"), max_length=100)
    category = forms.ChoiceField(label=_("Kind of place"))
    address = CleanCharField(label=_("Address"), max_length=200, required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    url = forms.URLField(label=_("Web page"), required=False, assume_scheme="https", max_length=200)
    hours = CleanCharField(label=_("Opening hours"), max_length=200, required=False)
    target_age = CleanCharField(
        label=_("Target age"),
        max_length=30,
        required=False,
        help_text=_("e.g. 0〜3歳, 未就学児"),
    )
    amenities = forms.MultipleChoiceField(
        label=_("What it has"),
        required=False,
        choices=Amenity.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    description = CleanTextareaField(
        label=_("About the place"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message = CleanTextareaField(
        label=_("Message to the hub (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    submitter_kind = forms.ChoiceField(
        label=_("You are"),
        choices=SubmitterKind.choices,
        initial=SubmitterKind.PARENT,
        widget=forms.RadioSelect,
    )
    submitter_name = CleanCharField(label=_("Your name (optional)"), max_length=60, required=False)
    submitter_contact = CleanCharField(
        label=_("E-mail or phone, if the hub may ask you (optional)"),
        max_length=254,
        required=False,
    )
    # A field people never see; form-filling robots fill it in.
    website = forms.CharField(label=_("Leave this empty"), required=False)

    PROPOSED = (
        "name",
        "category",
        "address",
        "phone",
        "url",
        "hours",
        "target_age",
        "amenities",
        "description",
    )

    def __init__(self, *args, hubs, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].choices = hub_choices(hubs)
        self.fields["category"].choices = [("", "---------"), *categories]
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))

    def clean_target_age(self):
        text = self.cleaned_data["target_age"]
        try:
            age_range(text)
        except InputError:
            raise forms.ValidationError(_("Write the ages like 0〜3歳 or 未就学児.")) from None
        return text

    def proposed(self, current: dict | None) -> dict:
        """The proposed values; for a correction only those that differ from ``current``."""
        values = {name: self.cleaned_data[name] for name in self.PROPOSED}
        if current is None:
            return {k: v for k, v in values.items() if v not in ("", [])}
        return {k: v for k, v in values.items() if v != current.get(k)}
