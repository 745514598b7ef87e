from django.apps import AppConfig
from django.db.models.signals import post_save


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "Citizens' verified identifiers, one-time codes and notifications"

    def ready(self) -> None:
        # consent must not import identity: identity listens to the ledger instead.
        from consent.models import ConsentEvent

        from .guardian_messages import on_ward_event
        from .notifications import on_consent_event

        post_save.connect(
            on_consent_event, sender=ConsentEvent, dispatch_uid="identity-notifications"
        )
        post_save.connect(on_ward_event, sender=ConsentEvent, dispatch_uid="identity-guardians")
