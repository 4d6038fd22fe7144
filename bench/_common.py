"""What more than one benchmark builds the same way (a helper module: scripts/run_benchmarks.py
runs only bench/<name>.py without a leading underscore). Imported after ``django.setup()``."""

from __future__ import annotations


def build_hub():
    """One hub in Yokohama (Kōhoku ward) run by an NPO, with one hiroba room: the least the
    registry, the visits and the programs need. Returns (hub, venue)."""
    from hiroba.core.models import Hub, Municipality, Organization, Venue, Ward  # noqa: PLC0415

    city = Municipality.objects.create(code="141003", name="横浜市", prefecture="神奈川県")
    ward = Ward.objects.create(municipality=city, code="141101", name="港北区")
    operator = Organization.objects.create(municipality=city, name="NPO法人 ベンチ", kind="npo")
    hub = Hub.objects.create(
        ward=ward, operator=operator, name="ベンチ拠点", contract_start_fiscal_year=2023
    )
    venue = Venue.objects.create(hub=hub, name="ひろば室", kind="hiroba_room", capacity_pairs=30)
    return hub, venue
