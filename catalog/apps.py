from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _sqlite_functions(sender, connection, **kwargs):
    """SQLite's search index calls suchi_stem (catalog.search.sqlite) in its triggers."""
    if connection.vendor == "sqlite":
        from .search.sqlite import stemmed

        connection.connection.create_function("suchi_stem", 1, stemmed, deterministic=True)


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
        connection_created.connect(_sqlite_functions, dispatch_uid="catalog-sqlite-functions")
