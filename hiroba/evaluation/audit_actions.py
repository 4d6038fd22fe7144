from django.utils.translation import gettext_lazy as _

from hiroba.core.audit import register_actions

register_actions(
    {
        "evaluation.sheet.created": _("Evaluation sheet started"),
        "evaluation.sheet.imported": _("Evaluation sheet imported from a published text"),
        "evaluation.sheet.header_changed": _("Evaluation sheet header edited"),
        "evaluation.sheet.targets_changed": _("Evaluation indicator targets set"),
        "evaluation.goal.saved": _("Evaluation key goal saved"),
        "evaluation.goal.deleted": _("Evaluation key goal deleted"),
        "evaluation.goal.moved": _("Evaluation key goal moved"),
        "evaluation.sheet.submitted": _("Evaluation sheet sent to the ward for review"),
        "evaluation.sheet.approved": _("Evaluation sheet approved"),
        "evaluation.sheet.published": _("Evaluation sheet published"),
        "evaluation.sheet.correction_started": _("Correction of a published evaluation started"),
        "evaluation.comment.added": _("Evaluation review comment added"),
        "evaluation.comment.resolved": _("Evaluation review comment resolved"),
        "evaluation.action.logged": _("Action logged against a key goal"),
        "evaluation.action.deleted": _("Logged action deleted"),
        "evaluation.sheet.exported": _("Evaluation sheet downloaded"),
    }
)
