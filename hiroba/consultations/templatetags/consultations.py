from django import template

from hiroba.lib.ages import format_age_months

register = template.Library()


@register.filter
def child_ages(months: list[int] | None) -> str:
    """[5, 24] -> "0歳5か月、2歳"."""
    return "、".join(format_age_months(m) for m in months or [])
