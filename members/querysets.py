from django.db import connections, models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When

from core.collation import german_order

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

    def _without_words(self, query):
        """A query without a letter or digit is no search (all rows); one of stop words alone
        finds nothing."""
        return self if not query.raw else self.none()

    def search(self, text):
        """Organisations whose name, town or keywords hold every word of ``text``, or whose WZ
        division's title does (see members/search.py). No words (only punctuation): all rows;
        only stop words: none."""
        query = directory_search.Query(text)
        if not query:
            return self._without_words(query)
        if connections[self.db].vendor == "postgresql":
            match = Q(directory_search.postgres_match(query))
        else:
            match = Q(pk__in=directory_search.sqlite_ids(query.fts5()))
        for division in query.wz_divisions():
            match |= Q(wz_code__gte=division, wz_code__lt=f"{int(division) + 1:02d}")
        return self.filter(match)

    def search_similar(self, text):
        """Organisations with words spelled like those of ``text``: for a typo ("Lasrbau",
        "Präzisionstechnk") when ``search`` found nothing. Each query word is replaced by the
        indexed words spelled most like it, then searched as ``search`` does. Annotates
        ``relevance`` (the tiers of ``order_by_relevance``)."""
        query = directory_search.Query(text)
        if not query:
            return self._without_words(query)
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            groups = directory_search.postgres_similar_groups(connection, query)
            if not groups:
                return self.none()
            return self.filter(directory_search.postgres_match(query, stems=groups)).annotate(
                relevance=directory_search.postgres_relevance(query, groups)
            )
        groups = directory_search.sqlite_similar_groups(connection, query)
        if not groups:
            return self.none()
        return self.filter(pk__in=directory_search.sqlite_ids(query.fts5(stems=groups))).annotate(
            relevance=directory_search.sqlite_relevance(query, groups)
        )

    def relevance_tiers(self, text):
        """On PostgreSQL: these rows of the best tiers (exact name, name, town), one queryset
        each, every one served by an index of its own (``members.search.postgres_tiers``);
        elsewhere, or without words, none."""
        query = directory_search.Query(text)
        if not query or connections[self.db].vendor != "postgresql":
            return []
        return [self.filter(condition) for condition in directory_search.postgres_tiers(query)]

    def order_by_relevance(self, text):
        """Best matches first (on both databases: the name is the query, the name holds every
        word, the town does, the rest), then in German name order."""
        query = directory_search.Query(text)
        if not query:
            return self
        if "relevance" not in self.query.annotations:
            if connections[self.db].vendor == "postgresql":
                relevance = directory_search.postgres_relevance(query)
            else:
                relevance = directory_search.sqlite_relevance(query)
            self = self.annotate(relevance=relevance)
        return self.order_by("-relevance", german_order("name"), "pk")
