"""The printable resource guide of a district (or the whole directory), A4, typeset with Typst.

Hubs print it for their information corner and for families without a smartphone: places by
category with address, phone, hours, ages and amenities, and the day each was last checked.
As with the roster (``programs.pdf``), everything printed travels as JSON strings, labels
included, so a name with Typst markup prints as typed.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hiroba.core.models import District, Hub
from hiroba.core.typeset import FONT_FAMILY, compile_typst
from hiroba.directory.categories import categories_for
from hiroba.directory.choices import Amenity, ResourceStatus
from hiroba.directory.exports import age_text
from hiroba.directory.models import Resource
from hiroba.families.services import registry_hub
from hiroba.lib.text import format_phone
from hiroba.lib.wareki import format_wareki_date

GUIDE_TEMPLATE = Path(__file__).resolve().parent / "templates" / "directory" / "print" / "guide.typ"


def guide_pdf(hub: Hub, district: District | None) -> bytes:
    return compile_typst(GUIDE_TEMPLATE, guide_data(hub, district))


def guide_data(hub: Hub, district: District | None) -> dict:
    """The published entries of the hub's directory (of ``district`` when given), grouped by
    the municipality's categories in their order. One query for the entries."""
    owner = registry_hub(hub)
    rows = Resource.objects.filter(hub=owner, status=ResourceStatus.PUBLISHED)
    if district is not None:
        rows = rows.filter(district=district)
    rows = list(rows.order_by("name_kana", "name"))
    language = translation.get_language()
    area = district.name if district else owner.ward.name
    categories = categories_for(owner.ward.municipality)
    groups = []
    for category in categories:
        places = [_place(r, language) for r in rows if r.category == category.code]
        if places:
            groups.append({"title": category.label(language), "places": places})
    known = {c.code for c in categories}
    others = [_place(r, language) for r in rows if r.category not in known]
    if others:
        groups.append({"title": _("Other"), "places": others})
    today = timezone.localdate()
    return {
        "font": FONT_FAMILY,
        "lang": "en" if (language or "").startswith("en") else "ja",
        "document_title": _("Places for families in {area}").format(area=area),
        "title": _("Places for families in {area}").format(area=area),
        "subtitle": owner.name,
        "groups": groups,
        "count": len(rows),
        "labels": {
            "empty": _("No places are listed for this area yet."),
            "checked": _("checked"),
        },
        "footer": _(
            "Made on {day} by {hub}. Each place shows the day the hub last checked it; "
            "please call before you go."
        ).format(day=format_wareki_date(today), hub=owner.name),
    }


def _place(resource: Resource, language: str | None) -> dict:
    amenities = dict(Amenity.choices)
    facts = [
        resource.address,
        format_phone(resource.phone) if resource.phone else "",
        resource.localized("hours", language),
        age_text(resource, with_expecting=True),
        resource.localized("cost", language),
        "・".join(str(amenities[code]) for code in resource.amenities),
    ]
    return {
        "name": resource.localized("name", language),
        "facts": [fact for fact in facts if fact],
        "checked": format_wareki_date(resource.verified_on) if resource.verified_on else "",
    }
