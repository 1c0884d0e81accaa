"""The README's screenshots, one per tab, taken from the running app (not a benchmark).

    python -m benchmarks.screenshots [docs/screenshots]

Results, Weights, Symmetry and Backprop maths show the question's run (every weight 1); Compare
shows the question's lesson set up with one click; Sweep shows the default grid after 'Run sweep'.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.harness import ROOT, browser, now, open_app, serve, wait_for_idle

FOLDER = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 1100}


def shoot(page, path: Path) -> Path:
    """The visible window: the top of the tab, which is what a newcomer sees first."""
    page.screenshot(path=str(path))
    return path


def open_tab(page, name: str) -> None:
    clicked = now(page)
    page.get_by_role("tab", name=name, exact=True).click()
    wait_for_idle(page, charts=0, finished=0, since=clicked)


def click(page, label: str) -> None:
    clicked = now(page)
    page.get_by_role("button", name=label, exact=True).click()
    wait_for_idle(page, charts=0, finished=0, since=clicked)


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    with serve() as url, browser() as chromium:
        page = open_app(chromium, url, viewport=VIEWPORT)
        for i, name in enumerate(["Results", "Weights", "Symmetry", "Backprop maths"], start=1):
            open_tab(page, name)
            print(shoot(page, folder / f"{i}-{name.split()[0].lower()}.png"))
        click(page, "Set up the question's lesson")
        open_tab(page, "Compare")
        page.mouse.wheel(0, 650)
        print(shoot(page, folder / "5-compare.png"))
        open_tab(page, "Sweep")
        click(page, "Run sweep")
        print(shoot(page, folder / "6-sweep.png"))


if __name__ == "__main__":
    main()
