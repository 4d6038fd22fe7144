"""Choice sets for the tenancy models. Labels are English message ids translated in locale/ja."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HubKind(models.TextChoices):
    MAIN = "main", _("Main hub")
    SATELLITE = "satellite", _("Satellite")


class VenueKind(models.TextChoices):
    HIROBA_ROOM = "hiroba_room", _("Drop-in room")
    OUTREACH = "outreach", _("Outreach drop-in site")
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    CARE_PLAZA = "care_plaza", _("Community care plaza")
    PARK = "park", _("Park or outdoors")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other venue")


class OrganizationKind(models.TextChoices):
    NPO = "npo", _("NPO corporation")
    CERTIFIED_NPO = "certified_npo", _("Certified NPO corporation")
    WORKERS_COLLECTIVE = "workers_collective", _("Workers' collective")
    SOCIAL_WELFARE = "social_welfare", _("Social welfare corporation")
    GENERAL_INCORPORATED = "general_incorporated", _("General incorporated association")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other organisation")
