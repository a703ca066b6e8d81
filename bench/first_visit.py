"""What a student's first visit transfers: Chromium opens the page (a fresh profile: nothing
cached) and waits for the chart; DevTools' network events give the bytes on the wire.

    python bench/first_visit.py --url http://127.0.0.1:8500     # through deploy.serve's HAProxy
    python bench/first_visit.py --url http://127.0.0.1:8501     # one server, uncompressed

Prints the HTTP bytes as transferred (encodedDataLength: compressed where the server or proxy
compressed), the same uncompressed, the requests by type, and the websocket's bytes (the page's
data, after the websocket's own permessage-deflate is undone: an upper bound).
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections import Counter

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"


def first_visit(url: str, query: str = "") -> dict:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        sizes, types, kinds, ws = {}, {}, Counter(), [0]

        def response(e):
            types[e["requestId"]] = e["type"]
            sizes.setdefault(e["requestId"], [0, 0])
            length = e["response"].get("headers", {})
            sizes[e["requestId"]][1] = int(
                next((v for k, v in length.items() if k.lower() == "content-length"), 0) or 0
            )

        def finished(e):
            sizes.setdefault(e["requestId"], [0, 0])[0] = e["encodedDataLength"]

        def data(e):
            entry = sizes.setdefault(e["requestId"], [0, 0])
            entry.append(e["dataLength"])

        def frame(e):
            payload = e["response"]["payloadData"]
            ws[0] += len(base64.b64decode(payload)) if e["response"]["opcode"] == 2 else len(payload)

        cdp.on("Network.responseReceived", response)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.dataReceived", data)
        cdp.on("Network.webSocketFrameReceived", frame)
        page.goto(url + ("/?" + query if query else ""))
        page.wait_for_selector(".js-plotly-plot", timeout=120_000)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
        page.wait_for_timeout(1500)
        encoded = sum(v[0] for v in sizes.values())
        decoded = sum(sum(v[2:]) for v in sizes.values())
        for rid, v in sizes.items():
            kinds[types.get(rid, "Other")] += v[0]
        browser.close()
    return {
        "url": url,
        "requests": len(sizes),
        "http_transferred_mb": round(encoded / 1e6, 2),
        "http_uncompressed_mb": round(decoded / 1e6, 2),
        "by_type_mb": {k: round(v / 1e6, 2) for k, v in kinds.most_common()},
        "websocket_mb": round(ws[0] / 1e6, 2),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8500")
    ap.add_argument("--query", default="")
    args = ap.parse_args(argv)
    print(json.dumps(first_visit(args.url, args.query), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
