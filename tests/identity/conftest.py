"""The consent tests' parties (a consumer, a provider, citizens), for the notification tests."""

from ..consent.conftest import (  # noqa: F401  (pytest finds fixtures by name in this module)
    asha,
    consumer,
    provider,
    ravi,
    records,
)
from .test_otp import smtp  # noqa: F401  (the real SMTP server)
