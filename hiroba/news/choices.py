from django.db import models
from django.utils.translation import gettext_lazy as _


class NewsStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NewsState(models.TextChoices):
    """What a parent sees of an item at a moment: derived from status and the two dates."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("On the portal")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Languages an item may be written in besides Japanese (the fields themselves).
TRANSLATION_LANGUAGES = ("ja-easy", "en")
TRANSLATABLE_FIELDS = ("title", "body")
