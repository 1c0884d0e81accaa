"""The README's screenshots, one per tab, taken from the running app (not a benchmark).

    python -m benchmarks.screenshots [docs/screenshots]

The page as a new visitor meets it, then each tab scrolled to its content: Results, Weights,
Neurons, Symmetry and Backprop maths show the question's run (every weight 1); Compare shows the
question's lesson set up with one click; Lesson its first step; Sweep the default grid after 'Run sweep'.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.harness import ROOT, browser, now, open_app, serve, wait_for_idle

FOLDER = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 1100}
TABS_AT = 560  # px scrolled down so that the row of tabs is at the top of the window


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
        print(shoot(page, folder / "0-page.png"))  # what a new visitor sees first: the box, the buttons, the tabs
        for i, name in enumerate(["Results", "Weights", "Neurons", "Symmetry", "Backprop maths"], start=1):
            open_tab(page, name)
            page.mouse.wheel(0, TABS_AT)
            print(shoot(page, folder / f"{i}-{name.split()[0].lower()}.png"))
        click(page, "Set up the question's lesson")  # keeps the two runs and opens Compare
        page.mouse.wheel(0, TABS_AT)
        print(shoot(page, folder / "6-compare.png"))
        open_tab(page, "Lesson")
        page.mouse.wheel(0, TABS_AT)
        print(shoot(page, folder / "7-lesson.png"))
        open_tab(page, "Sweep")
        click(page, "Run sweep")
        page.mouse.wheel(0, TABS_AT)
        print(shoot(page, folder / "8-sweep.png"))


if __name__ == "__main__":
    main()
