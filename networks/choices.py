from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkKind(models.TextChoices):
    NETWORK = "netzwerk", _("Netzwerk / Clusterinitiative")
    ALLIANCE = "allianz", _("Allianz von Netzwerken")


class MembershipRole(models.TextChoices):
    MEMBER = "mitglied", _("Mitglied")
    PARTNER = "partner", _("Partner")
