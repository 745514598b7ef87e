from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.urls import register_converter

        from .converters import LooseUUIDConverter

        register_converter(LooseUUIDConverter, "anyuuid")
