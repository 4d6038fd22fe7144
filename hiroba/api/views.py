"""The hub manager's page of API tokens: issue one (its text is shown once), see when each was
last used, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.api import queries, services
from hiroba.api.forms import TokenForm
from hiroba.api.permissions import MANAGE_API_TOKENS
from hiroba.core.htmx import redirect_after_post


@staff_view(MANAGE_API_TOKENS)
def token_list(request):
    hub = current_hub(request)
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        token, issued = services.issue_token(hub, **form.cleaned_data, actor=request.user)
        form = TokenForm()
    response = render(
        request,
        "api/token_list.html",
        {
            "hub": hub,
            "form": form,
            "tokens": queries.tokens_of_hub(hub),
            "issued": issued,
            "schema_url": reverse("api-v1:openapi-json"),
        },
    )
    if issued:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_view(MANAGE_API_TOKENS, check=CHECK_OBJECT)
def token_revoke(request, token_id: int):
    token = queries.get_token_for_user(request.user, token_id, MANAGE_API_TOKENS)
    services.revoke_token(token, actor=request.user)
    messages.success(request, _("The token {name} no longer works.").format(name=token.name))
    return redirect_after_post(request, reverse("api:tokens"))
