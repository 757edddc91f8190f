"""Writes of the corrections app: proposing, accepting (all or some fields), rejecting, and
marking a network profile "geprüft"."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from contact.mail import mail_queue

from .choices import ProposalStatus
from .fields import correctable_fields, leg_fields
from .models import CorrectionProposal, ProfileReview


class CorrectionError(Exception):
    """The decision is refused; ``str(error)`` says why."""


class CorrectionConflict(CorrectionError):
    """The entry changed after the proposal was made."""


class ProposalDuplicate(Exception):
    """This form was sent before; its proposal exists already."""


def jsonable(value):
    """A field value as the proposal stores it (JSON): numbers as text, lists as lists."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return value


def form_value(value):
    """A stored value as a form's data: ``None`` is an empty field."""
    return "" if value is None else value


def history_reason(proposal) -> str:
    return f"Korrektur #{proposal.pk}"


@transaction.atomic
def correction_propose(
    *, entry, values: dict, reason: str, proposer_email: str, token: str
) -> CorrectionProposal:
    """Record the fields of ``values`` that differ from the entry as it is now (its
    ``version`` kept as the proposal's base). A field that may not be corrected, or a proposal
    that changes nothing, is refused (``ValidationError``)."""
    model = type(entry)
    allowed = correctable_fields(model)
    refused = sorted(set(values) - set(allowed))
    if refused:
        raise ValidationError(
            _("Diese Felder können nicht korrigiert werden: %(fields)s.")
            % {"fields": ", ".join(refused)},
            code="not_public",
        )
    current = model._default_manager.only("version", *allowed).get(pk=entry.pk)
    changes = {}
    for name, new in values.items():
        old = getattr(current, name)
        if jsonable(old) != jsonable(new) and not (old in (None, "") and new in (None, "")):
            changes[name] = {"old": jsonable(old), "new": jsonable(new)}
    if not changes:
        raise ValidationError(
            _("Ihr Vorschlag ändert nichts: bitte ändern Sie mindestens ein Feld."),
            code="unchanged",
        )
    if CorrectionProposal.objects.filter(token=token).exists():
        raise ProposalDuplicate
    try:
        with transaction.atomic():
            return CorrectionProposal.objects.create(
                changes=changes,
                base_version=current.version,
                touches_leg=bool(set(changes) & leg_fields(model)),
                reason=reason,
                proposer_email=proposer_email,
                token=token,
                **{
                    "organisation" if model._meta.model_name == "organisation" else "network": entry
                },
            )
    except IntegrityError as error:
        raise ProposalDuplicate from error


def _decided(proposal, *, status, user, message, accepted=()):
    proposal.status = status
    proposal.accepted_fields = list(accepted)
    proposal.decision_message = message
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    if accepted:
        proposal.touches_leg = bool(set(accepted) & leg_fields(type(proposal.entry)))
    proposal.save()
    _notify_proposer(proposal)
    return proposal


def _notify_proposer(proposal):
    model = type(proposal.entry)
    labels = {name: str(model._meta.get_field(name).verbose_name) for name in proposal.changes}
    context = {
        "proposal": proposal,
        "entry_name": str(proposal.entry),
        "accepted": [labels[name] for name in proposal.changes if name in proposal.accepted_fields],
        "declined": [
            labels[name] for name in proposal.changes if name not in proposal.accepted_fields
        ],
    }
    mail_queue(
        to=proposal.proposer_email,
        subject_template="corrections/mail/decision_subject.txt",
        body_template="corrections/mail/decision.txt",
        context=context,
        language=get_language() or "de",
    )


def _locked_open(proposal) -> CorrectionProposal:
    proposal = CorrectionProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_open:
        raise CorrectionError(_("Über diesen Vorschlag ist bereits entschieden."))
    return proposal


@transaction.atomic
def correction_accept(*, proposal, fields, user, message: str = "") -> CorrectionProposal:
    """Write the chosen ``fields`` of the proposal to its entry, through the entry's own
    versioned save and history (reason "Korrektur #N", the deciding user), and tell the
    proposer. Refused if the entry changed since the proposal (its version moved on) or if a
    value is no longer valid; then nothing is written."""
    proposal = _locked_open(proposal)
    fields = [name for name in proposal.changes if name in set(fields)]
    if not fields:
        raise CorrectionError(_("Bitte wählen Sie mindestens ein Feld aus."))
    entry = proposal.entry
    model = type(entry)
    entry = model._default_manager.select_for_update().get(pk=entry.pk)
    if entry.version != proposal.base_version:
        raise CorrectionConflict(
            _(
                "Der Eintrag wurde seit dem Vorschlag geändert (Version %(then)s, jetzt "
                "%(now)s); die Korrektur wird nicht übernommen. Prüfen Sie die Felder im "
                "Eintrag selbst und lehnen Sie den Vorschlag mit einer Nachricht ab."
            )
            % {"then": proposal.base_version, "now": entry.version}
        )
    form_class = modelform_factory(model, fields=fields)
    data = {name: form_value(proposal.changes[name]["new"]) for name in fields}
    form = form_class(data=data, instance=entry)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        raise CorrectionError(
            _("Die Korrektur kann nicht übernommen werden: %(problems)s") % {"problems": problems}
        )
    entry = form.save(commit=False)
    entry._change_reason = history_reason(proposal)
    entry._history_user = user
    entry.save()
    status = (
        ProposalStatus.ACCEPTED
        if len(fields) == len(proposal.changes)
        else ProposalStatus.PARTLY_ACCEPTED
    )
    return _decided(proposal, status=status, user=user, message=message, accepted=fields)


@transaction.atomic
def correction_reject(*, proposal, user, message: str) -> CorrectionProposal:
    """Decline the whole proposal with a message to the proposer."""
    proposal = _locked_open(proposal)
    if not message.strip():
        raise CorrectionError(_("Bitte schreiben Sie dem Vorschlagenden, warum Sie ablehnen."))
    return _decided(proposal, status=ProposalStatus.REJECTED, user=user, message=message)


@transaction.atomic
def profile_review_mark(*, network, user) -> ProfileReview:
    """Mark the network's profile "geprüft" now, by ``user``; the profile is not changed."""
    return ProfileReview.objects.create(network=network, reviewed_by=user)
