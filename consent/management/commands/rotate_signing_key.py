from django.core.management.base import BaseCommand

from ...keys import key_file, signing_key_rotate


class Command(BaseCommand):
    help = (
        "Write a new Ed25519 signing key to SUCHI_SIGNING_KEY_FILE and retire the old one. "
        "The old public key stays in /.well-known/jwks.json while artefacts it signed are live "
        "and for SUCHI_SIGNING_KEY_GRACE_DAYS, so nothing issued stops verifying. Web and "
        "worker processes pick the new key up on their next signature."
    )

    def handle(self, *args, **opts):
        old, new = signing_key_rotate()
        if old:
            self.stdout.write(f"Rotated: {old} retired, {new} signs from now on ({key_file()}).")
        else:
            self.stdout.write(f"Created signing key {new} in {key_file()}.")
