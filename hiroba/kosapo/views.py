"""Staff pages of the 子サポ branch: the member list, registering a member from the family
registry, the member page (eligibility, training, coupons) and its status changes."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
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
from hiroba.families.queries import households_of, search_households
from hiroba.kosapo import eligibility, forms, queries, services
from hiroba.kosapo.errors import KosapoError
from hiroba.kosapo.permissions import MANAGE_MEMBERS
from hiroba.kosapo.request_queries import requests_of_member
from hiroba.kosapo.rules import member_rules

PAGE_SIZE = 50
MEMBER_PARTS = ("membership", "person", "children", "training", "coupons", "notes")


def _detail(member) -> str:
    return reverse("kosapo:member-detail", kwargs={"kosapo_member_id": member.pk})


@never_cache
@staff_view(MANAGE_MEMBERS)
def member_list(request):
    hub = current_hub(request)
    form = forms.MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    members = queries.members_of(
        hub,
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        text=filters.get("q", ""),
    )
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "kosapo/member_list.html",
        {
            "hub": hub,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": queries.counts_by_status(hub),
            "today": timezone.localdate(),
        },
    )


@never_cache
@staff_view(MANAGE_MEMBERS)
def member_create(request):
    """Find the family at reception, then choose the adult and the member type."""
    hub = current_hub(request)
    household = _chosen_household(request, hub)
    if household is None:
        find = forms.FindFamilyForm(request.GET or None)
        found = search_households(hub, find.cleaned_data["family"]) if find.is_valid() else None
        return render(
            request, "kosapo/member_find.html", {"hub": hub, "form": find, "found": found}
        )
    adults = household.members.caregivers().present()
    form = forms.RegisterForm(request.POST or None, adults=adults)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.register_member(
                hub=hub,
                household=household,
                person=form.cleaned_data["person"],
                kind=form.cleaned_data["kind"],
                notes=form.cleaned_data["notes"],
                actor=request.user,
            )
        except KosapoError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Registered as provisional member {number}.").format(number=member.number),
            )
            return redirect_after_post(request, _detail(member))
    return render(
        request,
        "kosapo/member_form.html",
        {"hub": hub, "form": form, "household": household},
    )


def _chosen_household(request, hub):
    raw = request.GET.get("household") or request.POST.get("household")
    if not raw:
        return None
    household_id = _number(raw)
    if household_id is None:
        raise Http404
    household = households_of(hub).current().filter(pk=household_id).first()
    if household is None:
        raise Http404
    return household


@never_cache
@staff_view(MANAGE_MEMBERS, check=CHECK_OBJECT)
def member_detail(request, kosapo_member_id: int):
    member = queries.get_member_for_user(request.user, kosapo_member_id)
    today = timezone.localdate()
    rules = member_rules(member.hub.ward.municipality, today)
    training = services.provider_training(member, today) if member.provides else None
    audit.record_view(member, actor=request.user, fields=MEMBER_PARTS)
    return render(
        request,
        "kosapo/member_detail.html",
        {
            "member": member,
            "today": today,
            "children": member.household.members.children().present(),
            "eligible_children": eligibility.eligible_children(member.household, today, rules),
            "training": training,
            "blockers": eligibility.matching_blockers(member, training) if training else [],
            "trainings": queries.trainings_of(member),
            "coupon_ledger": queries.coupon_ledger(member),
            "coupons_left": queries.coupons_left(member),
            "briefing_form": forms.BriefingForm(
                initial={
                    "briefing_on": member.briefing_on or today,
                    "identity_checked_on": member.identity_checked_on or today,
                    "identity_document": member.identity_document,
                    "photo_received": member.photo_received,
                    "revision": member.revision,
                }
            ),
            "training_form": forms.TrainingForm(),
            "renewal_open": services.renewal_open(member, today),
            "requests": requests_of_member(member)[:20],
        },
    )


def _act(request, kosapo_member_id, action, success):
    """Run a one-button status change and come back to the member page with its outcome."""
    member = queries.get_member_for_user(request.user, kosapo_member_id)
    expected = _number(request.POST.get("revision"))
    try:
        action(member, actor=request.user, expected_revision=expected)
    except KosapoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect_after_post(request, _detail(member))


@require_POST
@staff_view(MANAGE_MEMBERS, check=CHECK_OBJECT)
def member_activate(request, kosapo_member_id: int):
    return _act(
        request, kosapo_member_id, services.activate_member, _("Registered; the card is issued.")
    )


@require_POST
@staff_view(MANAGE_MEMBERS, check=CHECK_OBJECT)
def member_renew(request, kosapo_member_id: int):
    return _act(request, kosapo_member_id, services.renew_member, _("The membership was renewed."))


@require_POST
@staff_view(MANAGE_MEMBERS, check=CHECK_OBJECT)
def member_reinstate(request, kosapo_member_id: int):
    return _act(
        request, kosapo_member_id, services.reinstate_member, _("The membership was resumed.")
    )


@require_POST
@staff_view(MANAGE_MEMBERS, check=CHECK_OBJECT)
def member_briefing(request, kosapo_member_id: int):
    member = queries.get_member_for_user(request.user, kosapo_member_id)
    form = forms.BriefingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_briefing(
                member,
                briefing_on=data["briefing_on"],
                identity_checked_on=data["identity_checked_on"],
                identity_document=data["identity_document"],
                photo_received=data["photo_received"],
                actor=request.user,
                expected_revision=data["revision"],
            )
        except KosapoError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The briefing and identity check were recorded."))
    else:
        messages.error(request, errors_text(form))
    return redirect_after_post(request, _detail(member))


@require_POST
@staff_view(MANAGE_MEMBERS, check=CHECK_OBJECT)
def training_add(request, kosapo_member_id: int):
    member = queries.get_member_for_user(request.user, kosapo_member_id)
    form = forms.TrainingForm(request.POST)
    if form.is_valid():
        try:
            services.record_training(member, **form.cleaned_data, actor=request.user)
        except KosapoError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The training was recorded."))
    else:
        messages.error(request, errors_text(form))
    return redirect_after_post(request, _detail(member) + "#training")


@require_POST
@staff_view(MANAGE_MEMBERS, check=CHECK_OBJECT)
def coupons_issue(request, kosapo_member_id: int):
    member = queries.get_member_for_user(request.user, kosapo_member_id)
    try:
        issued = services.issue_coupons(member, actor=request.user)
    except KosapoError as error:
        messages.error(request, error.message)
    else:
        if issued:
            messages.success(request, _("{n} coupons were issued.").format(n=issued))
        else:
            messages.info(request, _("No child of this family has coupons to receive."))
    return redirect_after_post(request, _detail(member) + "#coupons")


@never_cache
@staff_view(MANAGE_MEMBERS, check=CHECK_OBJECT)
def member_end(request, kosapo_member_id: int, outcome: str):
    """Suspend (休止) or withdraw (退会) a member after stating the reason."""
    member = queries.get_member_for_user(request.user, kosapo_member_id)
    action = {"suspend": services.suspend_member, "withdraw": services.withdraw_member}.get(outcome)
    if action is None:
        raise Http404
    form = forms.ReasonForm(request.POST or None, initial={"revision": member.revision})
    if request.method == "POST" and form.is_valid():
        try:
            action(
                member,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                expected_revision=form.cleaned_data["revision"],
            )
        except KosapoError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The membership was updated."))
            return redirect_after_post(request, _detail(member))
    return render(
        request, "kosapo/member_end.html", {"member": member, "form": form, "outcome": outcome}
    )


def _number(raw) -> int | None:
    """A positive id or revision from the request, or None (never a 500 on "²" or "x")."""
    text = str(raw or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)
