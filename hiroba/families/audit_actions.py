from django.utils.translation import gettext_lazy as _

from hiroba.core.audit import register_actions

register_actions(
    {
        "families.household.registered": _("Family registered"),
        "families.household.updated": _("Family details changed"),
        "families.household.contact_channel_changed": _("How to contact the family changed"),
        "families.household.confirmed": _("Pre-registration confirmed"),
        "families.household.viewed": _("Family card viewed"),
        "families.household.merged": _("Family cards merged"),
        "families.household.anonymised": _("Family anonymised (retention)"),
        "families.household.pending_removed": _("Unconfirmed pre-registration removed"),
        "families.member.added": _("Family member added"),
        "families.member.updated": _("Family member changed"),
        "families.member.left": _("Family member left the family"),
        "families.consent.recorded": _("Consent recorded"),
        "families.card.reissued": _("Family card reissued"),
        "families.card.printed": _("Family card printed"),
        "families.import.applied": _("Family cards imported"),
    }
)
