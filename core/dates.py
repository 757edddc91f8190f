"""Reference dates ("Stand") that are known to the day, the month, only the year, or not at all.

A date is stored as a ``DateField`` plus a ``DatePrecision``; the day or month a less precise
date is stored with (``2012-09-01`` for "September 2012") is a placeholder and is never shown,
exported or compared as if it were known: pages show "September 2012", files and the API
``2012-09`` (``iso_reference_date``).
"""

import calendar
import datetime

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Tag")
    MONTH = "month", _("Monat")
    YEAR = "year", _("Jahr")
    NONE = "none", _("ohne Datum")


def format_reference_date(value: datetime.date | None, precision: str) -> str:
    """Show a reference date as precisely as it is known: "2011", "September 2012", "25.02.2009",
    "ohne Datum"."""
    if precision == DatePrecision.NONE:
        return gettext("ohne Datum")
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "SHORT_DATE_FORMAT")


def iso_reference_date(value: datetime.date | None, precision: str) -> str:
    """The date for files and the API, no more precise than it is known: "2012-09-28",
    "2012-09", "2011"; "" for a source without a date."""
    if value is None or precision == DatePrecision.NONE:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def period_end(value: datetime.date | None, precision: str) -> datetime.date:
    """The last day a reference date stands for ("2011" → 31.12.2011); an undated value counts
    as older than every dated one."""
    if value is None or precision == DatePrecision.NONE:
        return datetime.date.min
    if precision == DatePrecision.YEAR:
        return value.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    return value
