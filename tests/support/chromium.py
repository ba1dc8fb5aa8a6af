"""Real headless Chromium driven by selenium (Debian's chromium and chromium-driver), and axe-core.

    with chromium(javascript=False) as driver:   # a browser with JavaScript off
        driver.get(url)
    with chromium(width=360, dark=True) as driver:
        driver.get(url)
        summary = assert_accessible(driver)       # no serious or critical axe violation

axe runs through WebDriver, which a page's Content-Security-Policy does not restrict; it cannot
run with JavaScript off, so check such a page in a second, default driver.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = (
    None
    if CHROMIUM and CHROMEDRIVER
    else "chromium and chromium-driver are not installed here (.ci/run installs them with apt-get)"
)
BLOCKING = ("serious", "critical")


@contextmanager
def chromium(*, width: int = 1280, height: int = 900, dark: bool = False, javascript: bool = True) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        driver.set_page_load_timeout(60)
        driver.set_script_timeout(60)
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        if dark:
            driver.execute_cdp_cmd(
                "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]}
            )
        yield driver
    finally:
        driver.quit()


def assert_accessible(driver: Any) -> dict[str, Any]:
    """axe-core on the open page (the viewport made as tall as the page, so contrast is decidable
    everywhere): fails with axe's report on a serious or critical violation; returns a summary."""
    from axe_selenium_python import Axe

    width, height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    full = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
    metrics = {"width": width, "deviceScaleFactor": 1, "mobile": width < 600}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": max(height, full)})
    try:
        axe = Axe(driver)
        axe.inject()
        results = axe.run()
    finally:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
    blocking = [violation for violation in results["violations"] if violation.get("impact") in BLOCKING]
    assert not blocking, f"{driver.current_url}\n{axe.report(blocking)}"
    return {
        "url": driver.current_url.split("?")[0],
        "passes": len(results["passes"]),
        "violations": sorted((check["id"], check.get("impact")) for check in results["violations"]),
        "incomplete": sorted(check["id"] for check in results["incomplete"]),
    }


def screenshot(driver: Any, path: Path) -> Path:
    """The whole page as a PNG."""
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
