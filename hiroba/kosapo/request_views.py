"""Staff pages for 子サポ requests and matching: the request list, taking a request by phone, the
request page (ranked candidates with reasons, the contact log, introducing one provider) and a
provider's profile (what they offer, weekly times, days away)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.core import audit
from hiroba.core.forms import errors_text
from hiroba.core.htmx import redirect_after_post
from hiroba.core.models import District
from hiroba.kosapo import profile_services, queries, request_queries, request_services
from hiroba.kosapo.choices import OPEN_REQUEST_STATUSES, RequestStatus
from hiroba.kosapo.errors import KosapoError
from hiroba.kosapo.models import KosapoMember
from hiroba.kosapo.permissions import MANAGE_MEMBERS, MATCH_REQUESTS
from hiroba.kosapo.request_forms import (
    AwayForm,
    ContactForm,
    ProfileForm,
    RequestEndForm,
    RequestForm,
    format_ranges,
)
from hiroba.kosapo.views import _number

PAGE_SIZE = 50
REQUEST_PARTS = ("request", "children", "notes", "candidates", "contacts")


def _request_page(care_request) -> str:
    return reverse("kosapo:request-detail", kwargs={"kosapo_request_id": care_request.pk})


def _member_page(member) -> str:
    return reverse("kosapo:member-detail", kwargs={"kosapo_member_id": member.pk})


@never_cache
@staff_view(MATCH_REQUESTS)
def request_list(request):
    hub = current_hub(request)
    status = request.GET.get("status", "open")
    if status not in {"open", "", *RequestStatus.values}:
        status = "open"
    found = request_queries.requests_of(hub, status=status)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "kosapo/request_list.html",
        {
            "hub": hub,
            "page": page,
            "status": status,
            "statuses": RequestStatus.choices,
            "query": f"status={status}",
        },
    )


@never_cache
@staff_view(MATCH_REQUESTS, check=CHECK_OBJECT)
def request_create(request, kosapo_member_id: int):
    """Take a request by phone or at the counter for a user member's family."""
    member = queries.get_member_for_user(request.user, kosapo_member_id, MATCH_REQUESTS)
    children = member.household.members.children().present().order_by("birth_date")
    form = RequestForm(request.POST or None, children=children)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = request_services.RequestDetails(
            kind=data["kind"],
            pattern=data["pattern"],
            first_on=data["first_on"],
            last_on=data["last_on"],
            weekdays="".join(data["weekdays"]),
            starts=data["starts"],
            ends=data["ends"],
            reason=data["reason"],
            care_place=data["care_place"],
            escort_from=data["escort_from"],
            escort_to=data["escort_to"],
            notes=data["notes"],
            received_via=data["received_via"],
        )
        try:
            made = request_services.create_request(
                member, children=list(data["children"]), details=details, actor=request.user
            )
        except KosapoError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The request was taken. Now find a provider."))
            return redirect_after_post(request, _request_page(made))
    return render(request, "kosapo/request_form.html", {"member": member, "form": form})


@never_cache
@staff_view(MATCH_REQUESTS, check=CHECK_OBJECT)
def request_detail(request, kosapo_request_id: int):
    care_request = request_queries.get_request_for_user(request.user, kosapo_request_id)
    is_open = care_request.status in OPEN_REQUEST_STATUSES
    ranking = request_queries.candidates_for(care_request) if is_open else None
    audit.record_view(care_request, actor=request.user, fields=REQUEST_PARTS)
    return render(
        request,
        "kosapo/request_detail.html",
        {
            "care_request": care_request,
            "children": care_request.children.all(),
            "ranking": ranking,
            "contacts": request_queries.contacts_of(care_request),
            "is_open": is_open,
            "contact_form": ContactForm(),
            "end_form": RequestEndForm(initial={"revision": care_request.revision}),
        },
    )


def _revision(request) -> int:
    """The revision the page was shown at; a form without one is treated as out of date."""
    revision = _number(request.POST.get("revision"))
    if revision is None:
        raise KosapoError("stale")
    return revision


def _provider_of(care_request, raw) -> KosapoMember | None:
    pk = _number(raw)
    if pk is None:
        return None
    return KosapoMember.objects.filter(pk=pk, hub_id=care_request.hub_id).first()


@require_POST
@staff_view(MATCH_REQUESTS, check=CHECK_OBJECT)
def request_contact(request, kosapo_request_id: int):
    care_request = request_queries.get_request_for_user(request.user, kosapo_request_id)
    form = ContactForm(request.POST)
    provider = _provider_of(care_request, request.POST.get("provider"))
    if not form.is_valid() or provider is None:
        messages.error(request, _("Choose the provider and their answer."))
        return redirect_after_post(request, _request_page(care_request))
    try:
        request_services.record_contact(
            care_request,
            provider,
            response=form.cleaned_data["response"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except KosapoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The answer was recorded."))
    return redirect_after_post(request, _request_page(care_request))


@require_POST
@staff_view(MATCH_REQUESTS, check=CHECK_OBJECT)
def request_introduce(request, kosapo_request_id: int):
    care_request = request_queries.get_request_for_user(request.user, kosapo_request_id)
    provider = _provider_of(care_request, request.POST.get("provider"))
    if provider is None:
        messages.error(request, _("Choose the provider."))
        return redirect_after_post(request, _request_page(care_request))
    try:
        request_services.introduce_provider(
            care_request, provider, actor=request.user, expected_revision=_revision(request)
        )
    except KosapoError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("{name} was introduced. Arrange the pre-meeting.").format(name=provider.person),
        )
    return redirect_after_post(request, _request_page(care_request))


@require_POST
@staff_view(MATCH_REQUESTS, check=CHECK_OBJECT)
def request_withdraw(request, kosapo_request_id: int):
    """The introduced provider cannot do it after all."""
    care_request = request_queries.get_request_for_user(request.user, kosapo_request_id)
    try:
        request_services.withdraw_introduction(
            care_request,
            reason=request.POST.get("reason", ""),
            actor=request.user,
            expected_revision=_revision(request),
        )
    except KosapoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request is being arranged again."))
    return redirect_after_post(request, _request_page(care_request))


@require_POST
@staff_view(MATCH_REQUESTS, check=CHECK_OBJECT)
def request_end(request, kosapo_request_id: int):
    care_request = request_queries.get_request_for_user(request.user, kosapo_request_id)
    form = RequestEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome and write the reason."))
        return redirect_after_post(request, _request_page(care_request))
    try:
        request_services.end_request(
            care_request,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
            expected_revision=form.cleaned_data["revision"],
        )
    except KosapoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request was closed."))
    return redirect_after_post(request, _request_page(care_request))


def _profile_initial(member) -> dict:
    profile = getattr(member, "profile", None)
    initial = {"revision": member.revision}
    if profile is not None:
        initial.update({name: getattr(profile, name) for name in profile_services.PROFILE_FLAGS})
        initial["max_distance_km"] = profile.max_distance_km
        initial["districts"] = list(profile.districts.all())
        initial["note"] = profile.note
    else:
        initial.update(escorts_on_foot=True, cares_at_own_home=True, cares_at_hub=True)
        initial.update(accepts_infants=True, accepts_siblings=True)
    by_day: dict[int, list] = {}
    for slot in member.availability.all():
        by_day.setdefault(slot.weekday, []).append((slot.starts, slot.ends))
    initial.update({f"day_{day}": format_ranges(ranges) for day, ranges in by_day.items()})
    return initial


@never_cache
@staff_view(MANAGE_MEMBERS, check=CHECK_OBJECT)
def provider_profile(request, kosapo_member_id: int):
    member = queries.get_member_for_user(request.user, kosapo_member_id)
    if not member.provides:
        messages.error(request, _("This person is not a provider member."))
        return redirect_after_post(request, _member_page(member))
    districts = District.objects.filter(ward_id=member.hub.ward_id)
    form = ProfileForm(request.POST or None, districts=districts, initial=_profile_initial(member))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile_services.update_profile(
                member,
                flags={name: data[name] for name in profile_services.PROFILE_FLAGS},
                max_distance_km=data["max_distance_km"],
                districts=list(data["districts"]),
                weekly=data["weekly"],
                note=data["note"],
                actor=request.user,
                expected_revision=data["revision"],
            )
        except KosapoError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect_after_post(request, _member_page(member))
    return render(
        request,
        "kosapo/provider_profile.html",
        {
            "member": member,
            "form": form,
            "away": member.unavailable.filter(ends_on__gte=timezone.localdate()),
            "away_form": AwayForm(),
        },
    )


@require_POST
@staff_view(MANAGE_MEMBERS, check=CHECK_OBJECT)
def provider_away(request, kosapo_member_id: int):
    """Add days away, or remove one (``remove`` = its id)."""
    member = queries.get_member_for_user(request.user, kosapo_member_id)
    page = reverse("kosapo:provider-profile", kwargs={"kosapo_member_id": member.pk})
    remove = _number(request.POST.get("remove"))
    if remove is not None:
        profile_services.remove_unavailability(member, remove, actor=request.user)
        messages.success(request, _("The days away were removed."))
        return redirect_after_post(request, page)
    form = AwayForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect_after_post(request, page)
    try:
        profile_services.add_unavailability(member, **form.cleaned_data, actor=request.user)
    except KosapoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The days away were added."))
    return redirect_after_post(request, page)
