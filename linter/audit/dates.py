"""Dates in the audit: `--since`/`--until` values, the report's ISO stamps, week and month keys.

Git accepts commit dates that Python's `datetime` cannot hold; every conversion here clamps to
gitio.TIMESTAMP_MIN..TIMESTAMP_MAX first.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

from linter import gitio
from linter.errors import CtxlintError

_RELATIVE = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s+ago\s*$", re.IGNORECASE)


def parse_date(text: str, option: str = "--since", now: float | None = None) -> int:
    """A Unix timestamp from an ISO date (start of that day, UTC), an ISO datetime or `N days ago`.

    A date beyond what a commit can carry here (`10000000000 days ago`) is clamped to the nearest
    end of gitio.TIMESTAMP_MIN..TIMESTAMP_MAX, which selects the same commits.
    """
    value = text.strip()
    m = _RELATIVE.match(value)
    if m:
        digits = m.group(1).lstrip("0") or "0"
        if len(digits) > 15:  # past the start of time whatever the unit; int() may refuse the digits
            return gitio.TIMESTAMP_MIN
        days = int(digits) * {"day": 1, "week": 7, "month": 30, "year": 365}[m.group(2).lower()]
        return _clamp(int(time.time() if now is None else now) - days * 86400)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            raise CtxlintError(f"{option} {value!r}: not a valid date") from None
        return _clamp(int(day.timestamp()))
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
    except ValueError:
        raise CtxlintError(
            f"{option} {value!r}: expected a date (2026-01-31), a date and time "
            "(2026-01-31T09:00:00+01:00) or 'N days ago'"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return _clamp(int(moment.timestamp()))


def _clamp(stamp: int) -> int:
    return max(gitio.TIMESTAMP_MIN, min(stamp, gitio.TIMESTAMP_MAX))


def iso(timestamp: int | None) -> str | None:
    """`YYYY-MM-DDTHH:MM:SSZ` (four-digit years, also before 1000), or None."""
    if timestamp is None:
        return None
    t = datetime.fromtimestamp(_clamp(timestamp), timezone.utc)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


_DAY_KEYS: dict[int, tuple[str, str]] = {}


def period_keys(timestamp: int) -> tuple[str, str]:
    """(ISO week `YYYY-Www`, month `YYYY-MM`) of a timestamp, in UTC; memoised per day."""
    day = timestamp // 86400
    keys = _DAY_KEYS.get(day)
    if keys is None:
        moment = datetime.fromtimestamp(_clamp(day * 86400), timezone.utc)
        year, week, _ = moment.isocalendar()
        keys = _DAY_KEYS[day] = (f"{year:04d}-W{week:02d}", f"{moment.year:04d}-{moment.month:02d}")
    return keys
