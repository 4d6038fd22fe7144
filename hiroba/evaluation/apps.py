from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """The annual evaluation (単年度事業評価) that each hub and its ward publish: sheets per hub and
    fiscal year with their key goals (重点目標), the actions logged against them during the year,
    indicators computed from every program's data, the joint review with the ward and the
    published PDF. It reads the domain apps and nothing imports it."""

    name = "hiroba.evaluation"
    label = "evaluation"
    verbose_name = _("Annual evaluation")

    def ready(self) -> None:
        from hiroba.evaluation import dashboard, rules  # noqa: F401 - card, form wording
