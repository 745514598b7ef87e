from django.apps import AppConfig


class WebConfig(AppConfig):
    """The citizen portal (/portal/) and the institution console (/console/): HTML over the
    registry and consent services, with no business logic of its own."""

    name = "web"
    verbose_name = "Suchi web"
