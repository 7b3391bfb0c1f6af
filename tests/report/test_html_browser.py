"""The HTML reports in a real browser: Debian's headless Chromium through its chromedriver, the
page opened from disk (nothing served, no JavaScript needed), a screenshot of each in tmp_path.

Skipped, saying so, where Chromium is not installed (``.ci/run`` installs it).
"""

import re
import shutil

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "no Chromium here: .ci/run installs Debian's chromium and chromium-driver",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    prefs = {"profile.managed_default_content_settings.javascript": 2}  # no JavaScript at all
    options.add_experimental_option("prefs", prefs)
    chrome = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield chrome
    chrome.quit()


@pytest.mark.parametrize(
    ("name", "verdict", "causes"),
    [
        (
            "good",
            r"CERTIFIED: reference_drivers\.mock:MockDriver passed all \d+ checks that apply",
            0,
        ),
        ("bad", r"NOT CERTIFIED: euc:driver failed 274 of 299 checks", 1),
    ],
)
def test_report_page_shows_verdict_causes_and_the_machine(
    browser,
    pages,
    tmp_path,
    name,
    verdict,
    causes,
):
    browser.get((pages / f"{name}.html").as_uri())
    assert re.fullmatch(verdict, browser.find_element(By.ID, "verdict").text)
    assert len(browser.find_elements(By.CSS_SELECTOR, "h3.cause")) == causes
    diagram = browser.find_element(By.CSS_SELECTOR, "#diagram svg")
    assert diagram.size["width"] > 300
    assert diagram.size["height"] > 100
    states = {e.get_attribute("id") for e in diagram.find_elements(By.CSS_SELECTOR, "g.state")}
    assert {"state-begin", "state-running", "state-end"} <= states
    badge = browser.find_element(By.CSS_SELECTOR, "#badge svg")
    assert badge.size["height"] == 20
    areas = browser.find_elements(By.CSS_SELECTOR, "#areas ~ h3")
    assert areas
    shot = tmp_path / f"{name}.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
