"""sitemap.xml: every public page in German and English, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from events.models import Event
from growthfields.models import GrowthField
from members.models import Organisation
from networks.models import Network


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(PortalSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "growthfields:list",
            "networks:list",
            "members:list",
            "events:list",
            "events:archive",
            "compare",
            "imprint",
            "privacy",
            "accessibility",
            "easy_language",
            "sign_language",
        ]

    def location(self, item):
        return reverse(item)


class GrowthFieldSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self):
        return GrowthField.objects.order_by("sort_order", "pk")


class NetworkSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self):
        return Network.objects.order_by("pk")


class OrganisationSitemap(PortalSitemap):
    changefreq = "monthly"
    limit = 20_000  # two languages each: below the 50,000 addresses a sitemap file may hold

    def items(self):
        return Organisation.objects.public().only("pk", "updated_at").order_by("pk")

    def lastmod(self, organisation):
        return organisation.updated_at


class EventSitemap(PortalSitemap):
    changefreq = "weekly"
    limit = 20_000

    def items(self):
        return Event.objects.public().only("pk", "updated_at").order_by("pk")

    def lastmod(self, event):
        return event.updated_at


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "growthfields": GrowthFieldSitemap,
    "networks": NetworkSitemap,
    "members": OrganisationSitemap,
    "events": EventSitemap,
}
