"""Choice sets of the family registry. Labels are English message ids translated in locale/ja."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HouseholdStatus(models.TextChoices):
    PENDING = "pending", _("Pre-registered")
    ACTIVE = "active", _("Registered")
    MERGED = "merged", _("Merged into another card")
    ANONYMISED = "anonymised", _("Anonymised")


# Cards staff work with: registered or pre-registered (not merged or anonymised).
CURRENT_HOUSEHOLD_STATUSES = (HouseholdStatus.ACTIVE, HouseholdStatus.PENDING)


class RegistrationSource(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    PORTAL = "portal", _("Portal pre-registration")
    PAPER = "paper", _("Paper card")
    IMPORT = "import", _("Imported")


class HowHeard(models.TextChoices):
    WARD_OFFICE = "ward_office", _("Ward office or health check")
    FRIEND = "friend", _("Friend or family")
    WEBSITE = "website", _("Website or app")
    FLYER = "flyer", _("Flyer or newsletter")
    PASSING_BY = "passing_by", _("Passing by")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    JAPANESE = "ja", _("Japanese")
    EASY_JAPANESE = "ja-easy", _("Easy Japanese")
    ENGLISH = "en", _("English")
    CHINESE = "zh", _("Chinese")
    KOREAN = "ko", _("Korean")
    VIETNAMESE = "vi", _("Vietnamese")
    TAGALOG = "tl", _("Tagalog")
    PORTUGUESE = "pt", _("Portuguese")
    SPANISH = "es", _("Spanish")
    NEPALI = "ne", _("Nepali")
    OTHER = "other", _("Other language")


def site_language(family_language: str) -> str:
    """The language Hiroba writes to a family in: its own where the site has it (English,
    やさしい日本語), Japanese otherwise."""
    return (
        family_language if family_language in (Language.ENGLISH, Language.EASY_JAPANESE) else "ja"
    )


class MemberKind(models.TextChoices):
    CAREGIVER = "caregiver", _("Caregiver")
    CHILD = "child", _("Child")


class Relation(models.TextChoices):
    """How a caregiver is related to the children. Fathers and grandparents are counted
    separately in the statistics (domain.md §8)."""

    MOTHER = "mother", pgettext_lazy("relation", "Mother")
    FATHER = "father", pgettext_lazy("relation", "Father")
    GRANDMOTHER = "grandmother", pgettext_lazy("relation", "Grandmother")
    GRANDFATHER = "grandfather", pgettext_lazy("relation", "Grandfather")
    OTHER = "other", pgettext_lazy("relation", "Other caregiver")


GRANDPARENTS = frozenset({Relation.GRANDMOTHER, Relation.GRANDFATHER})


class Sex(models.TextChoices):
    FEMALE = "female", _("Girl")
    MALE = "male", _("Boy")
    UNSPECIFIED = "", _("Not stated")


class ConsentPurpose(models.TextChoices):
    VISIT_RECORDS = "visit_records", _("Keeping visit records")
    SHARE_WITH_WARD = "share_with_ward", _("Sharing with the ward office")
    PHOTOS = "photos", _("Photos in newsletters and on the web")
    SURVEY_CONTACT = "survey_contact", _("Being contacted for surveys")


class ConsentAction(models.TextChoices):
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ContactChannel(models.TextChoices):
    """How a family wants to hear from the hub (booking confirmations, waitlist offers,
    reminders). More channels (LINE) can be added here later."""

    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone call from staff")
