"""Parent sign-in by e-mail link and sign-out (see ``sign_in`` for the rules).

The form always leads to the same "check your e-mail" page, whether or not the address is
registered. The link's GET only shows a button (mail scanners open links; they must not
sign anyone in); its POST signs in and goes on to the page the parent wanted.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hiroba.core.after_response import run_after_response
from hiroba.core.request_context import client_ip
from hiroba.portal import parents, sign_in
from hiroba.portal.program_forms import SignInForm
from hiroba.portal.responses import private


def _problem_text(problem: str) -> str:
    texts = {
        "expired": _("This link has expired. Links work for 30 minutes: please ask for a new one."),
        "invalid": _("This link does not work. Please ask for a new one."),
        "used": _("This link was already used. Please ask for a new one."),
    }
    return texts[problem]


def _next(request, source) -> str:
    return parents.safe_next(request, source.get("next"), reverse("portal:my-page"))


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_form(request):
    if request.method != "POST":
        if parents.current_household(request) is not None:
            return redirect(_next(request, request.GET))
        form = SignInForm(initial={"next": request.GET.get("next", "")})
        return private(render(request, "portal/sign_in/form.html", {"form": form}))
    form = SignInForm(request.POST)
    if not form.is_valid():
        return private(render(request, "portal/sign_in/form.html", {"form": form}))
    address = form.cleaned_data["email"]
    if sign_in.over_limit(client_ip(request), address):
        form.add_error(
            None,
            _("Too many sign-in links were asked for. Please wait an hour, or ask at the hub."),
        )
        response = render(request, "portal/sign_in/form.html", {"form": form}, status=429)
        return private(response)
    members = sign_in.caregivers_with_address(address)
    response = redirect("portal:sign-in-sent")
    if members:  # sent after the answer: known and unknown addresses take the same time
        next_path = _next(request, form.cleaned_data)
        next_path = "" if next_path == "/my/" else next_path
        run_after_response(response, lambda: sign_in.send_links(address, members, next_path))
    return response


@never_cache
@require_safe
def sent(request):
    return private(render(request, "portal/sign_in/sent.html"))


@never_cache
@require_http_methods(["GET", "POST"])
def link(request, token: str):
    """GET: who this link signs in, and a button. POST: sign in (once) and go on."""
    result = sign_in.read_token(token)
    if result.member is None:
        context = {"problem": _problem_text(result.problem)}
        return private(render(request, "portal/sign_in/link.html", context, status=400))
    member = result.member
    next_path = _next(request, {"next": request.POST.get("next") or request.GET.get("next")})
    if request.method == "GET":
        context = {"member": member, "household": member.household, "next": next_path}
        return private(render(request, "portal/sign_in/link.html", context))
    claimed = sign_in.claim_token(token)  # always: the link is spent once it was pressed
    already = parents.current_household(request)
    if already is not None and already.pk == member.household_id:
        return redirect(next_path)  # a double tap of the button
    if not claimed:
        context = {"problem": _problem_text("used")}
        return private(render(request, "portal/sign_in/link.html", context, status=400))
    parents.sign_in(request, member.household, member)
    messages.success(request, _("You are signed in."))
    return redirect(next_path)


@require_POST
def sign_out(request):
    parents.sign_out(request)
    messages.success(request, _("You are signed out."))
    return redirect("portal:home")
