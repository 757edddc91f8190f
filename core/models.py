"""Abstract models shared by the apps."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.text import normalize_name


class VersionedMixin:
    """For models with a ``version`` counter (optimistic locking, see
    ``core.admin.VersionedAdminForm``): every save of an existing row counts
    it up in the database itself (``version + 1``), whoever saves (admin, import-export, shell),
    so a form loaded before any of these saves is recognised as outdated."""

    def save(self, *args, **kwargs):
        counted = not self._state.adding
        if counted:
            self.version = models.F("version") + 1
        super().save(*args, **kwargs)
        if counted:
            # The database knows the new number; it is read back only if someone asks.
            vars(self).pop("version", None)


class TimestampedModel(models.Model):
    """When a row was created and last saved (``auto_now_add`` / ``auto_now``)."""

    created_at = models.DateTimeField(
        verbose_name=_("angelegt"),
        auto_now_add=True,
    )
    updated_at = models.DateTimeField(
        verbose_name=_("geändert"),
        auto_now=True,
    )

    class Meta:
        abstract = True


class VersionedModel(VersionedMixin, models.Model):
    """A model with optimistic locking: the ``version`` counter ``VersionedMixin`` counts up
    and ``core.admin.VersionedAdminForm`` checks. The migrations of the models that had the
    mixin before name ``VersionedMixin`` among their bases, so it stays importable."""

    version = models.PositiveIntegerField(
        verbose_name=_("Version"),
        default=1,
        db_default=1,
        editable=False,
        help_text=_("Zählt jede Änderung; eine Bearbeitung auf älterem Stand wird abgelehnt."),
    )

    class Meta:
        abstract = True


class AliasQuerySet(models.QuerySet):
    def get_by_natural_key(self, normalized_name):
        return self.get(normalized_name=normalized_name)


class AliasBase(models.Model):
    """Another spelling of a name, as it appears in LEG exports ("OPTONET", "MSR")."""

    name = models.CharField(
        verbose_name=_("Schreibweise"),
        max_length=200,
    )
    normalized_name = models.CharField(
        verbose_name=_("normalisierte Schreibweise"),
        max_length=200,
        editable=False,
    )

    objects = AliasQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["normalized_name"],
                name="%(app_label)s_%(class)s_unique_normalized_name",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (normalize_name(self.name),)

    def clean(self):
        super().clean()
        self.normalized_name = normalize_name(self.name)
        if not self.normalized_name:
            raise ValidationError(
                {"name": _("Die Schreibweise enthält keine Buchstaben oder Ziffern.")}
            )
        clash = type(self)._default_manager.filter(normalized_name=self.normalized_name)
        if clash.exclude(pk=self.pk).exists():
            raise ValidationError(
                {"name": _("Diese Schreibweise ist bereits einem anderen Eintrag zugeordnet.")}
            )


@receiver(pre_save)
def alias_normalize(sender, instance, **kwargs):
    """Keep the matching key in step with the name, for fixture (raw) saves too."""
    if isinstance(instance, AliasBase):
        instance.normalized_name = normalize_name(instance.name)


def build_name_index(named_ids, alias_ids):
    """Map normalised names to ids: own names first, aliases only where no own name claims them.

    ``named_ids`` yields ``(id, name, name, …)`` tuples, ``alias_ids`` ``(id, normalized_name)``.
    """
    index = {}
    for pk, normalized in alias_ids:
        index[normalized] = pk
    for pk, *names in named_ids:
        for name in names:
            if name:
                index[normalize_name(name)] = pk
    return index
