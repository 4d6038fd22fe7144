"""Support case and 地域連携 log views. Only ``MANAGE_CASES`` holders at the case's hub get
here (hub staff and ward officials get 403, other hubs 404). Every page that shows a case's
content writes its audit row before rendering and is never cached."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.core.forms import FiscalYearForm, errors_text
from hiroba.core.htmx import redirect_after_post
from hiroba.families.queries import households_of
from hiroba.lib.fiscal import fiscal_year_of
from hiroba.support import case_forms as forms
from hiroba.support import case_queries as queries
from hiroba.support import case_services as services
from hiroba.support.choices import CaseStatus
from hiroba.support.errors import SupportError
from hiroba.support.permissions import MANAGE_CASES

PAGE_SIZE = 25
DUE_SOON_DAYS = 7


def _detail_url(case) -> str:
    return reverse("support:case-detail", kwargs={"case_id": case.pk})


def _load(request, case_id: int):
    return queries.get_case_for_user(request.user, case_id, MANAGE_CASES)


def _closed_redirect(request, case):
    """A closed case takes no changes: back to its page with the reason."""
    messages.info(request, SupportError("case_closed").message)
    return redirect(_detail_url(case))


# -- list ---------------------------------------------------------------------------------------
@never_cache
@staff_view(MANAGE_CASES)
def case_list(request):
    hub = current_hub(request)
    data = request.GET.copy()
    data.setdefault("status", CaseStatus.OPEN)  # open cases first; "" shows all
    form = forms.CaseFilterForm(data)
    status = form.cleaned_data["status"] if form.is_valid() else CaseStatus.OPEN
    page = Paginator(queries.cases_of(hub, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    services.record_case_list_read(hub, [case.pk for case in page.object_list], actor=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    return render(
        request,
        "support/cases/case_list.html",
        {
            "hub": hub,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "soon": today + timedelta(days=DUE_SOON_DAYS),
        },
    )


# -- opening and editing ------------------------------------------------------------------------
def _case_form(request, hub, case=None):
    topics = queries.need_topics_for(hub)
    managers = queries.case_managers(hub, keep=case.assigned_to_id if case else None)
    initial = {}
    if case is not None:
        # An edited case keeps a retired topic and an assignee who has left.
        topics = (topics | case.need_topics.all()).distinct()
        initial = _initial(case)
    elif managers.filter(pk=request.user.pk).exists():
        initial = {"assigned_to": request.user.pk}
    return forms.CaseForm(
        request.POST or None,
        initial=initial,
        topics=topics,
        managers=managers,
        households=households_of(hub).current(),
        consultations=queries.consultations_of(hub),
        editing=case is not None,
    )


def _initial(case) -> dict:
    return {
        "card_number": case.household.card_number if case.household else "",
        "opened_on": case.opened_on,
        "assigned_to": case.assigned_to_id,
        "need_topics": list(case.need_topics.all()),
        "needs": case.needs,
        "consultation_refs": "、".join(c.reference for c in queries.linked_consultations(case)),
        "revision": case.revision,
    }


def _case_data(cleaned) -> services.CaseData:
    return services.CaseData(
        opened_on=cleaned["opened_on"],
        assigned_to=cleaned["assigned_to"],
        needs=cleaned["needs"],
        household=cleaned["card_number"],
        need_topics=list(cleaned["need_topics"]),
        consultations=list(cleaned["consultation_refs"]),
    )


@never_cache
@staff_view(MANAGE_CASES)
def case_create(request):
    hub = current_hub(request)
    form = _case_form(request, hub)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                hub, _case_data(form.cleaned_data), form.consent(), actor=request.user
            )
        except SupportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Case %(case)s was opened.") % {"case": case.reference})
            return redirect_after_post(request, _detail_url(case))
    return render(request, "support/cases/case_form.html", {"form": form, "hub": hub})


@never_cache
@staff_view(MANAGE_CASES, check=CHECK_OBJECT)
def case_edit(request, case_id: int):
    case = _load(request, case_id)
    if not case.is_open:
        return _closed_redirect(request, case)
    form = _case_form(request, case.hub, case)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_case(
                case,
                _case_data(form.cleaned_data),
                revision=form.cleaned_data["revision"] or 0,
                actor=request.user,
            )
        except SupportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The case was saved."))
            return redirect_after_post(request, _detail_url(case))
    elif request.method != "POST":
        services.record_case_read(
            case, parts=("family", "needs", "topics", "consultations"), actor=request.user
        )
    return render(
        request,
        "support/cases/case_form.html",
        {"form": form, "hub": case.hub, "case": case},
    )


# -- reading ------------------------------------------------------------------------------------
@never_cache
@staff_view(MANAGE_CASES, check=CHECK_OBJECT)
def case_detail(request, case_id: int):
    case = _load(request, case_id)
    services.record_case_read(case, parts=services.CASE_PARTS, actor=request.user)
    return render(
        request,
        "support/cases/case_detail.html",
        {
            "case": case,
            "plan_items": queries.plan_items_of(case),
            "linkages": queries.linkages_of(case),
            "consultations": queries.linked_consultations(case),
            "plan_form": forms.PlanItemForm() if case.is_open else None,
            "today": timezone.localdate(),
        },
    )


# -- closing and reopening ----------------------------------------------------------------------
@never_cache
@staff_view(MANAGE_CASES, check=CHECK_OBJECT)
def case_close(request, case_id: int):
    case = _load(request, case_id)
    if not case.is_open:
        messages.info(request, _("This case is already closed."))
        return redirect(_detail_url(case))
    form = forms.CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            services.close_case(
                case,
                cleaned["closure_reason"],
                closed_on=cleaned["closed_on"],
                note=cleaned["closure_note"],
                actor=request.user,
            )
        except SupportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The case was closed."))
            return redirect_after_post(request, _detail_url(case))
    return render(request, "support/cases/case_close.html", {"form": form, "case": case})


@require_POST
@staff_view(MANAGE_CASES, check=CHECK_OBJECT)
def case_reopen(request, case_id: int):
    case = _load(request, case_id)
    try:
        services.reopen_case(case, actor=request.user)
    except SupportError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("The case was reopened."))
    return redirect(_detail_url(case))


# -- plan items ---------------------------------------------------------------------------------
@require_POST
@staff_view(MANAGE_CASES, check=CHECK_OBJECT)
def plan_item_add(request, case_id: int):
    case = _load(request, case_id)
    form = forms.PlanItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect(_detail_url(case))
    try:
        services.add_plan_item(
            case, form.cleaned_data["text"], due_on=form.cleaned_data["due_on"], actor=request.user
        )
    except SupportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The plan item was added."))
    return redirect(_detail_url(case))


@never_cache
@staff_view(MANAGE_CASES, check=CHECK_OBJECT)
def plan_item_edit(request, plan_item_id: int):
    item = queries.get_plan_item_for_user(request.user, plan_item_id, MANAGE_CASES)
    case = item.case
    if not case.is_open:
        return _closed_redirect(request, case)
    form = forms.PlanItemForm(
        request.POST or None, initial={"text": item.text, "due_on": item.due_on}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan_item(
                item,
                form.cleaned_data["text"],
                due_on=form.cleaned_data["due_on"],
                actor=request.user,
            )
        except SupportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The plan item was saved."))
            return redirect_after_post(request, _detail_url(case))
    elif request.method != "POST":
        services.record_case_read(case, parts=("plan",), actor=request.user)
    return render(
        request, "support/cases/plan_item_form.html", {"form": form, "case": case, "item": item}
    )


@require_POST
@staff_view(MANAGE_CASES, check=CHECK_OBJECT)
def plan_item_done(request, plan_item_id: int):
    """``done=0`` takes the mark back (a slip of the finger); anything else marks it done."""
    item = queries.get_plan_item_for_user(request.user, plan_item_id, MANAGE_CASES)
    done = request.POST.get("done", "1") != "0"
    try:
        services.set_plan_item_done(item, done, actor=request.user)
    except SupportError as error:
        messages.info(request, error.message)
    else:
        messages.success(
            request,
            _("The plan item is marked done.") if done else _("The plan item is open again."),
        )
    return redirect(_detail_url(item.case))


# -- linkages -----------------------------------------------------------------------------------
@never_cache
@staff_view(MANAGE_CASES, check=CHECK_OBJECT)
def linkage_add(request, case_id: int):
    case = _load(request, case_id)
    if not case.is_open:
        return _closed_redirect(request, case)
    form = forms.LinkageForm(request.POST or None, agencies=queries.agencies_for(case.hub))
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        data = services.LinkageData(
            service_kind=cleaned["service_kind"],
            agency=cleaned["agency"],
            warm_handover=cleaned["warm_handover"],
            consent=form.consent(),
            handover_note=cleaned["handover_note"],
            follow_up_on=cleaned["follow_up_on"],
        )
        try:
            services.add_linkage(case, data, actor=request.user)
        except SupportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The linkage was recorded."))
            return redirect_after_post(request, _detail_url(case))
    return render(request, "support/cases/linkage_form.html", {"form": form, "case": case})


@never_cache
@staff_view(MANAGE_CASES, check=CHECK_OBJECT)
def linkage_move(request, linkage_id: int):
    linkage = queries.get_linkage_for_user(request.user, linkage_id, MANAGE_CASES)
    case = linkage.case
    if not case.is_open:
        return _closed_redirect(request, case)
    form = forms.LinkageMoveForm(
        request.POST or None,
        current=linkage.status,
        initial={"result_note": linkage.result_note, "follow_up_on": linkage.follow_up_on},
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            services.move_linkage(
                linkage,
                cleaned["status"],
                result_note=cleaned["result_note"],
                follow_up_on=cleaned["follow_up_on"],
                actor=request.user,
            )
        except SupportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The linkage was updated."))
            return redirect_after_post(request, _detail_url(case))
    # The page shows the linkage and its result note.
    services.record_case_read(case, parts=("linkages",), actor=request.user)
    return render(
        request,
        "support/cases/linkage_move.html",
        {"form": form, "linkage": linkage, "case": case},
    )


@require_POST
@staff_view(MANAGE_CASES, check=CHECK_OBJECT)
def linkage_follow_up_done(request, linkage_id: int):
    linkage = queries.get_linkage_for_user(request.user, linkage_id, MANAGE_CASES)
    try:
        services.complete_linkage_follow_up(linkage, actor=request.user)
    except SupportError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("The follow-up is marked as done."))
    return redirect(_detail_url(linkage.case))


# -- the 地域連携 log ---------------------------------------------------------------------------
@staff_view(MANAGE_CASES)
def activity_list(request):
    hub = current_hub(request)
    form = FiscalYearForm(request.GET or None)
    fiscal_year = form.chosen()
    activities = list(queries.activities_of(hub, fiscal_year))
    return render(
        request,
        "support/community/activity_list.html",
        {
            "hub": hub,
            "form": form,
            "fiscal_year": fiscal_year,
            "activities": activities,
            "participants": sum(a.participants or 0 for a in activities),
        },
    )


def _activity_data(cleaned) -> services.ActivityData:
    return services.ActivityData(
        happened_on=cleaned["happened_on"],
        kind=cleaned["kind"],
        title=cleaned["title"],
        partners=cleaned["partners"],
        agencies=list(cleaned["agencies"]),
        participants=cleaned["participants"],
        minutes=cleaned["minutes"],
        summary=cleaned["summary"],
    )


def _list_url(activity) -> str:
    fiscal_year = fiscal_year_of(activity.happened_on)
    return f"{reverse('support:activity-list')}?fiscal_year={fiscal_year}"


@staff_view(MANAGE_CASES)
def activity_create(request):
    hub = current_hub(request)
    form = forms.ActivityForm(request.POST or None, agencies=queries.activity_agencies(hub))
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.record_activity(
                hub, _activity_data(form.cleaned_data), actor=request.user
            )
        except SupportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The activity was recorded."))
            return redirect_after_post(request, _list_url(activity))
    return render(request, "support/community/activity_form.html", {"form": form, "hub": hub})


@staff_view(MANAGE_CASES, check=CHECK_OBJECT)
def activity_edit(request, activity_id: int):
    activity = queries.get_activity_for_user(request.user, activity_id, MANAGE_CASES)
    initial = {name: getattr(activity, name) for name in services.ACTIVITY_FIELDS}
    initial["agencies"] = list(activity.agencies.all())
    form = forms.ActivityForm(
        request.POST or None,
        initial=initial,
        agencies=queries.activity_agencies(activity.hub, activity),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_activity(
                activity, _activity_data(form.cleaned_data), actor=request.user
            )
        except SupportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The activity was saved."))
            return redirect_after_post(request, _list_url(saved))
    return render(
        request,
        "support/community/activity_form.html",
        {"form": form, "hub": activity.hub, "activity": activity},
    )
