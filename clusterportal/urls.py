from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_page
from django.views.generic import TemplateView

from clusterportal import views
from clusterportal.sitemaps import SITEMAPS
from growthfields import views as growthfields_views
from pages import views as pages_views

admin.site.site_header = _("Clusterportal Thüringen – Back Office")
admin.site.site_title = _("Clusterportal Back Office")
admin.site.index_title = _("Verwaltung der Wachstumsfelder, Netzwerke und Mitglieder")

handler500 = "clusterportal.views.server_error"

urlpatterns = [
    # For the load balancer: outside i18n_patterns, never cached, never redirected to HTTPS.
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("clusterportal.api_urls")),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path(
        "sitemap.xml",
        cache_page(60 * 60)(sitemaps_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(60 * 60)(sitemaps_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path(_("wachstumsfelder/"), include("growthfields.urls")),
    path(_("netzwerke/"), include("networks.urls")),
    path(_("mitglieder/"), include("members.urls")),
    path(_("kontakt/"), include("contact.urls")),
    path(_("korrektur/"), include("corrections.urls")),
    path(_("veranstaltungen/"), include("events.urls")),
    path(_("vergleich/"), growthfields_views.CompareView.as_view(), name="compare"),
    path(
        _("vergleich/export/"),
        growthfields_views.CompareExportView.as_view(),
        name="compare_export",
    ),
    path(_("impressum/"), pages_views.ImprintView.as_view(), name="imprint"),
    path(_("datenschutz/"), pages_views.PrivacyView.as_view(), name="privacy"),
    path(_("barrierefreiheit/"), pages_views.AccessibilityView.as_view(), name="accessibility"),
    path(_("leichte-sprache/"), pages_views.EasyLanguageView.as_view(), name="easy_language"),
    path(_("gebaerdensprache/"), pages_views.SignLanguageView.as_view(), name="sign_language"),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
