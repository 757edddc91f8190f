from django import template

from contact.selectors import has_contact_address

register = template.Library()


@register.simple_tag
def can_contact(organisation=None, network=None) -> bool:
    """Does the entry have an address for "Kontakt aufnehmen"? The address stays unread."""
    return has_contact_address(organisation=organisation, network=network)
