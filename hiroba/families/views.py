"""Family registry views: the registry, a family's page, registration at the counter, members,
consent, pre-registrations, the printable family card, duplicates and merging.

Views stay thin: scoped queries to read, services to write, service errors shown as messages.
Every page that shows a family's personal data records the view in the audit log.
"""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.core import audit
from hiroba.core.htmx import redirect_after_post, template_for
from hiroba.families import forms, queries, services
from hiroba.families.choices import ConsentPurpose, MemberKind
from hiroba.families.permissions import MANAGE_FAMILIES, MERGE_FAMILIES, VIEW_FAMILIES
from hiroba.families.services import HouseholdData, RegistryError

PAGE_SIZE = 25
QR_SCALE = 8


def _may(request, permission: str, household) -> bool:
    """May the user do ``permission`` in this family's registry? (A satellite's staff work in
    their main hub's registry.)"""
    return household.hub_id in queries.registry_hub_ids(request.user, permission)


def _detail(household) -> str:
    return reverse("families:household-detail", kwargs={"household_id": household.pk})


def _not_current(request, household):
    messages.error(request, RegistryError("household_not_current").message)
    return redirect(_detail(household))


def _error_text(error: RegistryError | ValidationError) -> list[str]:
    """What to show for a service error; a ValidationError is a model rule the form missed."""
    return [error.message] if isinstance(error, RegistryError) else error.messages


def _to_duplicates(request, household):
    messages.warning(
        request, _("This family looks like a family already registered. Please check.")
    )
    url = reverse("families:household-duplicates", kwargs={"household_id": household.pk})
    return redirect_after_post(request, url)


def _main_contact(members):
    caregivers = [m for m in members if m.kind == MemberKind.CAREGIVER]
    primary = [m for m in caregivers if m.is_primary_contact]
    return (primary or caregivers or [None])[0]


# -- the registry ------------------------------------------------------------------------------
def _by_status(households, status: str):
    if status == forms.STATUS_ALL:
        return households
    if status:
        return households.filter(status=status)
    return households.current()


@staff_view(VIEW_FAMILIES)
def household_list(request):
    hub = current_hub(request)
    form = forms.RegistryFilterForm(request.GET or None)
    text, status = "", ""
    if form.is_valid():
        text, status = form.cleaned_data["q"], form.cleaned_data["status"]
    households = queries.filter_households(_by_status(queries.households_of(hub), status), text)
    households = queries.with_members(households.select_related("district")).order_by(
        "-card_number"
    )
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template_for(request, "families/household_list.html", "families/partials/_registry.html"),
        {
            "hub": hub,
            "registry_hub": hub.parent if hub.parent_id else hub,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "searching": bool(text),
            "can_manage": _may_here(request, MANAGE_FAMILIES, hub),
        },
    )


def _may_here(request, permission: str, hub) -> bool:
    return queries.registry_hub_id(hub) in queries.registry_hub_ids(request.user, permission)


@staff_view(VIEW_FAMILIES, check=CHECK_OBJECT)
def household_detail(request, household_id: int):
    household = queries.get_household_for_user(request.user, household_id, VIEW_FAMILIES)
    members = list(household.members.order_by("kind", "sort_order", "pk"))
    present = [m for m in members if m.left_on is None]
    state = queries.consent_state(household)
    audit.record_view(
        household,
        actor=request.user,
        fields=("members", "contact", "address", "consent", "visits"),
    )
    return render(
        request,
        "families/household_detail.html",
        {
            "household": household,
            "main_contact": _main_contact(present),
            "caregivers": [m for m in present if m.kind == MemberKind.CAREGIVER],
            "children": [m for m in present if m.kind == MemberKind.CHILD],
            "former_members": [m for m in members if m.left_on is not None],
            "consents": [(label, state[value]) for value, label in ConsentPurpose.choices],
            "consent_history": queries.consent_history(household),
            "merges": queries.merges_into(household),
            "card_visits": queries.card_visits(household),
            "can_manage": household.is_current and _may(request, MANAGE_FAMILIES, household),
            "can_merge": household.is_current and _may(request, MERGE_FAMILIES, household),
        },
    )


# -- registration and editing ------------------------------------------------------------------
def _register(request, hub, form, caregivers, children):
    data = HouseholdData(
        members=forms.members_from(caregivers, children),
        consents=form.consents(),
        **forms.household_values(form.cleaned_data),
    )
    try:
        return services.register_household(hub, data, actor=request.user)
    except (RegistryError, ValidationError) as error:
        form.add_error(None, _error_text(error))
    return None


@staff_view(MANAGE_FAMILIES)
def household_create(request):
    hub = current_hub(request)
    data = request.POST or None
    form = forms.RegistrationForm(data)
    caregivers = forms.CaregiverFormSet(data, prefix="caregivers")
    children = forms.ChildFormSet(data, prefix="children")
    if request.method == "POST":
        valid = [form.is_valid(), caregivers.is_valid(), children.is_valid()]
        household = _register(request, hub, form, caregivers, children) if all(valid) else None
        if household is not None:
            messages.success(
                request,
                _("Family registered with card number {number}.").format(
                    number=household.card_number
                ),
            )
            if queries.duplicate_candidates(household):
                return _to_duplicates(request, household)
            return redirect_after_post(request, _detail(household))
    return render(
        request,
        "families/household_form.html",
        {"hub": hub, "form": form, "caregivers": caregivers, "children": children},
    )


@staff_view(MANAGE_FAMILIES, check=CHECK_OBJECT)
def household_edit(request, household_id: int):
    household = queries.get_household_for_user(request.user, household_id, MANAGE_FAMILIES)
    if not household.is_current:
        return _not_current(request, household)
    initial = {name: getattr(household, name) for name in forms.HouseholdEditForm.base_fields}
    form = forms.HouseholdEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_household(household, actor=request.user, **form.values())
        except RegistryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The family's details were saved."))
            return redirect_after_post(request, _detail(household))
    return render(request, "families/household_edit.html", {"household": household, "form": form})


@staff_view(MANAGE_FAMILIES)
def postal_code_lookup(request):
    """htmx: the address field, filled in from the postal code (offline data). Keeps what was
    typed when the code is incomplete or unknown."""
    code = request.GET.get("postal_code", "")
    typed = request.GET.get("address_region", "")
    found = queries.address_for_postal_code(code)
    form = forms.HouseholdForm(initial={"address_region": found or typed})
    note = ""
    if found is None and sum(c.isdigit() for c in code) >= 7:
        note = _("No address was found for this postal code. Please type it in.")
    return render(
        request,
        "families/partials/_address_region.html",
        {"field": form["address_region"], "note": note},
    )


# -- members -----------------------------------------------------------------------------------
def _family_default(household) -> tuple[str, str]:
    contact = _main_contact(list(household.members.present()))
    return (contact.family_name, contact.family_name_kana) if contact else ("", "")


@staff_view(MANAGE_FAMILIES, check=CHECK_OBJECT)
def member_add(request, household_id: int):
    household = queries.get_household_for_user(request.user, household_id, MANAGE_FAMILIES)
    if not household.is_current:
        return _not_current(request, household)
    kind = request.POST.get("kind") or request.GET.get("kind") or MemberKind.CHILD
    kind = kind if kind in MemberKind.values else MemberKind.CHILD
    form = forms.member_form_class(kind)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(
                household, form.member_data(_family_default(household)), actor=request.user
            )
        except (RegistryError, ValidationError) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The family member was added."))
            return redirect_after_post(request, _detail(household))
    return render(
        request,
        "families/member_form.html",
        {"household": household, "form": form, "kind": kind, "member": None},
    )


@staff_view(MANAGE_FAMILIES, check=CHECK_OBJECT)
def member_edit(request, member_id: int):
    member = queries.get_member_for_user(request.user, member_id, MANAGE_FAMILIES)
    household = member.household
    if not household.is_current:
        return _not_current(request, household)
    form_class = forms.member_form_class(member.kind)
    extra = {"family_required": True} if member.kind == MemberKind.CHILD else {}
    form = form_class(request.POST or None, initial=forms.member_initial(member), **extra)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(member, actor=request.user, **form.cleaned_data)
        except (RegistryError, ValidationError) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The family member was saved."))
            return redirect_after_post(request, _detail(household))
    return render(
        request,
        "families/member_form.html",
        {"household": household, "form": form, "kind": member.kind, "member": member},
    )


@staff_view(MANAGE_FAMILIES, check=CHECK_OBJECT)
def member_left(request, member_id: int):
    member = queries.get_member_for_user(request.user, member_id, MANAGE_FAMILIES)
    household = member.household
    if not household.is_current:
        return _not_current(request, household)
    if member.left_on:
        return redirect(_detail(household))
    form = forms.MemberLeftForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_left(member, actor=request.user, on=form.cleaned_data["left_on"])
        except RegistryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The member is marked as having left the family."))
            return redirect_after_post(request, _detail(household))
    return render(
        request,
        "families/member_left.html",
        {"household": household, "member": member, "form": form},
    )


# -- consent -----------------------------------------------------------------------------------
@staff_view(MANAGE_FAMILIES, check=CHECK_OBJECT)
def consent_record(request, household_id: int):
    household = queries.get_household_for_user(request.user, household_id, MANAGE_FAMILIES)
    if not household.is_current:
        return _not_current(request, household)
    initial = {"given_on": timezone.localdate(), "purpose": request.GET.get("purpose")}
    form = forms.ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_consent(
                household,
                data["purpose"],
                data["action"],
                actor=request.user,
                given_on=data["given_on"],
            )
        except RegistryError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect_after_post(request, _detail(household) + "#consent")
    state = queries.consent_state(household)
    return render(
        request,
        "families/consent_form.html",
        {
            "household": household,
            "form": form,
            "consents": [(label, state[value]) for value, label in ConsentPurpose.choices],
        },
    )


# -- pre-registrations -------------------------------------------------------------------------
@staff_view(MANAGE_FAMILIES)
def pending_list(request):
    hub = current_hub(request)
    pending = queries.with_members(
        queries.pending_households(hub).select_related("district").order_by("-created_at", "-pk")
    )
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "families/pending_list.html", {"hub": hub, "page": page})


@require_POST
@staff_view(MANAGE_FAMILIES, check=CHECK_OBJECT)
def household_confirm(request, household_id: int):
    household = queries.get_household_for_user(request.user, household_id, MANAGE_FAMILIES)
    try:
        services.confirm_registration(household, actor=request.user)
    except RegistryError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Registration confirmed. Card number {number}.").format(number=household.card_number),
        )
        # A family that pre-registers may already have a paper card: check at once.
        if queries.duplicate_candidates(household):
            return _to_duplicates(request, household)
    return redirect_after_post(request, _detail(household))


# -- the family card ---------------------------------------------------------------------------
@staff_view(VIEW_FAMILIES, check=CHECK_OBJECT)
def household_card(request, household_id: int):
    household = queries.get_household_for_user(request.user, household_id, VIEW_FAMILIES)
    present = list(household.members.present().order_by("kind", "sort_order", "pk"))
    if household.is_current:
        audit.record("families.card.printed", actor=request.user, obj=household)
    return render(
        request,
        "families/household_card.html",
        {
            "household": household,
            "main_contact": _main_contact(present),
            "children": [m for m in present if m.kind == MemberKind.CHILD and m.birth_date],
            "can_manage": household.is_current and _may(request, MANAGE_FAMILIES, household),
        },
    )


@staff_view(VIEW_FAMILIES, check=CHECK_OBJECT)
def household_card_qr(request, household_id: int):
    """The card's QR code (the secret card token) as SVG. Never cached: a reissued card must
    not show the old code."""
    household = queries.get_household_for_user(request.user, household_id, VIEW_FAMILIES)
    if not household.is_current:
        raise Http404
    buffer = io.BytesIO()
    segno.make(household.card_token, error="m", micro=False).save(
        buffer, kind="svg", scale=QR_SCALE, border=4, title=household.card_number
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_view(MANAGE_FAMILIES, check=CHECK_OBJECT)
def card_reissue(request, household_id: int):
    household = queries.get_household_for_user(request.user, household_id, MANAGE_FAMILIES)
    try:
        services.reissue_card(household, actor=request.user)
    except RegistryError as error:
        messages.error(request, error.message)
        return redirect_after_post(request, _detail(household))
    messages.success(request, _("A new card code was issued. The old card no longer works."))
    return redirect_after_post(
        request, reverse("families:household-card", kwargs={"household_id": household.pk})
    )


# -- duplicates and merging --------------------------------------------------------------------
def _match_reasons(household, other) -> list[str]:
    """Why ``other`` looks like the same family (for staff to judge)."""
    theirs = {(m.search_key, m.birth_date) for m in other.present if m.birth_date}
    phones = {m.phone for m in other.present if m.phone}
    reasons = []
    for member in household.present:
        if member.birth_date and (member.search_key, member.birth_date) in theirs:
            reasons.append(
                _("Same furigana and date of birth: {name}").format(name=member.furigana)
            )
        if member.phone and member.phone in phones:
            reasons.append(_("Same phone number: {name}").format(name=member.furigana))
    return reasons


@staff_view(VIEW_FAMILIES, check=CHECK_OBJECT)
def household_duplicates(request, household_id: int):
    found = queries.get_household_for_user(request.user, household_id, VIEW_FAMILIES)
    household = queries.households_with_members([found.pk])[0]
    candidates = queries.duplicate_candidates(household) if household.is_current else []
    audit.record_view(household, actor=request.user, fields=("members", "duplicates"))
    return render(
        request,
        "families/household_duplicates.html",
        {
            "household": household,
            "candidates": [(c, _match_reasons(household, c)) for c in candidates],
            "can_merge": _may(request, MERGE_FAMILIES, household),
        },
    )


@staff_view(MERGE_FAMILIES, check=CHECK_OBJECT)
def household_merge(request, household_id: int, other_id: int):
    """GET: compare the two cards and say what will move; POST: merge ``other`` into the card
    of ``household_id``, which is kept."""
    kept = queries.get_household_for_user(request.user, household_id, MERGE_FAMILIES)
    merged = queries.get_household_for_user(request.user, other_id, MERGE_FAMILIES)
    problem = ""
    try:
        services.check_merge(kept, merged)
    except RegistryError as error:
        problem = error.message
    if request.method == "POST" and not problem:
        try:
            services.merge_households(kept, merged, actor=request.user)
        except RegistryError as error:
            problem = error.message
        else:
            messages.success(
                request,
                _("Card {merged} was merged into card {kept}.").format(
                    merged=merged.card_number, kept=kept.card_number
                ),
            )
            return redirect_after_post(request, _detail(kept))
    moving, duplicates = services.plan_merge(kept, merged) if not problem else ([], [])
    for card in (kept, merged):
        audit.record_view(card, actor=request.user, fields=("members", "merge"))
    kept, merged = queries.households_with_members([kept.pk, merged.pk])
    return render(
        request,
        "families/household_merge.html",
        {
            "kept": kept,
            "merged": merged,
            "moving": moving,
            "duplicates": duplicates,
            "problem": problem,
        },
        status=400 if problem and request.method == "POST" else 200,
    )
