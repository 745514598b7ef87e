from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from catalog import feeds as catalog_feeds
from catalog import pages as catalog_pages
from catalog import validate_page
from catalog import views as catalog_views
from catalog.api.ckan_views import CkanAction
from consent.api.views import public as consent_public
from transparency import pages as transparency_pages
from web import urls as web_urls
from web.security import throttled_login

from . import health, metrics

# A 500 caused by the database being unreachable outside a view answers 503 instead.
handler500 = "core.middleware.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path(".well-known/jwks.json", consent_public.jwks_view, name="jwks"),
    # The catalogue's read endpoints come first; the rest of /api/v1/ is the registry's.
    path("api/v1/", include("catalog.api.urls")),
    path("api/v1/", include("consent.api.urls")),
    path("api/v1/", include("exchange.api.urls")),
    path("api/v1/", include("identity.api.urls")),
    path("api/v1/", include("rights.api.urls")),
    path("api/v1/", include("rights.api.records_urls")),
    path("api/v1/", include("harvest.api.urls")),
    path("api/v1/", include("transparency.api.urls")),
    path("api/v1/", include("registry.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # A page only: its OPTIONS answer, rendered through the page's template, was a 500.
        SpectacularSwaggerView.as_view(url_name="api-schema", http_method_names=["get", "head"]),
        name="api-docs",
    ),
    path("api/3/action/<str:action>", CkanAction.as_view(), name="ckan-action"),
    path("api/action/<str:action>", CkanAction.as_view(), name="ckan-action-short"),
    path("catalog.ttl", catalog_views.catalog, {"fmt": "ttl"}, name="catalog-ttl"),
    path("catalog.jsonld", catalog_views.catalog, {"fmt": "jsonld"}, name="catalog-jsonld"),
    path("datasets/<uuid:pk>.ttl", catalog_views.dataset, {"fmt": "ttl"}, name="dataset-ttl"),
    path(
        "datasets/<uuid:pk>.jsonld", catalog_views.dataset, {"fmt": "jsonld"}, name="dataset-jsonld"
    ),
    path("datasets/<uuid:pk>", catalog_views.dataset, name="dataset-page"),
    path("catalog", catalog_views.catalog_negotiated, name="catalog"),
    path("catalog.rdf", catalog_views.catalog, {"fmt": "rdf"}, name="catalog-rdf"),
    path("datasets/<uuid:pk>.rdf", catalog_views.dataset, {"fmt": "rdf"}, name="dataset-rdf"),
    path(
        "datasets/<uuid:pk>/croissant.jsonld",
        catalog_views.dataset_croissant,
        name="dataset-croissant",
    ),
    path("data.json", catalog_views.data_json, name="data-json"),
    # robots.txt, /sitemap.xml and /sitemaps/…: declared beside their views.
    path("", include("catalog.sitemaps")),
    path("", include("exchange.pages")),
    path("distributions/<uuid:pk>", catalog_views.distribution, name="distribution-page"),
    path(
        "distributions/<uuid:pk>/schema.json",
        catalog_views.distribution_schema,
        name="distribution-schema",
    ),
    path("places/IN-<str:code>", catalog_views.place, name="place-page"),
    # --- public catalogue pages (HTML) ---
    path("", catalog_pages.home, name="home"),
    path("datasets", catalog_pages.dataset_list, name="dataset-list-page"),
    path("institutions", catalog_pages.institution_list, name="institution-list-page"),
    path("institutions/<slug:slug>", catalog_views.institution, name="institution-page"),
    # Atom feeds of new and updated datasets, beside the pages they follow.
    path("feeds/datasets.atom", catalog_feeds.catalogue_feed, name="datasets-feed"),
    path(
        "institutions/<slug:slug>/datasets.atom",
        catalog_feeds.institution_feed,
        name="institution-datasets-feed",
    ),
    path("themes/<str:code>/datasets.atom", catalog_feeds.theme_feed, name="theme-datasets-feed"),
    path("validate", validate_page.validate, name="validate-page"),
    path("stats", transparency_pages.stats, name="stats-page"),
    path("quality", transparency_pages.quality, name="quality-page"),
    path(
        "quality/<slug:slug>", transparency_pages.quality_publisher, name="quality-publisher-page"
    ),
    # --- end of public catalogue pages ---
    # --- the citizen portal and the institution console (HTML) ---
    path("portal/", include(web_urls.portal_urls)),
    path("console/", include(web_urls.console_urls)),
    path("", include("web.urls")),
    path("admin/login/", throttled_login(admin.site.login), name="admin-login"),
    path("admin/", admin.site.urls),
]
