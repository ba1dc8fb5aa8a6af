"""Real headless Chromium driven by selenium (Debian's chromium and chromium-driver), with axe-core.

For any page a reader sees (site pages, subscription pages, an email in the local outbox):

    with browser(width=360, dark=True) as driver:
        driver.get(url)
        assert_accessible(driver)          # axe: no serious or critical violation
        full_page_screenshot(driver, path)

``dark`` emulates ``prefers-color-scheme: dark``; ``javascript=False`` opens pages as a browser
with JavaScript off would (axe cannot run there: check such a page in a second, default driver).
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
DESKTOP = (1280, 900)
PHONE = (360, 740)
BLOCKING = ("serious", "critical")  # axe impacts a page may not have


@contextmanager
def browser(
    *, width: int = DESKTOP[0], height: int = DESKTOP[1], dark: bool = False, javascript: bool = True
) -> Iterator[Any]:
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
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    if width < 600:
        # A phone: chromedriver keeps this viewport for the whole session (a desktop window may not
        # be made that narrow), with the meta viewport honoured as on a phone.
        options.add_experimental_option(
            "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0, "touch": True}}
        )
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        driver.set_page_load_timeout(60)
        driver.set_script_timeout(60)
        if dark:
            driver.execute_cdp_cmd(
                "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]}
            )
        yield driver
    finally:
        driver.quit()


def run_axe(driver: Any) -> dict[str, Any]:
    """axe-core's results for the page open in ``driver``, every element of it inside the viewport.

    axe cannot tell the contrast of text outside the viewport (it reports it "incomplete"), so the
    viewport is made as tall as the page for the run, then put back.
    """
    from axe_selenium_python import Axe

    width, height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    full = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
    metrics = {"width": width, "deviceScaleFactor": 1, "mobile": width < 600}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": max(height, full)})
    try:
        axe = Axe(driver)
        axe.inject()
        results: dict[str, Any] = axe.run()
    finally:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
    results["report"] = axe.report
    return results


def assert_accessible(driver: Any) -> dict[str, Any]:
    """Fails with axe's report when the open page has a serious or critical violation, or text whose
    contrast axe could not decide; returns a summary of the run (for the record)."""
    results = run_axe(driver)
    blocking = [violation for violation in results["violations"] if violation.get("impact") in BLOCKING]
    assert not blocking, f"{driver.current_url}\n{results['report'](blocking)}"
    undecided = [
        node["target"] for check in results["incomplete"] if check["id"] == "color-contrast" for node in check["nodes"]
    ]
    assert not undecided, f"{driver.current_url}: axe could not decide the contrast of {undecided}"
    return {
        "url": driver.current_url,
        "passes": sorted(check["id"] for check in results["passes"]),
        "violations": sorted((check["id"], check.get("impact")) for check in results["violations"]),
        "incomplete": sorted(check["id"] for check in results["incomplete"]),
    }


def full_page_screenshot(driver: Any, path: Path) -> Path:
    """The whole page (not only the viewport) as a PNG at ``path``.

    Chromium refuses to capture a page it has not laid out yet ("Cannot take screenshot with 0
    width", seen on a loaded machine), so this waits, within a bound, until the page has a size.
    """
    from selenium.webdriver.support.wait import WebDriverWait

    measure = "return document.readyState === 'complete' && document.documentElement.getBoundingClientRect().width"
    WebDriverWait(driver, 30).until(lambda browser: browser.execute_script(measure))
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
