from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("wartet auf den Hintergrundprozess")
    RUNNING = "running", _("läuft im Hintergrund")
    PREVIEW = "preview", _("Vorschau, noch nicht bestätigt")
    DRY_RUN = "dry_run", _("Probelauf (nichts geschrieben)")
    IMPORTED = "imported", _("importiert")
    REFUSED = "refused", _("abgelehnt")
    FAILED = "failed", _("fehlgeschlagen")
    SUPERSEDED = "superseded", _("verworfen")


class RunOrigin(models.TextChoices):
    COMMAND = "command", _("Kommandozeile")
    ADMIN = "admin", _("Back Office")


class Severity(models.TextChoices):
    ERROR = "error", _("Fehler")
    WARNING = "warning", _("Warnung")


class BackgroundJob(models.TextChoices):
    PREVIEW = "preview", _("Vorschau erstellen")
    CONFIRM = "confirm", _("Import schreiben")
