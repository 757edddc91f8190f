from django.db import connections, models
from django.db.models import Exists, OuterRef, Q

from core.collation import german_order

from . import search as directory_search


class OrganisationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def get_by_natural_key(self, leg_id):
        return self.get(leg_id=leg_id)

    def for_directory(self):
        """Published organisations with what a directory row shows (networks in one query)."""
        from networks.models import Membership

        return (
            self.published()
            .defer("phone", "email", "street", "keywords", "created_at", "search_vector")
            .prefetch_related(
                models.Prefetch(
                    "memberships",
                    queryset=Membership.objects.current().select_related("network"),
                    to_attr="current_memberships",
                )
            )
        )

    def in_network(self, network):
        """Current members of a network."""
        from networks.models import Membership

        return self.filter(
            Exists(
                Membership.objects.current().filter(network=network, organisation=OuterRef("pk"))
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
        "Präzisionstechnk") when ``search`` found nothing. Annotates ``relevance``."""
        query = directory_search.Query(text)
        if not query:
            return self._without_words(query)
        if connections[self.db].vendor == "postgresql":
            condition, score = directory_search.postgres_similar(connections[self.db], query)
            if condition is None:
                return self.none()
            return self.filter(condition).annotate(relevance=score)
        groups = directory_search.sqlite_similar_groups(connections[self.db], query)
        if not groups:
            return self.none()
        return self.filter(pk__in=directory_search.sqlite_ids(query.fts5(stems=groups))).annotate(
            relevance=directory_search.sqlite_relevance(query, groups)
        )

    def order_by_relevance(self, text):
        """Best matches first (on both databases: the name is the query, the name holds every
        word, the town does, the rest; for similar spellings their similarity), then in German
        name order."""
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
