from django.utils.translation import gettext_lazy as _

from hiroba.core.audit import register_actions

register_actions(
    {
        "directory.resource.created": _("Resource added to the directory"),
        "directory.resource.updated": _("Resource corrected"),
        "directory.resource.verified": _("Resource verified"),
        "directory.resource.imported": _("Resources imported"),
        "directory.resource.exported": _("Resources exported"),
        "directory.suggestion.received": _("Resource suggestion received"),
        "directory.suggestion.approved": _("Resource suggestion approved"),
        "directory.suggestion.rejected": _("Resource suggestion declined"),
        "directory.resourcesuggestion.viewed": _("Resource suggestion sender read"),
        "directory.suggestion.contacts_erased": _("Old suggestion senders' contacts erased"),
    }
)
