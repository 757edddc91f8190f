"""Back-office forms of networks."""

from clusterportal.admin_mixins import VersionedAdminForm

from .models import Network


class NetworkAdminForm(VersionedAdminForm):
    """The network's change form: a save on an outdated version is refused."""

    class Meta:
        model = Network
        fields = "__all__"
