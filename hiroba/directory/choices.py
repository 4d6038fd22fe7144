from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceStatus(models.TextChoices):
    PUBLISHED = "published", _("Shown on the portal")
    HIDDEN = "hidden", _("Hidden")


class ResourceSource(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    IMPORT = "import", _("Imported")
    SUGGESTION = "suggestion", _("Suggested")


class Amenity(models.TextChoices):
    """Each amenity is a yes/no field of the resource (``AMENITY_FIELDS``), so filters are plain
    column conditions on every database."""

    NURSING_ROOM = "nursing_room", _("Nursing room")
    DIAPER_CHANGING = "diaper_changing", _("Diaper changing")
    STROLLER = "stroller", _("Stroller friendly")
    PARKING = "parking", _("Parking")
    ELEVATOR = "elevator", _("Elevator")


AMENITY_FIELDS = {
    Amenity.NURSING_ROOM: "has_nursing_room",
    Amenity.DIAPER_CHANGING: "has_diaper_changing",
    Amenity.STROLLER: "stroller_friendly",
    Amenity.PARKING: "has_parking",
    Amenity.ELEVATOR: "has_elevator",
}


class AgeBand(models.TextChoices):
    """The age filter of the portal: a resource matches when its target ages overlap the band."""

    EXPECTING = "expecting", _("Expecting a baby")
    AGE_0 = "0", _("0 years")
    AGE_1 = "1", _("1 year")
    AGE_2 = "2", _("2 years")
    AGE_3_5 = "3-5", _("3 to 5 years")
    SCHOOL = "school", _("School age")


# (first month, last month) of each band; None for the pregnancy band.
AGE_BAND_MONTHS = {
    AgeBand.AGE_0: (0, 11),
    AgeBand.AGE_1: (12, 23),
    AgeBand.AGE_2: (24, 35),
    AgeBand.AGE_3_5: (36, 83),
    AgeBand.SCHOOL: (72, 155),
}


class SuggestionKind(models.TextChoices):
    NEW = "new", _("New place")
    CORRECTION = "correction", _("Correction")


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not taken")


class SubmitterKind(models.TextChoices):
    PARENT = "parent", _("Parent or caregiver")
    PARTNER = "partner", _("Partner organisation")
    OTHER = "other", _("Other")
