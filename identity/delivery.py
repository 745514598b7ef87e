"""Sending a one-time code or a notification: e-mail through Django's e-mail framework
(EMAIL_URL: SMTP in production, the console or a file in development), SMS through an HTTP
gateway (SUCHI_SMS_GATEWAY_URL), in the citizen's language. The gateway receives

    POST <SUCHI_SMS_GATEWAY_URL>
    Content-Type: application/json
    {"to": "+919876543210", "message": "…", "purpose": "otp", "language": "en"}

and answers 2xx when it has taken the message (docs/identity.md). It is called through the
SSRF guard like every other address Suchi fetches (an operator lists an internal gateway in
SUCHI_SOURCE_ALLOWLIST)."""

import json

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import ServiceError
from registry.sources import fetch

from . import models as limits
from .models import IdentifierKind


class DeliveryFailed(ServiceError):
    """The code could not be sent now; nothing was counted against the citizen."""

    status_code = 503


def _message(code: str, language: str) -> tuple[str, str]:
    minutes = max(1, limits.OTP_TTL // 60)
    with translation.override(language):
        subject = _("Your Suchi code")
        body = _(
            "Your Suchi code is %(code)s. It is valid for %(minutes)d minutes. Do not share it: "
            "Suchi never asks for it."
        ) % {"code": code, "minutes": minutes}
    return subject, body


def send_code(kind: str, value: str, code: str, *, language: str = "en") -> None:
    """Send the code, or raise DeliveryFailed."""
    subject, body = _message(code, language)
    if kind == IdentifierKind.EMAIL:
        send_email(value, subject, body, language=language)
        return
    if not settings.SUCHI_SMS_GATEWAY_URL:
        raise ServiceError(  # the client's to fix (use e-mail), not a failure: a 400
            "This Suchi sends no SMS (no SMS gateway is configured): use an e-mail address.",
            field="identifier",
        )
    send_sms(value, body, language, purpose="otp")


def send_email(to: str, subject: str, body: str, *, language: str = "en") -> None:
    """Send one plain-text e-mail tagged with its language, or raise DeliveryFailed."""
    message = EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers={"Content-Language": language},
    )
    try:
        message.send(fail_silently=False)
    except OSError as exc:
        raise DeliveryFailed(f"The e-mail could not be sent ({exc}); try again.") from None


def send_sms(to: str, message: str, language: str, *, purpose: str = "notification") -> None:
    """POST one message to the SMS gateway, or raise DeliveryFailed (also when no gateway is
    configured)."""
    gateway = settings.SUCHI_SMS_GATEWAY_URL
    if not gateway:
        raise DeliveryFailed("No SMS gateway is configured.")
    payload = {"to": to, "message": message, "purpose": purpose, "language": language}
    result = fetch(
        gateway,
        method="POST",
        body=json.dumps(payload, ensure_ascii=False).encode(),
        max_bytes=4096,
        max_redirects=0,
        total_timeout=settings.SUCHI_WEBHOOK_TIMEOUT,
        extra_headers={"Content-Type": "application/json"},
    )
    if result.status is None or not 200 <= result.status < 300:
        problem = result.unsafe or result.error or f"HTTP {result.status}"
        raise DeliveryFailed(f"The SMS could not be sent ({problem}); try again.")
