"""The user-support statistics page and its downloads, for the current hub or a whole ward
(``consultations.areas.StatisticsViews``): exact counts only for the hub's own user-support
team, small cells hidden for everyone else and in every ward-wide view; downloads audited."""

from __future__ import annotations

from hiroba.consultations.areas import StatisticsViews
from hiroba.support import statistics, statistics_export
from hiroba.support.permissions import MANAGE_SLOTS, VIEW_SUPPORT_STATISTICS

support_statistics, statistics_download = StatisticsViews(
    permission=VIEW_SUPPORT_STATISTICS,
    exact_permission=MANAGE_SLOTS,
    template="support/statistics.html",
    download_url="support:statistics-export",
    compute=statistics.support_statistics,
    exporter=statistics_export,
    action="support.statistics.exported",
).views()
