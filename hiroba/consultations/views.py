"""Consultation views. Content is shown only with a basis from ``access``; every page that
shows content writes its audit row before rendering (S3), and such pages are never cached."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.consultations import access, forms, queries, services
from hiroba.consultations.errors import ConsultationError
from hiroba.consultations.permissions import (
    BREAK_GLASS,
    MANAGE_AGENCIES,
    RECORD_CONSULTATIONS,
    REVIEW_ACCESS,
)
from hiroba.consultations.staff import staff_who_record
from hiroba.core.htmx import redirect_after_post
from hiroba.families.queries import households_of

PAGE_SIZE = 25


def _form_kwargs(hub, consultation=None) -> dict:
    """Choices for the form; an edited record keeps its topics and assigned staff even when a
    topic is retired or a colleague has left, so saving never drops them silently."""
    topics, staff = queries.topics_for(hub.ward.municipality_id), staff_who_record(hub)
    if consultation is not None:
        topics = topics | consultation.topics.all()
        staff = staff | consultation.assigned_staff.all()
    return {
        "topics": topics.distinct(),
        "staff": staff.distinct(),
        "households": households_of(hub).current(),
    }


def _load(request, consultation_id: int):
    """The record and why the user may read its content (None: they may not)."""
    consultation = queries.get_consultation_for_user(
        request.user, consultation_id, RECORD_CONSULTATIONS
    )
    return consultation, access.content_basis(request.user, consultation)


def _editable(request, consultation_id: int):
    consultation, basis = _load(request, consultation_id)
    return consultation, _edit_basis(request, consultation, basis)


def _edit_basis(request, consultation, basis):
    """``basis``, or 403 when it does not allow changing the record."""
    if not access.may_edit(request.user, consultation, basis):
        raise PermissionDenied
    return basis


# -- list ---------------------------------------------------------------------------------------
@never_cache
@staff_view(RECORD_CONSULTATIONS)
def consultation_list(request):
    hub = current_hub(request)
    form = forms.ConsultationFilterForm(request.GET or None)
    consultations = queries.consultations_of(hub).defer("summary")  # not shown: not decrypted
    if form.is_valid():
        consultations = queries.filter_consultations(consultations, **form.cleaned_data)
    page = Paginator(consultations, PAGE_SIZE).get_page(request.GET.get("page"))
    bases = access.content_bases(request.user, page.object_list)
    services.record_list_read(hub, sorted(bases), actor=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "hub": hub,
            "form": form,
            "page": page,
            "rows": [(c, bases.get(c.pk)) for c in page.object_list],
            "query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


# -- recording and editing ----------------------------------------------------------------------
@staff_view(RECORD_CONSULTATIONS)
def consultation_create(request):
    hub = current_hub(request)
    form = forms.ConsultationForm(request.POST or None, **_form_kwargs(hub))
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.record_consultation(
                hub, form.consultation_data(), actor=request.user
            )
        except ConsultationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Consultation %(case)s was recorded.") % {"case": consultation.reference},
            )
            return redirect_after_post(request, _detail_url(consultation))
    return render(request, "consultations/consultation_form.html", {"form": form, "hub": hub})


def _initial(consultation) -> dict:
    local = timezone.localtime(consultation.happened_at)
    return {
        "happened_on": local.date(),
        "happened_time": local.strftime("%H:%M"),
        "channel": consultation.channel,
        "duration_minutes": consultation.duration_minutes,
        "card_number": consultation.household.card_number if consultation.household else "",
        "caregiver": consultation.caregiver,
        "expecting": consultation.expecting,
        "child_ages": consultation.child_ages,
        "topics": list(consultation.topics.all()),
        "summary": consultation.summary,
        "outcome": consultation.outcome,
        "needs_care": consultation.needs_care,
        "follow_up_on": consultation.follow_up_on,
        "assigned_staff": list(consultation.assigned_staff.all()),
        "revision": consultation.revision,
    }


@never_cache
@staff_view(RECORD_CONSULTATIONS, check=CHECK_OBJECT)
def consultation_edit(request, consultation_id: int):
    consultation, basis = _editable(request, consultation_id)
    form = forms.ConsultationForm(
        request.POST or None,
        initial=_initial(consultation),
        **_form_kwargs(consultation.hub, consultation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_consultation(
                consultation,
                form.consultation_data(),
                revision=form.cleaned_data["revision"] or 0,
                actor=request.user,
            )
        except ConsultationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The consultation was saved."))
            return redirect_after_post(request, _detail_url(consultation))
    else:
        services.record_content_read(
            consultation,
            basis=basis,
            parts=("topics", "summary", "outcome", "children"),
            actor=request.user,
        )
    return render(
        request,
        "consultations/consultation_form.html",
        {"form": form, "hub": consultation.hub, "consultation": consultation},
    )


def _detail_url(consultation) -> str:
    return reverse("consultations:consultation-detail", kwargs={"consultation_id": consultation.pk})


# -- reading ------------------------------------------------------------------------------------
@never_cache
@staff_view(RECORD_CONSULTATIONS, check=CHECK_OBJECT)
def consultation_detail(request, consultation_id: int):
    consultation, basis = _load(request, consultation_id)
    context = {"consultation": consultation, "basis": basis}
    if basis is None:
        context["may_break_glass"] = access.may_break_glass(request.user, consultation)
        context["break_glass_form"] = forms.BreakGlassForm()
        return render(request, "consultations/consultation_closed.html", context)
    services.record_content_read(
        consultation, basis=basis, parts=access.CONTENT_PARTS, actor=request.user
    )
    may_edit = access.may_edit(request.user, consultation, basis)
    context.update(
        may_edit=may_edit,
        notes=consultation.notes.select_related("author"),
        referrals=queries.referrals_of(consultation),
        note_form=forms.NoteForm() if may_edit else None,
    )
    return render(request, "consultations/consultation_detail.html", context)


@require_POST
@staff_view(BREAK_GLASS, check=CHECK_OBJECT)
def break_glass(request, consultation_id: int):
    consultation = queries.get_consultation_for_user(request.user, consultation_id, BREAK_GLASS)
    form = forms.BreakGlassForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "consultations/consultation_closed.html",
            {"consultation": consultation, "may_break_glass": True, "break_glass_form": form},
            status=200,
        )
    try:
        services.open_break_glass(consultation, form.cleaned_data["reason"], actor=request.user)
    except ConsultationError as error:
        messages.info(request, error.message)
    else:
        messages.warning(
            request,
            _(
                "You opened this record by break-glass for %(minutes)s minutes. The hub manager "
                "has been told."
            )
            % {"minutes": access.BREAK_GLASS_MINUTES},
        )
    return redirect(_detail_url(consultation))


# -- notes and follow-ups -----------------------------------------------------------------------
@require_POST
@staff_view(RECORD_CONSULTATIONS, check=CHECK_OBJECT)
def note_add(request, consultation_id: int):
    consultation, _basis = _editable(request, consultation_id)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        services.add_note(consultation, form.cleaned_data["text"], actor=request.user)
        messages.success(request, _("The note was added."))
    else:
        messages.error(request, " ".join(form.errors.get("text", [])))
    return redirect(_detail_url(consultation))


@require_POST
@staff_view(RECORD_CONSULTATIONS, check=CHECK_OBJECT)
def follow_up_done(request, consultation_id: int):
    consultation, _basis = _editable(request, consultation_id)
    try:
        services.complete_follow_up(consultation, actor=request.user)
    except ConsultationError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("The follow-up is marked as done."))
    return redirect(_detail_url(consultation))


# -- referrals ----------------------------------------------------------------------------------
@never_cache
@staff_view(RECORD_CONSULTATIONS, check=CHECK_OBJECT)
def referral_create(request, consultation_id: int):
    consultation, _basis = _editable(request, consultation_id)
    form = forms.ReferralForm(request.POST or None, agencies=queries.agencies_for(consultation.hub))
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        data = services.ReferralData(
            agency=cleaned["agency"],
            method=cleaned["method"],
            reason=cleaned["reason"],
            consent_given=cleaned["consent_given"],
            consent_method=cleaned["consent_method"],
            consent_given_at=cleaned["consent_given_at"],
            follow_up_on=cleaned["follow_up_on"],
        )
        try:
            services.refer(consultation, data, actor=request.user)
        except ConsultationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The referral was recorded."))
            return redirect_after_post(request, _detail_url(consultation))
    return render(
        request,
        "consultations/referral_form.html",
        {"form": form, "consultation": consultation},
    )


@never_cache
@staff_view(RECORD_CONSULTATIONS, check=CHECK_OBJECT)
def referral_move(request, referral_id: int):
    referral = queries.get_referral_for_user(request.user, referral_id, RECORD_CONSULTATIONS)
    consultation = referral.consultation
    basis = _edit_basis(request, consultation, access.content_basis(request.user, consultation))
    form = forms.ReferralMoveForm(request.POST or None, current=referral.status)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            services.move_referral(
                referral,
                cleaned["status"],
                note=cleaned["note"],
                feedback=cleaned["feedback"] or None,
                follow_up_on=cleaned["follow_up_on"],
                actor=request.user,
            )
        except ConsultationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The referral was updated."))
            return redirect_after_post(request, _detail_url(consultation))
    services.record_content_read(
        consultation, basis=basis, parts=("referrals",), actor=request.user
    )
    return render(
        request,
        "consultations/referral_move.html",
        {"form": form, "referral": referral, "consultation": consultation},
    )


# -- access review ------------------------------------------------------------------------------
def _month(value: str | None) -> date:
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if not value:
        return last_month
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        return last_month


@never_cache
@staff_view(REVIEW_ACCESS)
def access_review(request):
    hub = current_hub(request)
    month = _month(request.GET.get("month") or request.POST.get("month"))
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_month(hub, month, form.cleaned_data["note"], actor=request.user)
        except ConsultationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The month is signed off."))
        return redirect(f"{request.path}?month={month:%Y-%m}")
    openings, waiting = queries.openings_in_month(hub, month), queries.unacknowledged_openings(hub)
    # The reasons people gave can say why a family was looked up: reading them is audited.
    services.record_reasons_read(
        hub, {o.pk for o in openings} | {o.pk for o in waiting}, actor=request.user
    )
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return render(
        request,
        "consultations/access_review.html",
        {
            "hub": hub,
            "month": month,
            "previous": previous,
            "following": following if following <= timezone.localdate() else None,
            "reads": queries.reads_in_month(hub, month),
            "openings": openings,
            "waiting": waiting,
            "review": queries.review_of(hub, month),
            "month_over": following <= timezone.localdate(),
            "form": form,
        },
    )


@require_POST
@staff_view(REVIEW_ACCESS, check=CHECK_OBJECT)
def opening_acknowledge(request, opening_id: int):
    opening = queries.get_opening_for_user(request.user, opening_id, REVIEW_ACCESS)
    try:
        services.acknowledge_break_glass(opening, actor=request.user)
    except ConsultationError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("The opening is acknowledged."))
    return redirect("consultations:access-review")


# -- agencies -----------------------------------------------------------------------------------
@staff_view(MANAGE_AGENCIES)
def agency_list(request):
    hub = current_hub(request)
    agencies = queries.agencies_for(hub, active_only=False)
    return render(
        request,
        "consultations/agency_list.html",
        {
            "hub": hub,
            "rows": [(a, queries.may_manage_agency(request.user, a)) for a in agencies],
        },
    )


def _agency_form(request, hub, agency=None):
    city_wide = queries.may_manage_city_wide(request.user, hub.ward.municipality_id)
    wards = queries.wards_for_agencies(hub, city_wide=city_wide)
    initial = {name: getattr(agency, name) for name in services.AGENCY_FIELDS} if agency else None
    return forms.AgencyForm(
        request.POST or None, initial=initial, wards=wards, city_wide_allowed=city_wide
    )


@staff_view(MANAGE_AGENCIES)
def agency_create(request):
    hub = current_hub(request)
    form = _agency_form(request, hub)
    if request.method == "POST" and form.is_valid():
        services.save_agency(
            None, form.cleaned_data, municipality=hub.ward.municipality, actor=request.user
        )
        messages.success(request, _("The agency was added."))
        return redirect_after_post(request, reverse("consultations:agency-list"))
    return render(request, "consultations/agency_form.html", {"form": form, "hub": hub})


@staff_view(MANAGE_AGENCIES, check=CHECK_OBJECT)
def agency_edit(request, agency_id: int):
    agency = queries.get_agency_for_user(request.user, agency_id)
    hub = current_hub(request)
    form = _agency_form(request, hub, agency)
    if request.method == "POST" and form.is_valid():
        services.save_agency(
            agency, form.cleaned_data, municipality=agency.municipality, actor=request.user
        )
        messages.success(request, _("The agency was saved."))
        return redirect_after_post(request, reverse("consultations:agency-list"))
    return render(
        request, "consultations/agency_form.html", {"form": form, "hub": hub, "agency": agency}
    )
