"""Office statistics for a day or a range of days: queue figures from the event log, citizen
ratings and dossier hand-back punctuality. Plain Python (no Qt); it writes nothing but its own
cache of settled days' queue figures and of what archived years' dossiers count for
(`stats_days`, kiosk/stats/days.py and results.py).

    from kiosk.stats import office_stats
    stats = office_stats(db, date(2026, 3, 2), date(2026, 3, 6), "Asia/Ho_Chi_Minh")
"""

from kiosk.stats.compute import (
    DossierCounts,
    Durations,
    GroupStats,
    OfficeStats,
    RatingCounts,
    durations,
    office_stats,
    percentile,
)

__all__ = ["DossierCounts", "Durations", "GroupStats", "OfficeStats", "RatingCounts",
           "durations", "office_stats", "percentile"]
