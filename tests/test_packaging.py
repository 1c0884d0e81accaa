"""The repository as Streamlit Community Cloud meets it: requirements.txt only, run from the root."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def requirement_lines() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_requirements_match_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert sorted(requirement_lines()) == sorted(project["dependencies"])


def test_readme_gives_the_two_commands_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install -r requirements.txt && .venv/bin/streamlit run dashboard.py" in readme
    assert 'pip install -e ".[test]" && .venv/bin/pytest' in readme
    assert '.venv/bin/pip install -q -e ".[test]"' in ci and ci.rstrip().endswith(".venv/bin/pytest")


def test_every_dependency_declares_the_floor_ci_installs():
    """uv's lowest-direct resolution installs each direct dependency at its lower bound: each needs one."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    assert all(re.fullmatch(r"[a-z-]+>=\d+(\.\d+)*", r) for r in requirements), requirements
    ci = (ROOT / ".ci" / "run").read_text()
    assert '--resolution lowest-direct -e ".[test]"' in ci and '"$lowest/venv/bin/pytest" -q -m smoke' in ci
    assert '"$lowest/venv/bin/ruff" check .' in ci
    markers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["markers"]
    assert any(m.startswith("smoke:") for m in markers)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.timeout(600)
@pytest.mark.slow
def test_app_runs_from_requirements_alone(tmp_path):
    """A fresh venv with requirements.txt, a copy of the tracked files, the app started headless."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    if not files:
        pytest.skip("not a git checkout")
    app = tmp_path / "app"
    for name in files:
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, app / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # uv when the test extras installed it (seconds from its cache), else pip: the same requirements.txt either way.
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    pip = [uv, "pip", "install", "--python", str(python)] if uv else [str(python), "-m", "pip", "install"]
    subprocess.run([*pip, "-q", "-r", "requirements.txt"], cwd=app, check=True, timeout=540)
    # The app's own packages come from the working directory, not from an install.
    check = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('mlp').origin)"],
        cwd=app,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip().startswith(str(app))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    server = subprocess.Popen(
        [str(python), "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=app, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
                    assert reply.read() == b"ok"
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the app did not answer within 60 s"
                time.sleep(0.5)
        # The page itself, run headless by the same interpreter: no exception, the question's run.
        script = (
            "from streamlit.testing.v1 import AppTest\n"
            "at = AppTest.from_file('dashboard.py', default_timeout=60)\n"
            "at.run()\n"
            "assert not at.exception, at.exception\n"
            "print([m.value for m in at.metric if m.label == 'Final output aᴸ₀ (obs. 0)'][0])\n"
        )
        page = subprocess.run([str(python), "-c", script], cwd=app, capture_output=True, text=True, timeout=120)
        assert page.returncode == 0, page.stderr
        assert page.stdout.strip().endswith("0.5993")
    finally:
        server.terminate()
        server.wait(timeout=20)
