"""Browser-test fixtures: one JupyterLab server, Voilà servers and one headless chromium per session.

- chromium is Debian's ``/usr/bin/chromium``; a missing browser FAILS the
  tests with a message (``bash .ci/run`` installs it) — never a silent skip,
  and never ``playwright install``;
- the servers listen on 127.0.0.1 only, on free ports, and serve a fresh
  temporary copy of ``notebooks/`` and of the demo fixtures (autosave writes
  into the notebooks; a reopened notebook would reuse its running kernel);
- JupyterLab runs with a random token, a fresh runtime directory, settings
  that turn off the "Jupyter news" notification, and ``window.jupyterapp``
  exposed so the helpers can call JupyterLab commands;
- each test gets a fresh page; on failure a screenshot is written to
  ``test-artifacts/browser/<test>.png``.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from . import helpers

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
    # offline like a classroom: any host but loopback fails at once (Voilà asks a CDN for icons)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
SERVER_START_TIMEOUT = 90  # seconds; two shared cores

# The demo notebooks are opened by the browser tests, not executed by nbval.
collect_ignore_glob = ["fixtures/*"]


# --- failure screenshots ---------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def artifact_path(item, suffix: str = ".png") -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1]).strip("_")
    return ARTIFACTS / f"{name}{suffix}"


# --- processes ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process in its own process group, its log in a file."""

    def __init__(self, name: str, cmd: list[str], cwd: Path, env: dict, log: Path, port: int, url: str):
        self.name, self.port, self.url, self.log = name, port, url, log
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            pytest.fail(f"{self.name} exited with code {self.proc.returncode}; its log ends:\n{self.log_tail()}",
                        pytrace=False)

    def wait_until(self, ready, timeout: float = SERVER_START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"{self.name} not ready after {timeout:.0f} s; its log ends:\n{self.log_tail()}", pytrace=False)

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        self._log.close()


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def server_env(tmp: Path) -> dict:
    env = dict(os.environ)
    runtime = tmp / "runtime"
    runtime.mkdir(exist_ok=True)
    bindir = str(Path(sys.executable).parent)
    env.update(
        JUPYTER_RUNTIME_DIR=str(runtime),
        PATH=bindir + os.pathsep + env.get("PATH", ""),
        PYTHONUNBUFFERED="1",
        MPLBACKEND="module://matplotlib_inline.backend_inline",
    )
    # kernels run this interpreter (its environment's python3 kernel spec comes first) and
    # import courier_sim from this checkout even when it is not installed
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(Path(sys.prefix) / "share" / "jupyter"), env.get("JUPYTER_PATH", "")) if p)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


# --- session fixtures --------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"browser tests need Debian's chromium at {CHROMIUM}, which is missing: "
            "run `bash .ci/run` (it installs it with apt-get) or `apt-get install chromium`. "
            "Playwright's own browser downloads are not used.", pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="session")
def work_dir(tmp_path_factory) -> Path:
    """A fresh copy of notebooks/ (as notebooks/) and of the demo fixtures (as fixtures/)."""
    root = tmp_path_factory.mktemp("browser-root")
    if NOTEBOOKS.is_dir():
        shutil.copytree(NOTEBOOKS, root / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    else:
        (root / "notebooks").mkdir()
    shutil.copytree(FIXTURES, root / "fixtures", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory, work_dir):
    """JupyterLab on 127.0.0.1 serving ``work_dir``; yields a ``helpers.Lab``."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    settings = tmp / "user-settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    (tmp / "workspaces").mkdir()
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={work_dir}",
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=",
        "--ServerApp.terminals_enabled=False",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    server = Server("JupyterLab", cmd, work_dir, server_env(tmp), tmp / "jupyterlab.log", port,
                    f"http://127.0.0.1:{port}")

    def ready() -> bool:
        req = urllib.request.Request(f"{server.url}/api/status", headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(req, timeout=2) as response:
            return response.status == 200

    server.wait_until(ready)
    lab = helpers.Lab(server.url, token, work_dir, server)
    try:
        yield lab
    finally:
        server.stop()


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory, work_dir):
    """Factory: ``voila_server("notebooks/06_trainer_scenarios.ipynb")`` → its page URL.

    Runs ``voila <notebook> --no-browser --port=N --Voila.ip=127.0.0.1`` (the
    trainer's command, bound to loopback) from ``work_dir``, one server per
    notebook per session, with tracebacks shown so failures are visible.
    """
    servers: dict[str, Server] = {}
    tmp = tmp_path_factory.mktemp("voila")

    def start(notebook: str) -> str:
        if notebook in servers:
            return servers[notebook].url + "/"
        if not (work_dir / notebook).is_file():
            pytest.fail(f"no notebook {notebook} to serve with Voilà", pytrace=False)
        port = free_port()
        log = tmp / (re.sub(r"\W+", "_", notebook) + ".log")
        cmd = [sys.executable, "-m", "voila", notebook, "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--show_tracebacks=True"]
        server = Server(f"Voilà ({notebook})", cmd, work_dir, server_env(tmp), log, port,
                        f"http://127.0.0.1:{port}")
        servers[notebook] = server
        # no HTTP probe: a GET of the page would start a kernel and run the notebook
        server.wait_until(lambda: port_open(port))
        return server.url + "/"

    try:
        yield start
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh page (own context: no shared cookies or storage); screenshot on failure."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.courier_console = console  # read by the helpers' failure messages
    helpers.watch_kernel_errors(page)  # tracebacks from widget callbacks reach no cell
    try:
        yield page
    finally:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            path = artifact_path(request.node)
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(path), full_page=True)
                board = page.locator("[data-courier-check]")  # the dashboard being checked, if any
                if board.count():
                    board.first.screenshot(path=str(path.with_suffix(".dashboard.png")), timeout=5000)
                path.with_suffix(".console.txt").write_text("\n".join(console + getattr(page, "courier_kernel_errors", [])))
            except Exception as error:  # a crashed page must not hide the test's own failure
                print(f"screenshot failed: {error}")
        context.close()


@pytest.fixture
def lab(lab_server):
    """The session's JupyterLab; kernels left by the test are shut down after it."""
    try:
        yield lab_server
    finally:
        lab_server.shutdown_sessions()
