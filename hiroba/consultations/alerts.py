"""Telling the hub manager that a consultation record was opened by break-glass.

The e-mail names the record number, who opened it and when, never the reason or the content
(mail leaves our control); the manager reads the reason on the access review page. Sent after
commit; a failed send is logged and the opening stays on the review page as unacknowledged.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hiroba.accounts.choices import Role
from hiroba.accounts.queries import memberships_covering
from hiroba.consultations.models import BreakGlassOpening

logger = logging.getLogger(__name__)


def manager_emails(hub) -> list[tuple[str, str]]:
    """(e-mail, language) of the active managers of the hub and of its main hub."""
    rows = (
        memberships_covering(hub)
        .filter(role=Role.HUB_MANAGER, user__is_active=True)
        .values_list("user__email", "user__language")
        .distinct()
    )
    return sorted(set(rows))


def tell_managers_of_break_glass(opening_id: int) -> int:
    opening = BreakGlassOpening.objects.select_related("consultation", "hub", "user").get(
        pk=opening_id
    )
    sent = 0
    for email, language in manager_emails(opening.hub):
        with translation.override(language or settings.LANGUAGE_CODE):
            subject = _("[Hiroba] A consultation record was opened by break-glass")
            body = _(
                "%(who)s opened consultation record %(case)s at %(hub)s on %(when)s without "
                "need-to-know access, stating a reason.\n\n"
                "Please read the reason and acknowledge the opening on the access review page:\n"
                "%(path)s\n"
            ) % {
                "who": opening.user.full_name or opening.user.email,
                "case": opening.consultation.reference,
                "hub": opening.hub.name,
                "when": timezone.localtime(opening.opened_at).strftime("%Y-%m-%d %H:%M"),
                "path": settings.HIROBA_PUBLIC_URL + reverse("consultations:access-review"),
            }
        try:
            send_mail(subject, body, None, [email])
            sent += 1
        except Exception:  # the opening stays unacknowledged on the review page
            logger.exception("Could not send the break-glass alert for opening %s", opening_id)
    return sent
