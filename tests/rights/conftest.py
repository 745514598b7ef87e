"""The consent tests' citizens and the identity tests' SMTP server, for the grievance tests."""

from ..consent.conftest import asha, ravi  # noqa: F401  (pytest finds fixtures by name here)
from ..identity.test_otp import smtp  # noqa: F401
