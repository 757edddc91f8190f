from django import template
from django.conf import settings

from contact.selectors import has_contact_address

register = template.Library()


@register.simple_tag
def can_contact(organisation=None, network=None) -> bool:
    """Does the entry have an address for "Kontakt aufnehmen"? The address stays unread."""
    return has_contact_address(organisation=organisation, network=network)


@register.simple_tag
def contact_retention_days() -> int:
    """How many days enquiries are kept (for the privacy notice)."""
    return settings.CONTACT_RETENTION_DAYS
