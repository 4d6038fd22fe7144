"""The fee simulator: a coordinator prices an activity before it is agreed, with the same
engine that settles it (peers.md row 39). No personal data is entered or shown."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import staff_view
from hiroba.kosapo import forms
from hiroba.kosapo.fees import Expense, FeeError, FeeTable, quote
from hiroba.kosapo.permissions import SIMULATE_FEES
from hiroba.kosapo.rules import fee_values


@staff_view(SIMULATE_FEES)
def fee_simulator(request):
    hub = current_hub(request)
    form = forms.FeeSimulatorForm(request.GET or None)
    result = table = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            table = FeeTable.from_values(fee_values(hub.ward.municipality, data["day"]))
        except LookupError:
            form.add_error("day", _("There is no fee table for this date."))
        else:
            expenses = [
                Expense(kind, data[kind]) for kind in ("transport", "meals") if data.get(kind)
            ]
            try:
                result = quote(
                    table,
                    day=data["day"],
                    starts=data["starts"],
                    ends=data["ends"],
                    children=data["children"],
                    coupons=data.get("coupons") or 0,
                    expenses=expenses,
                )
            except FeeError as error:
                form.add_error(None, str(error))
    return render(
        request,
        "kosapo/fee_simulator.html",
        {"form": form, "quote": result, "table": table, "hub": hub},
    )
