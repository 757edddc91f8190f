from django.db import models

from core.models import build_name_index


class SourceQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class GrowthFieldQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def top_level(self):
        return self.filter(parent__isnull=True)

    def name_index(self):
        """Normalised name or alias -> growth field id, for matching spreadsheet spellings."""
        from growthfields.models import GrowthFieldAlias

        return build_name_index(
            self.values_list("pk", "name", "name_en", "short_name"),
            GrowthFieldAlias.objects.filter(growth_field__in=self).values_list(
                "growth_field_id", "normalized_name"
            ),
        )


class KeyFigureQuerySet(models.QuerySet):
    def series(self):
        """Oldest point first, so a figure's values read as a time series."""
        return self.select_related("source").order_by("metric", "reference_date", "source__title")
