"""The public portal shell: the hubs and their venues. Later issues add events and resources."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from hiroba.core.queries import public_hubs


@require_safe
def home(request):
    return render(request, "portal/home.html", {"hubs": public_hubs()})


@require_safe
def hub_page(request, hub_id: int):
    hub = public_hubs().filter(pk=hub_id).first()
    if hub is None:
        raise Http404
    return render(
        request,
        "portal/hub.html",
        {
            "hub": hub,
            "venues": [v for v in hub.venues.all() if v.is_active],
        },
    )
