from django.utils.translation import gettext_lazy as _

from hiroba.core.navigation import NavItem, register
from hiroba.evaluation.permissions import EDIT_SHEETS, VIEW_SHEETS

register(
    NavItem("evaluation", _("Evaluation sheets"), "evaluation:sheet-list", VIEW_SHEETS, order=10),
    NavItem(
        "evaluation", _("Import a past sheet"), "evaluation:sheet-import", EDIT_SHEETS, order=30
    ),
)
