"""`scripts/screenshots [OUT_DIR]`: build the demo KB and photograph every page type.

One PNG per page type, width (laptop 1280 px, phone 390 px) and scheme (light, dark), named
`<page type>-<width>-<scheme>.png`; the deck gets one per slide. Whole pages, not just the first screen,
so a table that runs off the side or a chart that turns into a white box shows up.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .browser import CHROMIUM, LAUNCH_ARGS, serve
from .site_tour import HEIGHTS, SCHEMES, WIDTHS, build_demo_site, demo_tour, set_scheme

SCHEME_NAMES = {"default": "light", "slate": "dark"}


def main(out_dir: str) -> int:
    from playwright.sync_api import sync_playwright

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pmkb-screens-") as tmp:
        print("building the demo KB ...", file=sys.stderr)
        site = build_demo_site(Path(tmp))
        tour = demo_tour(site)
        with serve(site) as base, sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                for width_name, width in WIDTHS.items():
                    for scheme in SCHEMES:
                        context = chromium.new_context(
                            viewport={"width": width, "height": HEIGHTS[width_name]},
                            color_scheme="dark" if scheme == "slate" else "light",
                        )
                        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "data:")) else route.abort())
                        set_scheme(context, scheme)
                        tab = context.new_page()
                        for page_type in tour:
                            stem = f"{page_type.name}-{width_name}-{SCHEME_NAMES[scheme]}"
                            tab.goto(base + page_type.path)
                            tab.wait_for_load_state("load")
                            if page_type.name == "deck":
                                count = tab.locator(".slide").count()
                                for number in range(1, count + 1):
                                    tab.goto(f"{base}{page_type.path}#{number}")
                                    tab.screenshot(path=str(out / f"{stem}-slide{number}.png"))
                            else:
                                tab.screenshot(path=str(out / f"{stem}.png"), full_page=True)
                            print(stem, file=sys.stderr)
                        context.close()
            finally:
                chromium.close()
    print(f"screenshots written to {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))
