"""The one rule for a date in a person's record.

A date something happened (a contact, the first conversation, a tier change, a closure, the day a
measure was completed) lies between the day the introduction was received and now. A date
something is planned for (a plan's review date, an action's "by when") lies between the day the
introduction was received and a year from today. A contact dated 0001-01-01 sorted first in
every history and counted in every period; a plan reviewed in 9999 broke the date arithmetic.

Forms call these to put the message beside the field; the actions call them again, so that no
other way in (a command, an import, a test) can store what a form would refuse.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from livingwell.core.refusals import Refused

# A plan looks a year ahead at most: community support is reviewed in weeks or months.
PLANNING_HORIZON = timedelta(days=366)
# Clocks differ a little between the worker's device and the server.
CLOCK_SKEW = timedelta(minutes=5)


class RecordDateError(Refused):
    """A date the record cannot hold, with a message for the person who gave it."""


def _day(value: date) -> str:
    return formats.date_format(value, "j F Y")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _check_not_before(value: date | datetime, received_at: datetime) -> None:
    first_day = timezone.localdate(received_at)
    # Compared as moments, never converted: a far date would overflow the conversion.
    too_early = value < _start_of(first_day) if isinstance(value, datetime) else value < first_day
    if too_early:
        raise RecordDateError(
            _("The date cannot be before the introduction was received, on %(day)s.")
            % {"day": _day(first_day)}
        )


def check_record_date(
    value: date | datetime, *, received_at: datetime, now: datetime | None = None
) -> None:
    """A date something happened: not before the introduction's day, and not after now.

    A datetime may be up to a few minutes ahead of ``now`` (clocks differ); a date may be today.
    """
    now = now or timezone.now()
    if isinstance(value, datetime):
        future = value > now + CLOCK_SKEW
    else:
        future = value > timezone.localdate(now)
    if future:
        raise RecordDateError(_("The date cannot be in the future."))
    _check_not_before(value, received_at)


def latest_planned_day(today: date | None = None) -> date:
    return (today or timezone.localdate()) + PLANNING_HORIZON


def check_planned_date(value: date, *, received_at: datetime, today: date | None = None) -> None:
    """A date something is planned for: not before the introduction's day, and no further ahead
    than a year from today (the real today: a plan written up afterwards looks ahead from now)."""
    last = latest_planned_day(today)
    if value > last:
        raise RecordDateError(
            _("Choose a date no later than %(day)s, a year from today.") % {"day": _day(last)}
        )
    _check_not_before(value, received_at)
