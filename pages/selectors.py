from core.cache import cached

from .models import PortalContact


def portal_contact() -> PortalContact:
    """The contact details, from the versioned cache (a save in the back office invalidates
    it: ``clusterportal.signals``)."""
    return cached("portal-contact", lambda: PortalContact.objects.load())
