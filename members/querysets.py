from django.contrib.postgres.search import SearchRank, TrigramWordSimilarity
from django.db import connections, models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Greatest

from . import search as directory_search


class OrganisationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def public(self):
        """Published organisations, loading only ``Organisation.PUBLIC_FIELDS``: the one
        queryset behind every public page, export, API response and the sitemap."""
        return self.published().only(*self.model.PUBLIC_FIELDS)

    def get_by_natural_key(self, leg_id):
        return self.get(leg_id=leg_id)

    def with_current_memberships(self):
        """Each organisation's current memberships with their networks, in one query, as
        ``current_memberships``. Built per request: "current" means not ended today."""
        from networks.models import Membership

        return self.prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=Membership.objects.current().select_related("network"),
                to_attr="current_memberships",
            )
        )

    def for_directory(self):
        """Public organisations with what a directory row shows (networks in one query)."""
        return self.public().defer("street", "keywords").with_current_memberships()

    def for_public_records(self):
        """Public organisations with every public field, their current networks and growth
        fields (as ``growth_field_list``, in the brochure's order): a detail page, an export
        row or an API record."""
        from growthfields.models import GrowthField

        return (
            self.public()
            .with_current_memberships()
            .prefetch_related(
                models.Prefetch(
                    "growth_fields",
                    queryset=GrowthField.objects.only("name", "name_en", "slug").order_by(
                        "sort_order", "name"
                    ),
                    to_attr="growth_field_list",
                )
            )
        )

    def in_network(self, network, *, with_role=False):
        """Current members of a network; ``with_role`` annotates each with its role there
        (``network_role``, the label in the active language) and since when
        (``network_member_since``, or None)."""
        from networks.choices import MembershipRole
        from networks.models import Membership

        membership = Membership.objects.current().filter(
            network=network, organisation=OuterRef("pk")
        )
        members = self.filter(Exists(membership))
        if not with_role:
            return members
        return members.annotate(
            network_role_value=Subquery(membership.values("role")[:1]),
            network_member_since=Subquery(membership.values("since")[:1]),
        ).annotate(
            network_role=Case(
                *(
                    When(network_role_value=value, then=Value(str(label)))
                    for value, label in MembershipRole.choices
                ),
                default=F("network_role_value"),
                output_field=models.CharField(),
            )
        )

    def with_employees_between(self, lowest, highest):
        if lowest is not None:
            self = self.filter(employees__gte=lowest)
        if highest is not None:
            self = self.filter(employees__lte=highest)
        return self

    def in_wz_division(self, division):
        """WZ codes of one two-digit division ("26" matches "26", "26.5", "26.51"), as a range
        so that the B-tree index on wz_code serves it on every database."""
        following = f"{int(division) + 1:02d}"
        return self.filter(wz_code__gte=division, wz_code__lt=following)

    def search(self, text):
        """Organisations whose name, town or keywords match ``text`` (see members/search.py)."""
        text = directory_search.clean_query(text)
        if not text:
            return self
        if connections[self.db].vendor == "postgresql":
            return self.filter(search_vector=directory_search.search_query(text))
        found = self.annotate(search_document=directory_search.folded_document())
        for word in directory_search.fold(text).split():
            found = found.filter(search_document__contains=word)
        return found

    def search_similar(self, text):
        """Organisations whose name or town contains a word spelled like ``text``: for a typo or
        a word cut short ("Jenoptk", "Elektr") when ``search`` found nothing. PostgreSQL only
        (trigram indexes); elsewhere the same as ``search``."""
        text = directory_search.clean_query(text)
        if not text or connections[self.db].vendor != "postgresql":
            return self.search(text)
        return self.filter(Q(name__trigram_word_similar=text) | Q(town__trigram_word_similar=text))

    def order_by_relevance(self, text):
        """Best matches first: full-text rank and name similarity on PostgreSQL, name matches
        before town and keyword matches on SQLite; then by name."""
        text = directory_search.clean_query(text)
        if not text:
            return self
        if connections[self.db].vendor == "postgresql":
            relevance = Greatest(
                SearchRank(directory_search.search_vector(), directory_search.search_query(text)),
                TrigramWordSimilarity(text, "name"),
            )
        else:
            first_word = directory_search.fold(text).split()[0]
            relevance = Case(
                When(
                    Q(folded_name__startswith=first_word),
                    then=Value(2),
                ),
                When(Q(folded_name__contains=first_word), then=Value(1)),
                default=Value(0),
                output_field=models.IntegerField(),
            )
            self = self.annotate(folded_name=directory_search.Folded(F("name")))
        return self.annotate(relevance=relevance).order_by("-relevance", "name", "pk")
