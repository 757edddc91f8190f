from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Importe")

    def ready(self):
        from members.signals import organisation_erased

        from .erasure import organisation_erased as clean_import_traces

        organisation_erased.connect(clean_import_traces, dispatch_uid="imports_organisation_erased")
