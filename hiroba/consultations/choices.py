from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HIROBA = "hiroba", _("At the drop-in space")
    PHONE = "phone", _("By phone")
    SPECIALIST_DAY = "specialist", _("Specialist consultation day")
    OUTREACH = "outreach", _("Outreach")
    EMAIL = "email", _("By e-mail")
    ONLINE = "online", _("Online")
    INDIVIDUAL = "individual", _("Booked individual consultation")


class Caregiver(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    BOTH_PARENTS = "parents", _("Both parents")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    INFORMATION = "information", _("Information given")
    ADVICE = "advice", _("Advice")
    CONTINUING = "continuing", _("Continuing")
    REFERRAL = "referral", _("Referral")


class AgencyKind(models.TextChoices):
    WARD_HEALTH = "ward_health", _("Ward children and family support (public health nurse)")
    CONCIERGE = "concierge", _("Childcare and education concierge")
    CHILD_GUIDANCE = "child_guidance", _("Child guidance centre")
    MEDICAL = "medical", _("Medical institution")
    MULTICULTURAL = "multicultural", _("Multicultural support")
    KOSAPO = "kosapo", _("Kosapo family support")
    TEMPORARY_CARE = "temporary_care", _("Temporary childcare")
    USER_SUPPORT = "user_support", _("User support (childcare partner)")
    OTHER = "other", _("Other")


class ReferralMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    ACCOMPANIED = "accompanied", _("Accompanied the family")
    DOCUMENT = "document", _("Written introduction")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting with the agency")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal consent")
    WRITTEN = "written", _("Written consent")


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Not accepted")


# Which status may follow which (依頼 → 受理 → 対応中 → 完了 / 不受理).
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.REQUESTED: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.IN_PROGRESS, ReferralStatus.DONE}),
    ReferralStatus.IN_PROGRESS: frozenset({ReferralStatus.DONE}),
    ReferralStatus.DONE: frozenset(),
    ReferralStatus.DECLINED: frozenset(),
}
OPEN_REFERRAL_STATUSES = frozenset(
    {ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}
)


class AccessBasis(models.TextChoices):
    """Why a user may read a consultation's content (recorded with every read)."""

    AUTHOR = "author", _("Author")
    ASSIGNED = "assigned", _("Assigned staff")
    ROLE = "role", _("Consultation access by role")
    BREAK_GLASS = "break_glass", _("Break-glass opening")


# The default coded topics a new municipality starts with; each city edits its own list.
DEFAULT_TOPICS: tuple[tuple[str, str], ...] = (
    ("development", "発達"),
    ("feeding", "食事・離乳食"),
    ("sleep", "睡眠"),
    ("nursery", "保育園・幼稚園"),
    ("childcare", "預け先"),
    ("work", "仕事復帰"),
    ("family", "夫婦・家族"),
    ("mother_health", "母の心身"),
    ("siblings", "きょうだい"),
    ("foreign", "外国籍関連"),
    ("money", "経済"),
    ("health", "病気・けが"),
    ("play", "遊び・生活習慣"),
    ("friends", "友達・地域とのつながり"),
    ("other", "その他"),
)
