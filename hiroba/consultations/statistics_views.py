"""The consultation statistics page and its downloads, for the current hub or a whole ward
(``areas.StatisticsViews``). Exact counts only for the hub's own consultation team; everyone
else, and every ward-wide view, gets cells under 5 hidden, with the totals that would give them
away. Downloads are audited."""

from __future__ import annotations

from hiroba.consultations import statistics, statistics_export
from hiroba.consultations.areas import StatisticsViews
from hiroba.consultations.permissions import RECORD_CONSULTATIONS, VIEW_CONSULTATION_STATISTICS

consultation_statistics, statistics_download = StatisticsViews(
    permission=VIEW_CONSULTATION_STATISTICS,
    exact_permission=RECORD_CONSULTATIONS,
    template="consultations/statistics.html",
    download_url="consultations:statistics-export",
    compute=statistics.consultation_statistics,
    exporter=statistics_export,
    action="consultations.statistics.exported",
).views()
