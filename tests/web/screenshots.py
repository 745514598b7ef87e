"""`make screenshots`: the main pages at desktop (1280 px) and phone (390 px) widths, written
to docs/screenshots/. Runs the embedded server on a throw-away database with the demo data.

    python -m tests.web.screenshots [output dir]
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.web.browser import chromium_path, launch

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server(var_dir: str) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "SUCHI_VAR_DIR": var_dir,
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_demo"], env=env, check=True, cwd=ROOT, capture_output=True)
    port = _free_port()
    process = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return process, base
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start")


def _login(page, base: str, path: str, username: str, password: str) -> None:
    page.goto(f"{base}{path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


def _shot(page, path: Path) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=str(path), full_page=True)


def main(out: Path) -> None:
    if chromium_path() is None:
        raise SystemExit("Chromium is missing: apt-get install -y chromium")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as var_dir:
        process, base = _server(var_dir)
        try:
            with sync_playwright() as p:
                browser = launch(p)
                for kind, (width, height) in WIDTHS.items():
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()

                    page.goto(base + "/")
                    _shot(page, out / f"catalogue-home-{kind}.png")
                    page.goto(base + "/stats")
                    _shot(page, out / f"stats-{kind}.png")
                    page.goto(base + "/quality")
                    _shot(page, out / f"quality-{kind}.png")
                    _login(page, base, "/portal/login", "asha@suchi", "asha-demo-2026")
                    _shot(page, out / f"portal-dashboard-{kind}.png")
                    page.click("main section >> nth=0 >> a >> nth=0")
                    _shot(page, out / f"portal-request-{kind}.png")
                    page.goto(base + "/portal/consents")
                    _shot(page, out / f"portal-consents-{kind}.png")
                    page.goto(base + "/language?language=hi&next=/portal/")
                    _shot(page, out / f"portal-dashboard-hi-{kind}.png")
                    page.goto(base + "/stats")
                    _shot(page, out / f"stats-hi-{kind}.png")
                    context.close()

                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    _login(page, base, "/console/login", "health.editor", "health-demo-2026")
                    _shot(page, out / f"console-datasets-{kind}.png")
                    page.click("table.data a >> nth=0")
                    _shot(page, out / f"console-dataset-{kind}.png")
                    page.goto(base + "/console/ka-health/datasets/new")
                    _shot(page, out / f"console-dataset-form-{kind}.png")
                    context.close()
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
