"""The furigana readings staff correct for やさしい日本語: the list with a form to add or change
a word's reading, a sentence to try the furigana on, and deletion."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.core import services
from hiroba.core.forms import errors_text
from hiroba.core.htmx import redirect_after_post
from hiroba.core.queries import readings_of
from hiroba.hubs import queries
from hiroba.hubs.forms import ReadingForm, RubyPreviewForm
from hiroba.hubs.permissions import MANAGE_READINGS
from hiroba.lib.furigana import ruby


@staff_view(MANAGE_READINGS)
def reading_list(request):
    municipality = current_hub(request).ward.municipality
    form = ReadingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            row = services.save_reading(municipality, actor=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("「{word}」 is now read 「{reading}」.").format(
                    word=row.word, reading=row.reading
                ),
            )
            return redirect_after_post(request, reverse("hubs:reading-list"))
        messages.error(request, errors_text(form))
    preview = RubyPreviewForm(request.GET or None)
    sample = preview.cleaned_data["text"] if preview.is_valid() else ""
    context = {
        "form": form,
        "preview": preview,
        # Read fresh, not from the portal's cache: staff check the reading they just saved.
        "sample": ruby(sample, dict(readings_of(municipality.pk).values_list("word", "reading")))
        if sample
        else "",
        "readings": readings_of(municipality.pk),
        "municipality": municipality,
    }
    return render(request, "hubs/readings.html", context)


@require_POST
@staff_view(MANAGE_READINGS, check=CHECK_OBJECT)
def reading_delete(request, reading_id: int):
    row = queries.get_reading_for_user(request.user, reading_id, MANAGE_READINGS)
    services.delete_reading(row, actor=request.user)
    messages.success(request, _("The reading of 「{word}」 was deleted.").format(word=row.word))
    return redirect_after_post(request, reverse("hubs:reading-list"))
