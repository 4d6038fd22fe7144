"""The public portal: the hubs and their venues, pre-registration, and the family card on the
parent's phone."""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from hiroba.core.pagecache import public_page
from hiroba.core.queries import opening_calendar, public_hubs, with_opening
from hiroba.core.request_context import client_ip
from hiroba.families.choices import Language
from hiroba.families.queries import address_for_postal_code
from hiroba.news import queries as news
from hiroba.portal import queries, services
from hiroba.portal.forms import RegistrationForm, child_forms
from hiroba.portal.news_views import news_cards, news_categories
from hiroba.portal.program_queries import hub_ids_for
from hiroba.programs import queries as programs

HOME_NEWS = 5
HUB_NEWS = 3
HUB_PROGRAMS = 5


@require_safe
@public_page(60)
def home(request):
    now = timezone.now()
    hubs = list(with_opening(public_hubs(), timezone.localdate(now)))
    latest = news.public_items(now, limit=HOME_NEWS)
    context = {
        "hubs": [(hub, _open_status(hub, now)) for hub in hubs],
        "news": news_cards(latest, news_categories(hubs)),
    }
    return render(request, "portal/home.html", context)


@require_safe
@public_page(60)
def ward_page(request, ward_id: int):
    """A ward's hubs with whether each is open now, and their latest news."""
    now = timezone.now()
    hubs = list(with_opening(public_hubs().filter(ward_id=ward_id), timezone.localdate(now)))
    if not hubs:
        raise Http404
    latest = news.public_items(now, hub_ids=[h.pk for h in hubs], limit=HOME_NEWS)
    context = {
        "ward": hubs[0].ward,
        "hubs": [(hub, _open_status(hub, now)) for hub in hubs],
        "news": news_cards(latest, news_categories(hubs)),
    }
    return render(request, "portal/ward.html", context)


def _open_status(hub, now):
    return opening_calendar(hub, timezone.localdate(now)).status_at(now)


@require_safe
@public_page(60)
def hub_page(request, hub_id: int):
    now = timezone.now()
    today = timezone.localdate(now)
    hub = with_opening(public_hubs(), today).filter(pk=hub_id).first()
    if hub is None:
        raise Http404
    hubs = list(public_hubs())
    hub_ids = hub_ids_for(hub, hubs)  # a main hub with its satellites, as its programs
    calendar = opening_calendar(hub, today)
    latest = news.public_items(now, hub_ids=hub_ids, limit=HUB_NEWS)
    context = {
        "hub": hub,
        "venues": [v for v in hub.venues.all() if v.is_active],
        "news": news_cards(latest, news_categories([hub])),
        "programs": list(programs.public_programs(hub_ids=hub_ids)[:HUB_PROGRAMS]),
        "status": calendar.status_at(now),
        "directions_url": _directions(hub),
        "week": calendar.days_from(today) if calendar.has_hours else [],
    }
    return render(request, "portal/hub.html", context)


def _directions(hub) -> str:
    """A map search for the hub's address (the city chooses the map site), or none."""
    template = settings.HIROBA_DIRECTIONS_URL
    if not (template and hub.address):
        return ""
    return template.format(query=quote(hub.address))


# -- pre-registration ------------------------------------------------------------------------------
def _initial(request, hubs) -> dict:
    chosen = request.GET.get("hub", "")
    hub_ids = {str(h.pk) for h in hubs}
    language = translation.get_language() or ""
    return {
        "hub": chosen if chosen in hub_ids else (next(iter(hub_ids)) if len(hub_ids) == 1 else ""),
        "language": {"en": Language.ENGLISH, "ja-easy": Language.EASY_JAPANESE}.get(
            language, Language.JAPANESE
        ),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    """One short form on a phone; the family gets its card at once and staff confirm the
    registration at the first visit."""
    hubs = list(queries.registration_hubs())
    if request.method != "POST":
        form = RegistrationForm(hubs=hubs, initial=_initial(request, hubs))
        return _form_page(request, form, child_forms())
    form = RegistrationForm(request.POST, hubs=hubs)
    children = child_forms(request.POST)
    ip = client_ip(request)
    if services.registrations_exhausted(ip):
        form.add_error(
            None,
            _(
                "Too many registrations were sent from this connection. Please try again in an "
                "hour, or register at the hub."
            ),
        )
        return _form_page(request, form, children, status=429)
    if form.is_robot:
        form.add_error(None, _("The form could not be sent. Please try again."))
        return _form_page(request, form, children, status=400)
    if not _valid(form, children):
        services.release_registration(ip)  # a form with mistakes created no card
        return _form_page(request, form, children)
    return _save(request, form, children, ip, hubs)


def _valid(form, children) -> bool:
    valid = form.is_valid()
    valid = all([c.is_valid() for c in children]) and valid
    if not any(c.is_used for c in children):
        children[0].add_error(
            "birth_date", _("Enter at least one child, or the due date of your baby.")
        )
        valid = False
    return valid


def _save(request, form, children, ip, hubs):
    key = form.cleaned_data["key"]
    replayed = services.claim(key)
    if replayed is not None:  # a double tap: the first tap's slot counts
        services.release_registration(ip)
    if replayed:  # a double tap: show the card the first tap made
        return redirect("portal:card", card_token=replayed)
    if replayed == "":
        form.add_error(None, _("Your registration is being saved. Please wait a moment."))
        return _form_page(request, form, children)
    hub = next(h for h in hubs if h.pk == form.cleaned_data["hub"])  # a valid choice
    try:
        data = services.household_data(form, [c for c in children if c.is_used])
        household = services.pre_register(hub, data)
    except services.RegistrationFailed as failure:
        services.release_registration(ip)
        services.release(key, None)
        form.add_error(None, failure.message)
        return _form_page(request, form, children)
    services.release(key, household.card_token)
    messages.success(request, _("Thank you. Your family card is ready."))
    return redirect("portal:card", card_token=household.card_token)


def _form_page(request, form, children, *, status=200):
    context = {"form": form, "children": children, "has_hubs": bool(form.fields["hub"].choices)}
    return render(request, "portal/register.html", context, status=status)


@require_safe
def postal_code(request):
    """htmx: the town field filled in from the postal code (offline Japan Post data)."""
    region = address_for_postal_code(request.GET.get("postal_code", ""))
    form = RegistrationForm(hubs=[], initial={"address_region": region or ""})
    return render(request, "portal/partials/_region_field.html", {"field": form["address_region"]})


# -- the family card on the phone ------------------------------------------------------------------
def _qr_svg(token: str) -> str:
    code = segno.make(token, error="m", micro=False)
    svg = code.svg_inline(
        scale=1, border=4, omitsize=True, svgclass="phone-card__qr", title=_("Family card QR code")
    )
    return mark_safe(svg)  # noqa: S308 - segno output of our own token: no user markup


@never_cache
@require_safe
def card(request, card_token: str):
    """The family card: the token in the URL is the secret, so the page is never cached,
    indexed or leaked in a Referer header."""
    household = queries.card_for_token(card_token)
    if household is None:
        raise Http404
    holder = queries.card_holder(household)
    response = render(
        request,
        "portal/card.html",
        {
            "household": household,
            "hub": household.hub,
            "holder": holder,
            "qr_svg": _qr_svg(household.card_token),
            "card_url": request.build_absolute_uri(
                reverse("portal:card", kwargs={"card_token": household.card_token})
            ),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
