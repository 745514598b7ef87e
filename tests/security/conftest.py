"""The consent fixtures (a consumer, a provider, Asha, her granted request), shared with the
consent tests so the probe's consent findings are reproduced on the same world."""

from ..consent.conftest import (  # noqa: F401  (pytest finds fixtures by name in this module)
    asha,
    asha_api,
    consumer,
    granted,
    pending,
    provider,
    records,
)
