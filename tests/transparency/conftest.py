"""The browser of the web tests, for the accessibility checks of the public pages."""

from ..web.conftest import browser  # noqa: F401  (pytest finds fixtures by name here)
