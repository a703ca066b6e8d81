"""Streamlit's own static files (its JavaScript, CSS and fonts), compressed once and served from
memory: the first visit of a whole class over a shared Wi-Fi.

Streamlit serves /static/ uncompressed (9.8 MB on a first visit), and Debian's HAProxy compresses
with libslz, a fast stateless gzip that reaches only about 2.2-fold (4.5 MB). This server answers
/static/ for HAProxy with each file compressed once by Brotli (quality 9: 2.8 MB for a first visit)
or gzip level 9, as the browser accepts, with Streamlit's own caching headers (every file name
carries its content hash: immutable for a year). Everything else goes to the replicas.

    python -m deploy.static --port 8600

Starlette and uvicorn are Streamlit's own server libraries; Brotli is Google's reference encoder.
"""

from __future__ import annotations

import argparse
import gzip
import mimetypes
import sys
import threading
from pathlib import Path

import brotli
import streamlit
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

STATIC = Path(streamlit.__file__).parent / "static"
COMPRESSIBLE = {".js", ".css", ".html", ".json", ".svg", ".txt", ".map", ".mjs", ".ttf"}
HEADERS = {"Cache-Control": "public, immutable, max-age=31536000", "Vary": "Accept-Encoding"}
BROTLI_QUALITY = 9  # 11 saves another 10% but takes 20x as long (9 s for plotly's 4.7 MB)


class Compressed:
    """Each static file's bytes: raw, Brotli and gzip, built once (on first request or by warm())."""

    def __init__(self, root: Path = STATIC):
        self.root = root.resolve()
        self.files: dict[str, dict[str, bytes]] = {}
        self.lock = threading.Lock()

    def path(self, relative: str) -> Path | None:
        p = (self.root / relative).resolve()
        return p if p.is_file() and self.root in p.parents else None

    def get(self, relative: str) -> dict[str, bytes] | None:
        entry = self.files.get(relative)
        if entry is None:
            p = self.path(relative)
            if p is None:
                return None
            raw = p.read_bytes()
            entry = {"identity": raw}
            if p.suffix in COMPRESSIBLE and len(raw) > 1024:
                entry["br"] = brotli.compress(raw, quality=BROTLI_QUALITY)
                entry["gzip"] = gzip.compress(raw, 9, mtime=0)
            with self.lock:
                self.files[relative] = entry
        return entry

    def warm(self) -> None:
        """Compress every file ahead of the class (about 15 s for Streamlit's 25 MB)."""
        for p in sorted(self.root.rglob("*")):
            if p.is_file():
                self.get(str(p.relative_to(self.root)))


def choose(entry: dict[str, bytes], accept: str) -> str:
    accepted = {part.split(";")[0].strip() for part in accept.split(",")}
    for encoding in ("br", "gzip"):
        if encoding in entry and encoding in accepted:
            return encoding
    return "identity"


def app(store: Compressed | None = None) -> Starlette:
    store = store or Compressed()

    async def static(request: Request) -> Response:
        relative = "static/" + request.path_params["path"]
        entry = store.get(relative)
        if entry is None:
            return PlainTextResponse("not found", status_code=404)
        encoding = choose(entry, request.headers.get("accept-encoding", ""))
        media_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        headers = dict(HEADERS)
        if encoding != "identity":
            headers["Content-Encoding"] = encoding
        return Response(entry[encoding], media_type=media_type, headers=headers)

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/static/{path:path}", static), Route("/health", health)])


def main(argv=None) -> int:
    import uvicorn

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=8600)
    args = ap.parse_args(argv)
    store = Compressed()
    threading.Thread(target=store.warm, daemon=True).start()
    uvicorn.run(app(store), host="127.0.0.1", port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
