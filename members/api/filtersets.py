from members import filtersets
from networks.models import Network


class OrganisationFilterSet(filtersets.OrganisationFilterSet):
    """The member directory's filters, unchanged: the same parameters give the same rows as on
    the directory's pages. Only the types of the parameters the OpenAPI schema cannot guess from
    a filter method are declared here (``network`` is a slug, ``wz`` a two-digit code)."""

    def filter_network(self, queryset, name, value: Network):
        return super().filter_network(queryset, name, value)

    def filter_wz_division(self, queryset, name, value: str):
        return super().filter_wz_division(queryset, name, value)
