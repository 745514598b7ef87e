"""Debian's Chromium for the browser tests and the screenshots (Playwright cannot download a
browser of its own here)."""

import os
import shutil

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str | None:
    configured = os.environ.get("SUCHI_CHROMIUM")
    if configured:
        return configured if os.path.exists(configured) else None
    for path in CHROMIUM_CANDIDATES:
        if os.path.exists(path):
            return path
    return shutil.which("chromium")


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=["--no-sandbox"]
    )
