import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import AccessibilityFeedback
from .selectors import portal_contact

logger = logging.getLogger(__name__)


def feedback_recipients() -> list[str]:
    """``settings.PORTAL_STAFF_EMAIL``, or else the contact's address for barrier reports."""
    recipients = list(getattr(settings, "PORTAL_STAFF_EMAIL", []) or [])
    if not recipients and portal_contact().accessibility_email:
        recipients = [portal_contact().accessibility_email]
    return recipients


def _notify_staff(feedback: AccessibilityFeedback) -> None:
    recipients = feedback_recipients()
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("admin:pages_accessibilityfeedback_change", args=[feedback.pk])
        base = getattr(settings, "PORTAL_BASE_URL", "")
        lines = [
            _("Über die Erklärung zur Barrierefreiheit ist eine neue Meldung eingegangen."),
            "",
            f"{_('Betroffene Seite')}: {feedback.page or '–'}",
            f"{_('Name')}: {feedback.name or '–'}",
            f"{_('E-Mail')}: {feedback.email or '–'}",
            "",
            feedback.message,
            "",
            _("Bearbeiten im Back Office:") + f" {base}{path}",
        ]
        subject = _("Clusterportal: neue Meldung einer Barriere")
    try:
        send_mail(subject, "\n".join(lines), None, recipients)
    except OSError:
        # The message is stored; the back office lists it even when the mail cannot go out.
        logger.exception("Die Benachrichtigung über Meldung %s ging nicht hinaus", feedback.pk)


@transaction.atomic
def feedback_submit(
    *, message: str, page: str = "", name: str = "", email: str = "", language: str = ""
) -> AccessibilityFeedback:
    """Store a visitor's report of a barrier and, once it is committed, mail the staff."""
    feedback = AccessibilityFeedback.objects.create(
        message=message, page=page, name=name, email=email, language=language
    )
    transaction.on_commit(lambda: _notify_staff(feedback))
    return feedback
