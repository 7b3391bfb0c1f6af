"""The web console in a real browser: Debian's headless Chromium, driven by Selenium through
Debian's chromedriver (given explicitly, so Selenium Manager downloads nothing). Creating,
stopping and destroying an instance by clicking plain HTML forms; screenshots in tmp_path.

``.ci/run`` installs ``chromium`` and ``chromium-driver``; where they cannot be installed these
tests are skipped, saying so.
"""

import base64
import shutil

import pytest

from tests.rest._served import Served

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "no Chromium here: .ci/run installs Debian's chromium and chromium-driver",
        allow_module_level=True,
    )

pytestmark = pytest.mark.live

BOUND = 60  # seconds a page may take to show a state; only a guard against hanging
CREDENTIALS = base64.b64encode(b"mockuser:mockpassword").decode()


@pytest.fixture(scope="module")
def served():
    with Served("--boot-seconds", "1", "--stop-seconds", "1", "--clock-rate", "1") as server:
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1024",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    chrome = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    # the pages ask for Basic credentials; a person would type them, the test sends them
    chrome.execute_cdp_cmd("Network.enable", {})
    chrome.execute_cdp_cmd(
        "Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Basic {CREDENTIALS}"}}
    )
    yield chrome
    chrome.quit()


def _field(browser, name):
    return browser.find_element(By.ID, f"field-{name}").text


def _click_and_wait(browser, element_id, arrived):
    """Click a link or button, then wait until a new page whose URL satisfies `arrived` loaded.

    `click()` returns before the browser navigates, so reading the page at once may still read
    the old one.
    """
    old_page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, element_id).click()
    WebDriverWait(browser, BOUND, poll_frequency=0.1).until(
        lambda b: _gone(old_page) and arrived(b.current_url),
        message=f"clicking #{element_id} never led to the expected page",
    )


def _gone(element):
    """Whether `element` left the document: stale, or (Chromium, mid-navigation) no longer in it."""
    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False


def _shows(browser, name, value):
    """Wait until the instance page's field `name` reads `value`.

    The page reloads itself every 2 s while the instance changes state: a field read during a
    reload is gone (stale or not found yet), so it is read again rather than failing.
    """
    reloading = (NoSuchElementException, StaleElementReferenceException)
    WebDriverWait(browser, BOUND, poll_frequency=0.2, ignored_exceptions=reloading).until(
        lambda b: _field(b, name) == value,
        message=f"the instance page never showed {name} {value!r}",
    )


def test_create_stop_and_destroy_an_instance_by_clicking(browser, served, tmp_path):
    browser.get(served.url + "/api")
    assert browser.title == "Deltacloud API"
    _click_and_wait(browser, "nav-instances", lambda url: url == served.url + "/api/instances")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Instances"

    Select(browser.find_element(By.ID, "image_id")).select_by_value("ami-0a1b2c3d4e5f60718")
    Select(browser.find_element(By.ID, "hwp_id")).select_by_value("m5.large")
    Select(browser.find_element(By.ID, "realm_id")).select_by_value("us-east-1b")
    browser.find_element(By.ID, "name").send_keys("clicked into being")
    _click_and_wait(
        browser, "create-button", lambda url: url.startswith(served.url + "/api/instances/i-")
    )

    instance_url = browser.current_url
    assert instance_url.startswith(served.url + "/api/instances/i-")
    _shows(browser, "name", "clicked into being")
    _shows(browser, "hardware_profile", "m5.large")
    _shows(browser, "state", "RUNNING")  # the page reloads itself while the instance boots
    browser.save_screenshot(str(tmp_path / "running.png"))

    _click_and_wait(browser, "action-stop", lambda url: url == instance_url)
    assert browser.current_url == instance_url
    _shows(browser, "state", "STOPPED")
    buttons = [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".actions button")]
    assert buttons == ["start", "destroy"]
    browser.save_screenshot(str(tmp_path / "stopped.png"))

    instance_id = instance_url.rsplit("/", 1)[1]
    _click_and_wait(browser, "action-destroy", lambda url: url == served.url + "/api/instances")
    assert browser.current_url == served.url + "/api/instances"
    listed = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#listing td:first-child a")]
    assert instance_id not in listed
    browser.save_screenshot(str(tmp_path / "destroyed.png"))
    assert all((tmp_path / f"{name}.png").stat().st_size > 0 for name in ("running", "stopped"))


def test_the_state_machine_page_shows_the_picture(browser, served, tmp_path):
    browser.get(served.url + "/api;driver=ec2/instance_states")
    assert browser.find_element(By.ID, "driver").text == "ec2"
    picture = browser.find_element(By.CSS_SELECTOR, "#picture svg")
    assert picture.size["width"] > 100
    labels = {t.text for t in browser.find_elements(By.CSS_SELECTOR, "#picture svg text")}
    assert {"pending", "running", "stopped", "automatic", "stop", "start"} <= labels
    browser.save_screenshot(str(tmp_path / "states.png"))


def test_the_ec2_driver_pages_stay_on_ec2_by_their_links(browser, served):
    browser.get(served.url + "/api;driver=ec2")
    images = served.url + "/api;driver=ec2/images"
    _click_and_wait(browser, "nav-images", lambda url: url == images)
    assert browser.find_element(By.ID, "driver").text == "ec2"
