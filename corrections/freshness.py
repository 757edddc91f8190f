"""Selectors of the "Aktualität" page: what is older than the limits in settings
(``FRESHNESS_*``), each with the back-office address where it is fixed."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from growthfields.models import KeyFigure
from members.models import Organisation
from networks.scoping import (
    networks_for_user,
    user_has_all_networks,
    user_managed_network_ids,
)

from .models import CorrectionProposal

ORGANISATION_ROWS = 50  # the oldest records listed; the count covers all


def _days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def stale_key_figures():
    """Each growth field's newest figure per metric, where that is older than the limit."""
    cutoff = _days_ago(settings.FRESHNESS_KEY_FIGURE_DAYS)
    return (
        KeyFigure.objects.values("growth_field", "growth_field__name", "metric")
        .annotate(newest=Max("reference_date"))
        .filter(newest__lt=cutoff)
        .order_by("newest", "growth_field__name", "metric")
    )


def stale_member_counts(user):
    """Networks whose newest declared member count is older than the limit, or missing."""
    cutoff = _days_ago(settings.FRESHNESS_MEMBER_COUNT_DAYS)
    return (
        networks_for_user(user)
        .annotate(newest=Max("declared_counts__reference_date"))
        .filter(Q(newest__lt=cutoff) | Q(newest__isnull=True))
        .order_by("newest", "name")
    )


def stale_profiles(user):
    """Networks whose profile was last marked "geprüft" before the limit, or never."""
    cutoff = timezone.now() - timedelta(days=settings.FRESHNESS_PROFILE_REVIEW_DAYS)
    return (
        networks_for_user(user)
        .annotate(last_review=Max("profile_reviews__reviewed_at"))
        .filter(Q(last_review__lt=cutoff) | Q(last_review__isnull=True))
        .order_by("last_review", "name")
    )


def stale_organisations():
    """Organisations whose LEG record date is older than the limit, or missing."""
    cutoff = _days_ago(settings.FRESHNESS_ORGANISATION_RECORD_DAYS)
    return (
        Organisation.objects.filter(Q(record_date__lt=cutoff) | Q(record_date__isnull=True))
        .only("name", "leg_id", "record_date")
        .order_by("record_date", "name")
    )


def open_proposals(user):
    proposals = CorrectionProposal.objects.open().select_related("organisation", "network")
    if not user_has_all_networks(user):
        proposals = proposals.filter(network_id__in=user_managed_network_ids(user))
    return proposals.order_by("created_at")


def undelivered_mail():
    """Mails that failed for good, or are still waiting after FRESHNESS_MAIL_MINUTES."""
    waiting = timezone.now() - timedelta(minutes=settings.FRESHNESS_MAIL_MINUTES)
    return Email.objects.filter(
        Q(status=STATUS.failed)
        | Q(status__in=[STATUS.queued, STATUS.requeued], created__lt=waiting)
    ).order_by("created")


def freshness_counts(user) -> dict:
    """The numbers for the admin index: one query each."""
    counts = {
        "member_counts": stale_member_counts(user).count(),
        "profiles": stale_profiles(user).count(),
        "proposals": open_proposals(user).count(),
    }
    if user.has_perm("growthfields.view_keyfigure"):
        counts["key_figures"] = stale_key_figures().count()
    if user.has_perm("members.view_organisation"):
        counts["organisations"] = stale_organisations().count()
    if user.has_perm("post_office.view_email"):
        counts["mail"] = undelivered_mail().count()
    counts["total"] = sum(counts.values())
    return counts


def admin_url(name, *args, query=""):
    return reverse(f"admin:{name}", args=args) + (f"?{query}" if query else "")
