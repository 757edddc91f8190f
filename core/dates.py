"""Reference dates ("Stand") that are known to the day, the month or only the year."""

import datetime

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Tag")
    MONTH = "month", _("Monat")
    YEAR = "year", _("Jahr")


def format_reference_date(value: datetime.date | None, precision: str) -> str:
    """Show a reference date as precisely as it is known: "2011", "September 2012", "25.02.2009"."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "SHORT_DATE_FORMAT")
