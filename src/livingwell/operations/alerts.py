"""Alerts to staff about work waiting on them: handover offers with no reply past their reply
date, and overdue safety actions. One e-mail a day at most per worker, with counts and a link to
sign in: never a name or anything about a person (an inbox is not a private place)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from livingwell.accounts.models import User
from livingwell.core.messaging import public_url
from livingwell.core.models import SiteConfig
from livingwell.hub.models import Handover
from livingwell.hub.queries import reply_overdue_q
from livingwell.improvement.models import SafetyAction
from livingwell.improvement.queries import overdue_q
from livingwell.notifications import outbox
from livingwell.notifications.models import Message

# Not again within this time of the last alert, whatever the schedule's drift.
QUIET_FOR = timedelta(hours=20)


def waiting_work(now) -> dict[int, tuple[int, int]]:
    """Active workers with work waiting: user id -> (handovers with no reply, overdue actions)."""
    today = timezone.localdate(now)
    handovers = Counter(
        dict(
            Handover.objects.filter(reply_overdue_q(now), owner__is_active=True)
            .values_list("owner")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    actions = Counter(
        dict(
            SafetyAction.objects.filter(overdue_q(today), owner__is_active=True)
            .values_list("owner")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    return {user: (handovers[user], actions[user]) for user in handovers | actions}


def alert_text(site_name: str, handovers: int, actions: int) -> tuple[str, str]:
    lines = []
    if handovers:
        lines.append(
            ngettext(
                "%(n)s handover you offered has had no reply by its reply date.",
                "%(n)s handovers you offered have had no reply by their reply date.",
                handovers,
            )
            % {"n": handovers}
        )
    if actions:
        lines.append(
            ngettext(
                "%(n)s safety action you own is overdue.",
                "%(n)s safety actions you own are overdue.",
                actions,
            )
            % {"n": actions}
        )
    lines.append(_("Sign in to see them: %(url)s") % {"url": public_url(reverse("hub:board"))})
    return _("%(site)s: work waiting for you") % {"site": site_name}, "\n\n".join(lines)


def send_due_alerts(now=None) -> int:
    """Send each worker with work waiting one alert (unless they had one lately); returns how
    many were queued."""
    now = now or timezone.now()
    site = SiteConfig.current()
    recently = set(
        Message.objects.filter(
            kind=Message.Kind.WORK_ALERT, created_at__gte=now - QUIET_FOR
        ).values_list("recipient_user", flat=True)
    )
    sent = 0
    work = waiting_work(now)
    for user in User.objects.filter(pk__in=work).exclude(pk__in=recently).exclude(email=""):
        handovers, actions = work[user.pk]
        subject, body = alert_text(site.name, handovers, actions)
        outbox.send(
            by=None,
            kind=Message.Kind.WORK_ALERT,
            channel=Message.Channel.EMAIL,
            to=user.email,
            subject=subject,
            body=body,
            personalisation={
                "site_name": site.name,
                "handovers": handovers,
                "safety_actions": actions,
                "link": public_url(reverse("hub:board")),
            },
            recipient_user=user,
            at=now,
        )
        sent += 1
    return sent
