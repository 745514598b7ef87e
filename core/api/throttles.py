"""Rate limits shared by every API."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """Anonymous requests per client IP, counted in the cache (Redis in production, so the
    count is shared by every web process). SUCHI_ANON_RATE like `600/minute`; empty disables."""

    def get_rate(self):
        return settings.SUCHI_ANON_RATE or None

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class ValidatorRateThrottle(AnonymousRateThrottle):
    """The public validator's own rate per client (SUCHI_VALIDATOR_RATE), beside the anonymous
    one: each check may hold a worker for seconds."""

    scope = "validator"

    def get_rate(self):
        return settings.SUCHI_VALIDATOR_RATE or None
