"""Back-office forms of organisations."""

from clusterportal.admin_mixins import VersionedAdminForm

from .models import Organisation


class OrganisationAdminForm(VersionedAdminForm):
    """The organisation's change form: a save on an outdated version is refused."""

    class Meta:
        model = Organisation
        fields = "__all__"
