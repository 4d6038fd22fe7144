"""The news form (Japanese, やさしい日本語 and English side by side, dates as staff type them, an
optional photo) and the filter of the staff list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core.categories import section_categories
from hiroba.core.forms import (
    CleanCharField,
    CleanTextareaField,
    LocalDateTimeField,
    merged_translations,
    translation_initial,
    translation_name,
)
from hiroba.news.choices import TRANSLATABLE_FIELDS, TRANSLATION_LANGUAGES, NewsState, NewsStatus
from hiroba.news.images import TYPES, CleanImage, ImageRefused, clean_image
from hiroba.news.models import MAX_BODY_CHARS, NewsItem

FIELD_LABELS = {
    ("title", "ja-easy"): _("Title in Easy Japanese"),
    ("body", "ja-easy"): _("Text in Easy Japanese"),
    ("title", "en"): _("Title in English"),
    ("body", "en"): _("Text in English"),
}


def category_choices(hub, language: str | None) -> list[tuple[str, str]]:
    return [(c.code, c.label(language)) for c in section_categories(hub.ward.municipality, "news")]


def _translation_field(field: str, language: str) -> forms.Field:
    label = FIELD_LABELS[(field, language)]
    if field == "title":
        return CleanCharField(label=label, max_length=120, required=False)
    hint = (
        _("Short sentences, everyday words; kanji get furigana on the portal.")
        if language == "ja-easy"
        else ""
    )
    return CleanTextareaField(
        label=label,
        max_length=MAX_BODY_CHARS,
        required=False,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NewsForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    title = CleanCharField(label=_("Title"), max_length=120)
    body = CleanTextareaField(
        label=_("Text"),
        max_length=MAX_BODY_CHARS,
        help_text=_("Plain text. Web addresses become links on the portal."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    publish_at = LocalDateTimeField(
        label=_("Show from"), help_text=_("A time in the future schedules the item.")
    )
    expires_at = LocalDateTimeField(
        label=_("Show until"), required=False, help_text=_("Leave empty to keep it shown.")
    )
    is_pinned = forms.BooleanField(label=_("Important: show it first"), required=False)
    image = forms.FileField(
        label=_("Photo or poster"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, up to 5 MB. Location and camera data are removed. Only use "
            "photos of children whose parents agreed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(TYPES.values())}),
    )
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)
    image_alt = CleanCharField(
        label=_("What the image shows"),
        max_length=200,
        required=False,
        help_text=_("Read aloud to parents who cannot see it."),
    )
    status = forms.ChoiceField(
        label=_("Publication"),
        choices=[
            (NewsStatus.DRAFT, _("Keep as a draft")),
            (NewsStatus.PUBLISHED, _("Publish (from the time above)")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, hub, item: NewsItem | None = None, language=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.clean_photo: CleanImage | None = None
        self.fields["category"].choices = category_choices(hub, language)
        for language_code in TRANSLATION_LANGUAGES:
            for field in TRANSLATABLE_FIELDS:
                self.fields[translation_name(field, language_code)] = _translation_field(
                    field, language_code
                )
        if item is None or item.image_id is None:
            del self.fields["remove_image"]
        if item is not None and item.status == NewsStatus.WITHDRAWN:
            self.fields["status"].choices += [(NewsStatus.WITHDRAWN, _("Withdrawn"))]
        self.order_fields(
            ["category", "title", "body", "title_easy", "body_easy", "title_en", "body_en"]
        )

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload:
            try:
                self.clean_photo = clean_image(upload)
            except ImageRefused as refused:
                raise forms.ValidationError(refused.message) from None
        return upload

    def clean(self):
        data = super().clean()
        publish_at, expires_at = data.get("publish_at"), data.get("expires_at")
        if publish_at and expires_at and expires_at <= publish_at:
            self.add_error("expires_at", _("The end of showing must come after the start."))
        keeps_image = self.item is not None and self.item.image_id and not data.get("remove_image")
        if (self.clean_photo or keeps_image) and not data.get("image_alt"):
            self.add_error("image_alt", _("Describe the image for parents who cannot see it."))
        if self.errors and self.files.get("image") and "image" not in self.errors:
            self.add_error("image", _("Please choose the image again: files are not kept."))
        return data

    def cleaned_values(self, translations: dict | None = None) -> dict[str, Any]:
        """The values for ``services``: other languages already written are kept."""
        data = self.cleaned_data
        merged = merged_translations(translations, data, TRANSLATABLE_FIELDS, TRANSLATION_LANGUAGES)
        values = {
            name: data[name]
            for name in ("category", "title", "body", "publish_at", "expires_at", "is_pinned")
        }
        values.update(translations=merged, status=data["status"], image_alt=data["image_alt"])
        return values


def initial_for(item: NewsItem | None) -> dict[str, Any]:
    if item is None:
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"publish_at": now, "status": NewsStatus.PUBLISHED}
    initial = {
        name: getattr(item, name)
        for name in (
            "category",
            "title",
            "body",
            "publish_at",
            "expires_at",
            "is_pinned",
            "image_alt",
            "status",
        )
    }
    initial.update(
        translation_initial(item.translations, TRANSLATABLE_FIELDS, TRANSLATION_LANGUAGES)
    )
    for name in ("publish_at", "expires_at"):
        if initial[name]:
            initial[name] = timezone.localtime(initial[name])
    return initial


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All"))] + list(NewsState.choices),
    )
