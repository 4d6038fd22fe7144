"""The public pages of a hub's evaluations: every published sheet by year, each readable on a
phone and downloadable as the PDF. Only published versions are shown; anything else is 404.
Only the PDF may be cached by others: the pages carry the visitor's own form token."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import cache_control

from hiroba.evaluation import document, queries
from hiroba.evaluation.views_work import sheet_file_response


def hub_sheets(request, hub_id: int):
    hub = queries.public_hub(hub_id)
    return render(
        request,
        "evaluation/public/hub.html",
        {"hub": hub, "sheets": queries.published_sheets(hub)},
    )


def sheet(request, hub_id: int, sheet_id: int):
    published = queries.get_published_sheet(hub_id, sheet_id)
    return render(
        request,
        "evaluation/public/sheet.html",
        {"hub": published.hub, "sheet": published, "doc": document.sheet_document(published)},
    )


@cache_control(public=True, max_age=300)
def sheet_pdf(request, hub_id: int, sheet_id: int):
    return sheet_file_response(queries.get_published_sheet(hub_id, sheet_id), "pdf")
