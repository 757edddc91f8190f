"""Queueing the portal's mail: every message goes into django-post-office's queue (database)
in the running transaction, and ``manage.py send_queued_mail`` delivers it, with retries.
A request that fails rolls its mail back with it, so nothing is sent for a refused request."""

from email.utils import formataddr

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from post_office import mail
from post_office.models import Email


def mail_queue(
    *,
    to: str,
    subject_template: str,
    body_template: str,
    context: dict,
    language: str,
    reply_to: tuple[str, str] | None = None,
) -> Email:
    """Queue one plain-text mail (no HTML part: whatever a visitor typed stays inert text).

    ``reply_to`` is ``(name, address)``; the templates render with autoescaping off, as plain
    text. Subjects are one line.
    """
    with translation.override(language):
        subject = " ".join(render_to_string(subject_template, context).split())
        body = render_to_string(body_template, context)
    headers = {"Reply-To": formataddr(reply_to)} if reply_to else None
    return mail.send(
        recipients=[to],
        sender=settings.DEFAULT_FROM_EMAIL,
        subject=subject,
        message=body,
        headers=headers,
        priority="medium",
    )
