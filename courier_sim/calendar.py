"""The shipping calendar: weekdays, Double 11, 618 and the Spring Festival.

A courier's year breathes: the 618 and Double 11 (双十一) shopping festivals
swell volumes, the Spring Festival (春节) empties the network while staff go
home. These pure functions return multipliers for any date; the engine
applies them per customer group.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

# Lunar New Year's Day (Chinese calendar), 2000-2037.
SPRING_FESTIVAL = {
    2000: date(2000, 2, 5), 2001: date(2001, 1, 24), 2002: date(2002, 2, 12), 2003: date(2003, 2, 1),
    2004: date(2004, 1, 22), 2005: date(2005, 2, 9), 2006: date(2006, 1, 29), 2007: date(2007, 2, 18),
    2008: date(2008, 2, 7), 2009: date(2009, 1, 26), 2010: date(2010, 2, 14), 2011: date(2011, 2, 3),
    2012: date(2012, 1, 23), 2013: date(2013, 2, 10), 2014: date(2014, 1, 31), 2015: date(2015, 2, 19),
    2016: date(2016, 2, 8), 2017: date(2017, 1, 28), 2018: date(2018, 2, 16), 2019: date(2019, 2, 5),
    2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
    2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3), 2031: date(2031, 1, 23),
    2032: date(2032, 2, 11), 2033: date(2033, 1, 31), 2034: date(2034, 2, 19), 2035: date(2035, 2, 8),
    2036: date(2036, 1, 28), 2037: date(2037, 2, 15),
}

# (first offset, last offset, volume factor, capacity factor) around Lunar New Year's Day.
_FESTIVAL_PHASES = (
    (-14, -8, 0.85, 1.0),   # factories and offices wind down
    (-7, -3, 0.50, 0.55),   # couriers start going home
    (-2, 6, 0.20, 0.22),    # the holiday week
    (7, 12, 0.50, 0.45),    # staff trickle back
    (13, 18, 0.80, 0.80),
)


def dates(start: date, days: int) -> list[date]:
    return [start + timedelta(days=d) for d in range(days)]


def festival_factors(day: date) -> tuple[float, float]:
    """(volume factor, capacity factor) for the Spring Festival on this date."""
    for year in (day.year, day.year + 1):
        offset = (day - SPRING_FESTIVAL[year]).days
        for first, last, volume, capacity in _FESTIVAL_PHASES:
            if first <= offset <= last:
                return volume, capacity
    return 1.0, 1.0


def shopping_peak(day: date) -> float:
    """How much an online-shopping-driven sender's volume is lifted (1 = normal).

    Double 11 collections peak on 11 Nov (1.87x a normal day industry-wide in
    2023, with individual sellers far above the average); 618 is smaller.
    """
    m, d = day.month, day.day
    if m == 11 and d == 11:
        return 3.0
    if m == 11 and 1 <= d <= 10:
        return 1.6
    if m == 11 and 12 <= d <= 14:
        return 1.5
    if m == 10 and d >= 21:
        return 1.25
    if m == 6 and d == 18:
        return 2.0
    if m == 6 and 1 <= d <= 17:
        return 1.2
    return 1.0


def in_peak_season(day: date) -> bool:
    """The Double 11 season (21 Oct - 15 Nov), when extra capacity is hired."""
    return (day.month == 10 and day.day >= 21) or (day.month == 11 and day.day <= 15)


def day_factors(start: date, days: int) -> dict[str, np.ndarray]:
    """Per-day arrays the engine needs: weekday, shopping peak, festival factors."""
    ds = dates(start, days)
    festival = np.array([festival_factors(d) for d in ds])
    weekday = np.array([d.weekday() for d in ds])
    return {
        "weekday": weekday,
        "business_day": np.cumsum(weekday < 5),
        "peak": np.array([shopping_peak(d) for d in ds]),
        "festival_volume": festival[:, 0],
        "festival_capacity": festival[:, 1],
        "peak_season": np.array([in_peak_season(d) for d in ds]),
    }


def season_events(start: date, days: int) -> list[tuple[str, date, date, str]]:
    """Named seasons inside the run, for the events table: (kind, start, end, detail)."""
    end = start + timedelta(days=days - 1)
    found = []
    for year in range(start.year, end.year + 1):
        sf = SPRING_FESTIVAL[year]
        found.append(("spring_festival", sf - timedelta(days=7), sf + timedelta(days=12),
                      "Spring Festival (春节): volume and staffing drop"))
        found.append(("double11", date(year, 10, 21), date(year, 11, 14),
                      "Double 11 (双十一) shopping season, peak on 11 Nov"))
        found.append(("618", date(year, 6, 1), date(year, 6, 18), "618 mid-year shopping festival"))
    return [e for e in found if e[2] >= start and e[1] <= end]
