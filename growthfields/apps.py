from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthfieldsConfig(AppConfig):
    name = "growthfields"
    verbose_name = _("Wachstumsfelder")
