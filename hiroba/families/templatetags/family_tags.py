"""Display helpers of the family registry: children's ages as staff say them (1歳3か月)."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from hiroba.lib.ages import age_in_months

register = template.Library()


@register.filter
def age(member, on: date | None = None) -> str:
    """A child's age on ``on`` (today by default) in years and months, or "" when not born."""
    birth = getattr(member, "birth_date", None)
    on = on or timezone.localdate()
    if birth is None or birth > on:
        return ""
    years, months = divmod(age_in_months(birth, on), 12)
    if years == 0:
        return _("{months} months").format(months=months)
    return _("{years} y {months} m").format(years=years, months=months)
