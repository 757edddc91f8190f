from django.db import models


class OrganisationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def get_by_natural_key(self, leg_id):
        return self.get(leg_id=leg_id)
