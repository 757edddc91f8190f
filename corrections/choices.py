from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("offen")
    ACCEPTED = "accepted", _("übernommen")
    PARTLY_ACCEPTED = "partly", _("teilweise übernommen")
    REJECTED = "rejected", _("abgelehnt")
