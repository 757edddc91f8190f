"""Who an enquiry can go to. The address itself is read only by ``Recipient.address()``,
which the sending service calls; pages get the name and the page address, never the e-mail."""

from dataclasses import dataclass

from django.db import models

from members.models import Organisation
from networks.models import Network

ORGANISATION = "organisation"
NETWORK = "network"


@dataclass(frozen=True)
class Recipient:
    """An organisation or network that can be written to through the portal."""

    kind: str
    target: models.Model

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def url(self) -> str:
        return self.target.get_absolute_url()

    @property
    def key(self) -> str:
        """Identifies the recipient in rate limits ("organisation:12")."""
        return f"{self.kind}:{self.target.pk}"

    def address(self) -> str:
        """The stored e-mail address: for the mail, never for a page."""
        if self.kind == ORGANISATION:
            return Organisation.objects.values_list("email", flat=True).get(pk=self.target.pk)
        return Network.objects.values_list("contact_address__email", flat=True).get(
            pk=self.target.pk
        )

    def enquiry_fields(self) -> dict:
        return {self.kind: self.target}


def organisation_recipient(pk) -> Recipient | None:
    """A published organisation with a stored e-mail address, or None."""
    organisation = (
        Organisation.objects.published().exclude(email="").only("name").filter(pk=pk).first()
    )
    return Recipient(ORGANISATION, organisation) if organisation else None


def network_recipient(slug) -> Recipient | None:
    """A network with a contact address (``NetworkContact``), or None."""
    network = (
        Network.objects.filter(slug=slug, contact_address__isnull=False)
        .exclude(contact_address__email="")
        .only("name", "slug")
        .first()
    )
    return Recipient(NETWORK, network) if network else None


def has_contact_address(*, organisation=None, network=None) -> bool:
    """Does the entry have an address enquiries can go to? (One query, nothing shown.)"""
    if organisation:
        return organisation_recipient(organisation.pk) is not None
    if network:
        return network_recipient(network.slug) is not None
    return False
