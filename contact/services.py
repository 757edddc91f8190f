"""Writes of the contact app: sending an enquiry, blocking a sender, purging old messages."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from post_office.models import Email

from .mail import mail_queue
from .models import BlockedSender, Enquiry
from .selectors import Recipient


class EnquiryRefused(Exception):
    """The enquiry is not sent; ``str(error)`` is the message for the sender."""


class EnquiryDuplicate(Exception):
    """This form was sent before: its message is queued already and is not sent again."""


@transaction.atomic
def enquiry_send(
    *,
    recipient: Recipient,
    sender_name: str,
    sender_email: str,
    subject: str,
    message: str,
    token: str,
    page_url: str,
    language: str | None = None,
) -> Enquiry:
    """Store the enquiry and queue two mails: the message to the recipient's stored address
    (Reply-To: the sender) and a confirmation to the sender that names neither the address
    nor anything the sender typed (the portal must not carry a stranger's text to whatever
    address was entered). Refused for a blocked sender; a second use of ``token`` (the form
    sent twice) raises ``EnquiryDuplicate`` and queues nothing."""
    if BlockedSender.objects.blocking(sender_email).exists():
        raise EnquiryRefused(
            _("Über das Portal können von dieser Adresse keine Nachrichten gesendet werden.")
        )
    try:
        with transaction.atomic():
            enquiry = Enquiry.objects.create(
                sender_name=sender_name,
                sender_email=sender_email,
                subject=subject,
                message=message,
                token=token,
                **recipient.enquiry_fields(),
            )
    except IntegrityError as error:
        if Enquiry.objects.filter(token=token).exists():
            raise EnquiryDuplicate from error
        raise
    context = {
        "enquiry": enquiry,
        "recipient_name": recipient.name,
        "page_url": page_url,
        "retention_days": settings.CONTACT_RETENTION_DAYS,
    }
    enquiry.mail = mail_queue(
        to=recipient.address(),
        subject_template="contact/mail/enquiry_subject.txt",
        body_template="contact/mail/enquiry.txt",
        context=context,
        language="de",  # the organisations are in Thuringia
        reply_to=(sender_name, sender_email),
    )
    enquiry.confirmation = mail_queue(
        to=sender_email,
        subject_template="contact/mail/confirmation_subject.txt",
        body_template="contact/mail/confirmation.txt",
        context=context,
        language=language or get_language() or "de",
    )
    enquiry.save(update_fields=["mail", "confirmation"])
    return enquiry


@transaction.atomic
def sender_block(*, email: str, reason: str = "", user=None) -> BlockedSender:
    """Block an address (or "@domain"); blocking it again changes nothing."""
    blocked, _created = BlockedSender.objects.get_or_create(
        address=email.strip().lower(),
        defaults={"reason": reason, "created_by": user},
    )
    return blocked


@transaction.atomic
def contact_messages_purge(*, days: int, now=None) -> tuple[int, int]:
    """Delete enquiries older than ``days`` days and every queued or sent mail of that age
    (the portal's mails carry the visitors' messages and addresses). Returns the numbers of
    enquiries and mails deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    enquiries, _details = Enquiry.objects.older_than(cutoff).delete()
    old_mail = Email.objects.filter(created__lt=cutoff)
    mails = old_mail.count()
    # post_office's logs and attachments hang on the mails; delete() takes them along.
    old_mail.delete()
    return enquiries, mails
