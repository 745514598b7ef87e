from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search_index(sender, using="default", **kwargs):
    if sender.name != "registry":  # once per migrate, after the registry tables exist
        return
    from django.db import connections

    from .search.sqlite import ensure_index

    ensure_index(connections[using])


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        post_migrate.connect(_ensure_search_index, dispatch_uid="catalog-search-index")
