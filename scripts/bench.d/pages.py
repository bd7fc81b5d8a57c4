"""Times the built-in pages in headless Chromium (UI.md: first content ≤ 1 s, the account page complete ≤ 1.5 s).

Usage: pages.py BASE_URL KEY ACCOUNT_ID OWNER LOADS
Prints one line per page: its path, then the median over LOADS loads of the first contentful paint (the browser's own
figure: the shell and its heading) and of the page complete (every region filled from the API), in milliseconds.
"""
import statistics
import sys
import urllib.parse

from playwright.sync_api import sync_playwright

base, key, account, owner, loads = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
pages = ["/", "/accounts", "/accounts/" + urllib.parse.quote(account), "/pipeline", "/work?owner=" + urllib.parse.quote(owner), "/leads"]

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.add_init_script(f"localStorage.setItem('tenure.api_key', {key!r})")
    for path in pages:
        first, complete = [], []
        for _ in range(loads + 1):  # the first load warms the browser's module cache and the server's shared copies
            page.goto(base + path)
            page.wait_for_selector("body[data-state=complete], body[data-state=failed]", timeout=60000)
            if page.get_attribute("body", "data-state") != "complete":
                print(path, "failed:", page.inner_text("#message"), file=sys.stderr)
                sys.exit(1)
            paint = page.evaluate("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
            done = page.evaluate("() => performance.getEntriesByName('page-complete').at(-1).startTime")
            first.append(paint)
            complete.append(done)
        print(path.split("?")[0], round(statistics.median(first[1:])), round(statistics.median(complete[1:])))
    browser.close()
