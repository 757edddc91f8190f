from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClusterportalConfig(AppConfig):
    name = "clusterportal"
    verbose_name = _("Clusterportal")

    def ready(self):
        from clusterportal import signals

        signals.connect()
