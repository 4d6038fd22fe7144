"""The city's categories (the directory's kinds of place, the news's kinds of notice), kept as
municipal rules: staff rename them, add new ones and remove ones no record uses."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import staff_view
from hiroba.core import services
from hiroba.core.categories import SECTIONS, section_categories
from hiroba.core.htmx import redirect_after_post
from hiroba.hubs.forms import CategoryFormSet
from hiroba.hubs.permissions import MANAGE_CATEGORIES


@staff_view(MANAGE_CATEGORIES)
def categories(request):
    """``?list=news``: one list at a time (the first registered by default)."""
    section = request.GET.get("list") or next(iter(SECTIONS))
    editable = SECTIONS.get(section)
    if editable is None:
        raise Http404
    municipality = current_hub(request).ward.municipality
    current = section_categories(municipality, section)
    initial = [
        {"code": c.code, "ja": c.ja, "en": c.en, "aliases": "、".join(c.aliases)} for c in current
    ]
    formset = CategoryFormSet(request.POST or None, initial=initial, prefix="c")
    if request.method == "POST" and formset.is_valid():
        taken = {c.code for c in current}
        rows = [form.category(taken) for form in formset if form.has_changed() or form.initial]
        try:
            services.set_categories(
                municipality, section, [r for r in rows if r], actor=request.user
            )
        except services.TenancyError as error:
            formset._non_form_errors = formset.error_class([str(error)])
        else:
            messages.success(request, _("The categories were saved."))
            url = reverse("hubs:categories")
            return redirect_after_post(request, f"{url}?{urlencode({'list': section})}")
    context = {
        "section": editable,
        "sections": SECTIONS.values(),
        "formset": formset,
        "municipality": municipality,
    }
    return render(request, "hubs/categories.html", context)
