"""The search page in headless Chromium: enter the token, drop a picture, see ranked matches with previews.

Runs Debian's /usr/bin/chromium through Playwright's Python package (Playwright's own browser builds are
never downloaded); CI installs chromium in .ci/run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.search_data import make_collection

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TOKEN = "page-token"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`bindcore index build` then `bindcore serve --index` on a free loopback port, token from the environment."""
    work = tmp_path_factory.mktemp("web")
    manifest = make_collection(work / "data")
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "BINDCORE_TOKEN": TOKEN}
    build = subprocess.run([sys.executable, "-m", "bindcore", "index", "build", "--model", "tiny", "--manifest", str(manifest),
                            "-o", str(work / "index")], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bindcore", "serve", "--index", str(work / "index"), "--port", str(port),
                             "--log-level", "warning"], env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail("the server did not start: " + proc.stderr.read().decode()[-2000:])
            time.sleep(0.2)
    yield url, work / "data"
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


def test_drop_a_picture_and_see_matches_with_previews(server, browser):
    url, data = server
    page = browser.new_page()
    page.goto(url + "/")
    page.wait_for_selector("#auth:not([hidden])")  # the API answered 401: the page asks for the token
    page.fill("#token", TOKEN)
    page.click("#token-save")
    page.wait_for_function("document.getElementById('status').textContent.includes('items indexed')")
    page.select_option("#target", "image")
    page.set_input_files("#file", str(data / "img2.png"))
    page.wait_for_selector("#results .hit img.preview")
    hits = page.locator("#results .hit")
    assert hits.count() == 6
    assert hits.first.get_attribute("data-id") == "img2"  # the same picture is its own best match
    assert page.evaluate("document.querySelector('#results .hit img.preview').naturalWidth") > 0
    assert "results (image query)" in page.text_content("#message")


def open_with_token(browser, url):
    """A page of the search UI, its token already in session storage, once the index status has loaded."""
    page = browser.new_page()
    page.goto(url + "/")
    page.evaluate(f"sessionStorage.setItem('bindcore-token', '{TOKEN}')")
    page.reload()
    page.wait_for_function("document.getElementById('status').textContent.includes('items indexed')")
    return page


def test_type_text_and_hear_the_matching_sounds(server, browser):
    url, _ = server
    page = open_with_token(browser, url)
    page.select_option("#target", "audio")
    page.fill("#text-query", "a bird singing")
    page.click("#text-form button")
    page.wait_for_selector("#results .hit audio.preview")
    assert page.locator("#results .hit").count() == 4
    assert {page.locator("#results .hit").nth(i).get_attribute("data-modality") for i in range(4)} == {"audio"}


def test_an_unreadable_file_shows_the_servers_message(server, browser, tmp_path):
    url, _ = server
    page = open_with_token(browser, url)
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not a wave")
    page.set_input_files("#file", str(broken))
    page.wait_for_selector("#message.error")
    assert "cannot decode the audio" in page.text_content("#message")
    assert page.locator("#results .hit").count() == 0
