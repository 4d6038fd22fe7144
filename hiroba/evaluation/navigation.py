from django.utils.translation import gettext_lazy as _

from hiroba.core.navigation import NavItem, register
from hiroba.evaluation.permissions import APPROVE_FOR_OPERATOR, VIEW_SHEETS

register(
    NavItem("evaluation", _("Evaluation sheets"), "evaluation:sheet-list", VIEW_SHEETS, order=10),
    NavItem(
        "evaluation",
        _("Import a past sheet"),
        "evaluation:sheet-import",
        APPROVE_FOR_OPERATOR,
        order=30,
    ),
    NavItem("evaluation", _("5-year term review"), "evaluation:term-review", VIEW_SHEETS, order=20),
)
