from django.utils.translation import gettext_lazy as _

from hiroba.core.audit import register_actions

register_actions(
    {
        "api.token.issued": _("API token issued"),
        "api.token.revoked": _("API token revoked"),
    }
)
