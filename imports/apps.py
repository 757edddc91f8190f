from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Importe")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from members.models import Organisation
        from members.signals import organisation_erased
        from networks.models import Membership

        from . import digest
        from .erasure import organisation_erased as clean_import_traces

        organisation_erased.connect(clean_import_traces, dispatch_uid="imports_organisation_erased")
        # Links changed by hand make the next import compare the organisation's row in full.
        for signal in (post_save, post_delete):
            signal.connect(
                digest.forget_membership, sender=Membership, dispatch_uid="imports_digest_m"
            )
        m2m_changed.connect(
            digest.forget_growth_field_links,
            sender=Organisation.growth_fields.through,
            dispatch_uid="imports_digest_gf",
        )
