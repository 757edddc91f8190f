from django.db import models
from django.utils.translation import gettext_lazy as _


class EventStatus(models.TextChoices):
    """Where an event stands. Drafts are never public; a cancelled event stays visible, marked."""

    DRAFT = "entwurf", _("Entwurf")
    PUBLISHED = "veroeffentlicht", _("veröffentlicht")
    CANCELLED = "abgesagt", _("abgesagt")
    POSTPONED = "verschoben", _("verschoben")

    @classmethod
    def public(cls):
        return (cls.PUBLISHED, cls.CANCELLED, cls.POSTPONED)


class EventLanguage(models.TextChoices):
    GERMAN = "de", _("Deutsch")
    ENGLISH = "en", _("Englisch")
    BOTH = "de-en", _("Deutsch und Englisch")


class EventFormat(models.TextChoices):
    """Derived from the place and the online link (a hybrid event is both)."""

    ON_SITE = "vor-ort", _("vor Ort")
    ONLINE = "online", _("online")
