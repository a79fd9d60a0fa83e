#!/usr/bin/env python3
"""Drives the web wallet of a running node in headless Chromium (scripts/test-browser.sh starts the
node). Each step waits with a bound; a failure prints what was expected and exits 1. Screenshots of
the main states go to --artifacts."""
import argparse
import shlex
import subprocess
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

STEP_TIMEOUT = 20
CONFIRM_TIMEOUT = 60


class Failure(Exception):
    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--to", required=True, help="the address to send 1.5 OBOL to")
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--miner", required=True,
                        help="the command of a mining node that peers with the wallet's node; started once the "
                             "transfer is seen pending (the wallet's node does not mine, so it stays pending until then)")
    parser.add_argument("--miner-log", required=True)
    args = parser.parse_args()
    miner = None

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=375,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    started = time.monotonic()
    step = "start"
    try:
        def shot(name):
            path = f"{args.artifacts}/{name}.png"
            driver.save_screenshot(path)
            print(f"  screenshot {path}")

        def by_id(element_id):
            return driver.find_element(By.ID, element_id)

        def wait_for(what, condition, timeout=STEP_TIMEOUT):
            try:
                return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: condition())
            except TimeoutException:
                raise Failure(f"{step}: waited {timeout} s for {what}") from None

        def visible(element_id):
            return by_id(element_id).is_displayed()

        def fits_the_window():
            """Nothing scrolls sideways: the page is readable on a phone-sized window."""
            widths = driver.execute_script(
                "return [document.documentElement.clientWidth, document.documentElement.scrollWidth]")
            if widths[1] > widths[0]:
                # The outermost elements that stick out (not inside a scrolling box), to say what to fix.
                culprits = driver.execute_script("""
                    const width = document.documentElement.clientWidth;
                    const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement)
                        if (getComputedStyle(a).overflowX !== 'visible') return true; return false; };
                    return [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > width + 1 && !clipped(e)
                                     && !(e.parentElement && e.parentElement.getBoundingClientRect().right > width + 1))
                        .slice(0, 5).map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`);""")
                raise Failure(f"{step}: the page is {widths[1]} px wide in a {widths[0]} px window: {culprits}")

        def run(name):
            nonlocal step
            step = name
            print(f"- {name}")

        run("the page asks for the token")
        driver.get(args.url)
        wait_for("the token field", lambda: visible("token-input"))
        wait_for("the node status", lambda: "network" in by_id("status").text)
        shot("01-token-prompt")

        run("a wrong token is refused next to the token field")
        by_id("token-input").send_keys("0" * 64)
        by_id("token-save").click()
        wait_for("the wrong-token message", lambda: "wrong token" in by_id("token-error").text.lower())
        if by_id("token-input").get_attribute("aria-invalid") != "true":
            raise Failure(f"{step}: the token field is not marked aria-invalid")
        shot("02-wrong-token")

        run("the right token loads the wallet")
        by_id("token-input").send_keys(args.token)
        by_id("token-save").click()
        wait_for("the wallet's address", lambda: by_id("wallet-address").text.startswith("obol1"))
        wait_for("a balance", lambda: by_id("wallet-balance").text.strip() != "")
        if by_id("token-error").text.strip():
            raise Failure(f"{step}: the token error stayed: {by_id('token-error').text!r}")
        if driver.execute_script("return sessionStorage.getItem('obol-api-token')") != args.token:
            raise Failure(f"{step}: the token is not kept in sessionStorage")
        address = by_id("wallet-address").text
        print(f"  wallet {address}, balance {by_id('wallet-balance').text}, spendable {by_id('wallet-spendable').text}")
        shot("03-wallet-loaded")

        run("an invalid recipient shows its error and keeps review disabled")
        mistyped = args.to[:-1] + ("q" if args.to[-1] != "q" else "p")
        by_id("send-to").send_keys(mistyped)
        by_id("send-amount").send_keys("1.5")
        wait_for("the recipient's error", lambda: "checksum" in by_id("send-to-error").text.lower())
        if by_id("send-to").get_attribute("aria-invalid") != "true":
            raise Failure(f"{step}: the recipient field is not marked aria-invalid")
        if by_id("send-review").is_enabled():
            raise Failure(f"{step}: review is enabled with an invalid recipient")
        shot("04-invalid-address")

        run("an amount over the spendable balance is refused")
        by_id("send-amount").clear()
        by_id("send-amount").send_keys("99999999999")
        wait_for("the amount's error", lambda: by_id("send-amount-error").text.strip() != "")
        shot("05-amount-error")

        run("a valid transfer opens the confirmation with exactly what is signed")
        by_id("send-to").clear()
        by_id("send-to").send_keys(args.to)
        by_id("send-amount").clear()
        by_id("send-amount").send_keys("1.5")
        by_id("send-data").send_keys("browser test")
        wait_for("review to be enabled", lambda: by_id("send-review").is_enabled())
        wait_for("the spendable balance to cover 1.5 OBOL", lambda: by_id("send-amount-error").text.strip() == "")
        by_id("send-review").click()
        wait_for("the confirmation dialog", lambda: by_id("confirm-dialog").get_attribute("open") is not None)
        expected = {"confirm-from": address, "confirm-to": args.to, "confirm-amount": "1.5 OBOL",
                    "confirm-data": "browser test", "confirm-network": "devnet"}
        for element_id, text in expected.items():
            if text not in by_id(element_id).text:
                raise Failure(f"{step}: {element_id} shows {by_id(element_id).text!r}, expected {text!r}")
        if not by_id("confirm-nonce").text.strip().isdigit():
            raise Failure(f"{step}: no nonce in the dialog: {by_id('confirm-nonce').text!r}")
        shot("06-confirm-dialog")

        run("confirming sends it: the result links to the transaction, listed pending")
        by_id("confirm-send").click()
        wait_for("the result's txid", lambda: by_id("send-result").get_attribute("data-txid"))
        txid = by_id("send-result").get_attribute("data-txid")
        print(f"  txid {txid}")
        row = f"#wallet-transactions tr[data-txid='{txid}']"
        # Read in one script: the list is re-rendered live, so element references would go stale.
        status_of = lambda: driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map(r => r.dataset.status)", row)
        wait_for("the transfer listed pending", lambda: status_of() == ["pending"])
        shot("07-pending")

        run("a miner joins; the transfer is confirmed after its block, without a reload")
        marker = driver.execute_script("window.__noReload = true; return window.__noReload")
        with open(args.miner_log, "w") as log:
            miner = subprocess.Popen(shlex.split(args.miner), stdout=log, stderr=subprocess.STDOUT)
        wait_for("the transfer to be confirmed", lambda: status_of() == ["confirmed"], timeout=CONFIRM_TIMEOUT)
        if driver.execute_script("return window.__noReload === true") is not True or not marker:
            raise Failure(f"{step}: the page reloaded")
        shot("08-confirmed")
        fits_the_window()

        run("the txid link opens the transaction view")
        by_id("send-result-link").click()
        wait_for("the transaction view", lambda: txid in by_id("tx").text and "confirmed" in by_id("tx").text)
        shot("09-transaction")

        run("the block card of the block that confirmed it lists the transfer")
        block_hash = driver.execute_script(
            "return fetch(`/transactions/${arguments[0]}`).then(r => r.json()).then(t => t.blockHash)", txid)
        if not block_hash:
            raise Failure(f"{step}: GET /transactions/{txid} names no block")
        card = f".block-card[data-hash='{block_hash}']"
        wait_for("the block's card", lambda: driver.execute_script("return document.querySelector(arguments[0]) !== null", card))
        driver.execute_script("document.querySelector(arguments[0]).click()", card)
        wait_for("the block's transactions", lambda: driver.execute_script(
            "const t = document.getElementById('block-transactions');"
            "return t !== null && t.querySelector(`a[title='${arguments[0]}']`) !== null", txid))
        driver.execute_script("document.getElementById('block-detail').scrollIntoView()")
        shot("10-block-card")
        fits_the_window()

        run("the page updates live")
        live = by_id("live-status").text
        if live != "live":
            raise Failure(f"{step}: the page is not on the event stream: {live!r}")
        print(f"passed in {time.monotonic() - started:.1f} s")
        return 0
    except (Failure, WebDriverException) as error:
        print(f"browser test FAILED at '{step}': {error}", file=sys.stderr)
        try:
            driver.save_screenshot(f"{args.artifacts}/failure.png")
            for entry in driver.get_log("browser"):
                print(f"  console: {entry['level']} {entry['message']}", file=sys.stderr)
        except WebDriverException:
            pass
        return 1
    finally:
        driver.quit()
        if miner is not None:
            miner.terminate()
            try:
                miner.wait(timeout=20)
            except subprocess.TimeoutExpired:
                miner.kill()


if __name__ == "__main__":
    sys.exit(main())
