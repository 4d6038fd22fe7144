"""Directory test data: resources with a point in Yokohama, verified today unless told."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from hiroba.directory.models import Resource


def resource(hub, name="こどもログハウス", **values) -> Resource:
    defaults = {
        "category": "park",
        "address": "横浜市港北区大豆戸町1-1",
        "latitude": Decimal("35.509000"),
        "longitude": Decimal("139.617000"),
        "verified_on": timezone.localdate(),
    }
    defaults.update(values)
    return Resource.objects.create(hub=hub, name=name, **defaults)
