"""Drive notebooks and dashboards in a real browser (Playwright sync API), and judge them from the page.

A dashboard is found by its CSS classes (``courier_sim.widgets`` sets them):
``courier-run-button`` (the Run button), ``courier-kpi`` (KPI text) and
``courier-figure`` (an Output showing the figure as a PNG ``<img>``). Its
sliders are ipywidgets sliders (noUiSlider), its menus ``<select>`` elements.

``check_dashboard(page)`` presses Run, changes a menu and a slider, presses
Run again and raises ``DashboardCheckError`` unless the figure and the KPI
text changed with no error or traceback on the page.
"""
from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

NOTEBOOK_RUN_TIMEOUT = 240  # s: a lesson runs its simulations on two shared cores
RUN_TIMEOUT = 90  # s: one Run press (a simulation) until the page shows the result


class DashboardCheckError(AssertionError):
    """The page shows an error, or the dashboard did not react as it should."""


# --- JupyterLab ------------------------------------------------------------------------------
@dataclass
class Lab:
    url: str
    token: str
    root: Path
    server: object = None
    _workspace: int = field(default=0, repr=False)

    def notebook_url(self, path: str) -> str:
        # a fresh workspace per page: no tabs restored from an earlier test
        self._workspace += 1
        quoted = urllib.parse.quote(path)
        return f"{self.url}/lab/workspaces/t{self._workspace}/tree/{quoted}?reset&token={self.token}"

    def api(self, method: str, path: str):
        req = urllib.request.Request(f"{self.url}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_sessions(self) -> None:
        """Shut every kernel down (frees the two cores for the next test)."""
        try:
            for session in self.api("GET", "/api/sessions") or []:
                self.api("DELETE", f"/api/sessions/{session['id']}")
        except OSError:
            pass


JS_NOTEBOOK_STATE = """() => {
  const app = window.jupyterapp;
  if (!app) return 'loading JupyterLab';
  const w = app.shell.currentWidget;
  if (!w || !w.sessionContext || !w.content || !w.content.widgets) return 'opening the notebook';
  if (!w.context.isReady) return 'loading the notebook';
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!kernel) return 'starting the kernel';
  return kernel.status === 'idle' && w.content.widgets.length > 0 ? 'ready' : 'kernel ' + kernel.status;
}"""

JS_RUN_ALL = """async () => {
  const app = window.jupyterapp;
  // cleared cells have no execution count: a cell still without one has not run yet
  await app.commands.execute('notebook:clear-all-cell-outputs');
  app.commands.execute('notebook:run-all-cells');  // not awaited: polled from Python
  return true;
}"""

JS_KERNEL_STATUS = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  const cells = w && w.content && w.content.widgets ? w.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim() !== '') : [];
  return {
    status: kernel ? kernel.status : 'none',
    busyCells: cells.filter(c => (c.promptNode ? c.promptNode.textContent : '').includes('*')).length,
    notRun: cells.filter(c => c.model.executionCount === null).length,
    errorCells: cells.filter(c => c.model.outputs.toJSON().some(o => o.output_type === 'error')).length,
  };
}"""


def open_notebook(page, lab: Lab, path: str, timeout: float = 60) -> None:
    """Open ``path`` (relative to the server root) in JupyterLab; wait for an idle kernel."""
    page.goto(lab.notebook_url(path))
    deadline = time.monotonic() + timeout
    state = ""
    while time.monotonic() < deadline:
        state = page.evaluate(JS_NOTEBOOK_STATE)
        if state == "ready":
            return
        time.sleep(0.2)
    raise DashboardCheckError(f"{path} not ready in JupyterLab after {timeout:.0f} s: {state}")


def wait_kernel_idle(page, timeout: float = NOTEBOOK_RUN_TIMEOUT, settle: float = 0.5, all_run: bool = False) -> dict:
    """Wait until the kernel is idle and no cell shows ``[*]``, steadily for ``settle`` seconds.

    ``all_run``: also until every code cell has run (or one failed, which stops Run All).
    """
    deadline = time.monotonic() + timeout
    idle_since = None
    last = None
    while time.monotonic() < deadline:
        last = page.evaluate(JS_KERNEL_STATUS)
        done = last["status"] == "idle" and last["busyCells"] == 0
        if all_run:
            done = done and (last["notRun"] == 0 or last["errorCells"] > 0)
        if done:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle:
                return last
        else:
            idle_since = None
        time.sleep(0.1)
    raise DashboardCheckError(f"kernel still busy after {timeout:.0f} s: {last}")


def run_all_cells(page, timeout: float = NOTEBOOK_RUN_TIMEOUT) -> None:
    """Clear the outputs, Run All Cells (the Run menu's command), wait until every cell has run."""
    page.evaluate(JS_RUN_ALL)
    wait_kernel_idle(page, timeout, all_run=True)


def is_lab(page) -> bool:
    """A JupyterLab notebook page (with a kernel session), rather than a Voilà page."""
    return page.evaluate(JS_KERNEL_STATUS)["status"] != "none"


def open_and_run(page, lab: Lab, path: str, timeout: float = NOTEBOOK_RUN_TIMEOUT) -> None:
    """Open a notebook, run all its cells, and fail if any cell shows an error."""
    open_notebook(page, lab, path)
    run_all_cells(page, timeout)
    check_no_errors(page, f"in {path} after running all cells")


def check_no_errors(page, when: str) -> None:
    """Raise ``DashboardCheckError`` listing the errors on the page, if any."""
    errors = page_errors(page)
    if errors:
        raise DashboardCheckError(f"errors {when}:\n" + "\n".join(errors))


# --- Voilà ---------------------------------------------------------------------------------------
def open_voila(page, url: str, timeout: float = NOTEBOOK_RUN_TIMEOUT) -> None:
    """Open a Voilà page and wait until the notebook has run and a dashboard's Run button shows."""
    page.goto(url, timeout=timeout * 1000)
    page.wait_for_selector(".courier-run-button", state="visible", timeout=timeout * 1000)
    page.wait_for_load_state("load")


def visible_code(page, notebook: Path) -> list[str]:
    """Code of ``notebook`` visible on the page: editors, input areas, or its code lines as text."""
    import nbformat

    found = []
    n_inputs = page.locator(".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .jp-CodeMirrorEditor, .cm-editor, "
                            ".CodeMirror, .jp-InputPrompt").count()
    if n_inputs:
        found.append(f"{n_inputs} code input areas or editors")
    text = page.evaluate("() => document.body.innerText")
    nb = nbformat.read(notebook, as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            line = line.strip()
            # distinctive code lines only (an assignment or call), not ones the prose quotes
            if len(line) >= 20 and ("=" in line or "(" in line) and line not in prose and line in text:
                found.append(f"code line shown: {line!r}")
    return found


# --- kernel errors from the websocket --------------------------------------------------------------
def _kernel_message(payload) -> tuple[str, dict, dict] | None:
    """(channel, header, content) of a kernel websocket frame, in either wire protocol."""
    try:
        if isinstance(payload, str):  # the legacy JSON protocol
            msg = json.loads(payload)
            return msg.get("channel", ""), msg.get("header", {}), msg.get("content", {})
        # v1.kernel.websocket.jupyter.org: n, n offsets (uint64 LE), then channel, header,
        # parent header, metadata, content, buffers
        n = int.from_bytes(payload[:8], "little")
        offsets = [int.from_bytes(payload[8 * (i + 1):8 * (i + 2)], "little") for i in range(n)]
        offsets.append(len(payload))
        part = [payload[offsets[i]:offsets[i + 1]] for i in range(min(n, 5))]
        return part[0].decode(), json.loads(part[1]), json.loads(part[4])
    except (ValueError, IndexError, UnicodeDecodeError, AttributeError):
        return None


def watch_kernel_errors(page) -> list[str]:
    """Record the kernel's error messages seen by ``page`` (``page.courier_kernel_errors``).

    A widget callback that raises sends its traceback as an iopub ``error``
    message answering the click, not a cell: JupyterLab puts it in the log
    console and Voilà shows nothing. Reading the websocket catches it in both.
    """
    errors: list[str] = []

    def on_frame(payload) -> None:
        marks = ('"error"', "Traceback") if isinstance(payload, str) else (b'"error"', b"Traceback")
        if not any(mark in payload for mark in marks):  # cheap test first: most frames are not errors
            return
        msg = _kernel_message(payload)
        if msg is None or msg[0] != "iopub":
            return
        _, header, content = msg
        if header.get("msg_type") == "error":
            errors.append(f"kernel error: {content.get('ename')}: {content.get('evalue')}")
        elif header.get("msg_type") == "stream" and content.get("name") == "stderr" and "Traceback" in content.get("text", ""):
            errors.append("kernel stderr traceback: " + content["text"][-1500:])

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    page.courier_kernel_errors = errors
    return errors


# --- reading the page ------------------------------------------------------------------------
JS_ERRORS = r"""() => {
  const errors = [];
  const seen = new Set();
  const add = (kind, text) => {
    text = (text || '').trim().slice(0, 3000);
    const key = kind + text;
    if (!seen.has(key)) { seen.add(key); errors.push(kind + ': ' + text); }
  };
  const errorLike = /Traceback|^\s*\w*(Error|Exception)\b|\w+(Error|Exception): /m;
  for (const el of document.querySelectorAll(
      '[data-mime-type="application/vnd.jupyter.stderr"], [data-mime-type="application/vnd.jupyter.error"], .jp-RenderedText.jp-mod-trusted[data-mime-type*="error"]')) {
    if (errorLike.test(el.innerText)) add('error output', el.innerText);
  }
  for (const el of document.querySelectorAll('.courier-error')) add('dashboard error', el.innerText);
  for (const el of document.querySelectorAll('.jupyter-widgets, .jp-OutputArea-output, .voila-error, .jp-Dialog')) {
    const t = el.innerText || '';
    if (/Error displaying widget|Failed to (display|render) widget|model not found/i.test(t)) add('widget error', t);
  }
  const body = document.body ? document.body.innerText : '';
  if (body.includes('Traceback (most recent call last)') && !errors.some(e => e.includes('Traceback')))
    add('traceback on page', body.slice(body.indexOf('Traceback'), body.indexOf('Traceback') + 1500));
  if (/There was an error when executing cell|Voil[aà] (has encountered|failed)|Kernel (died|error)/i.test(body))
    add('error message on page', body.slice(0, 1500));
  return errors;
}"""


def page_errors(page) -> list[str]:
    """Errors on the page (cell errors, widget errors, dashboard errors) and, when
    ``watch_kernel_errors(page)`` was called, errors the kernel sent it (e.g. from callbacks)."""
    return page.evaluate(JS_ERRORS) + list(getattr(page, "courier_kernel_errors", []))


JS_MARK_DASHBOARD = """(index) => {
  document.querySelectorAll('[data-courier-check]').forEach(el => el.removeAttribute('data-courier-check'));
  const buttons = [...document.querySelectorAll('.courier-run-button')];
  const button = buttons[index];
  if (!button) return {found: false, buttons: buttons.length};
  let root = button.closest('.courier-dashboard');
  if (!root) {
    root = button.parentElement;
    while (root && !(root.querySelector('.courier-kpi') && root.querySelector('.courier-figure')))
      root = root.parentElement;
  }
  if (!root) return {found: false, buttons: buttons.length, reason: 'no .courier-kpi and .courier-figure around the Run button'};
  root.setAttribute('data-courier-check', String(index));
  return {found: true, buttons: buttons.length};
}"""

JS_STATE = """(root) => {
  const hash = s => { let h = 2166136261; for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } return (h >>> 0).toString(16); };
  const img = root.querySelector('.courier-figure img');
  const src = img ? (img.getAttribute('src') || '') : '';
  const kpi = root.querySelector('.courier-kpi');
  return {
    figure: src ? `${src.slice(0, 22)}…[${src.length} chars, ${hash(src)}]` : '',
    png: src.startsWith('data:image/png'),
    kpi: kpi ? kpi.innerText.trim() : '',
  };
}"""


@dataclass(frozen=True)
class DashboardState:
    figure: str  # a digest of the figure <img> src ('' when no figure is shown)
    png: bool
    kpi: str

    @property
    def complete(self) -> bool:
        return bool(self.figure and self.png and self.kpi)


@dataclass
class DashboardReport:
    initial: DashboardState
    after_run: DashboardState
    after_change: DashboardState
    changes: list[str]
    seconds: float


class Dashboard:
    """One dashboard on the page, found by its Run button (the ``index``-th on the page)."""

    def __init__(self, page, index: int = 0, timeout: float = 30):
        self.page = page
        page.wait_for_selector(".courier-run-button", state="attached", timeout=timeout * 1000)
        found = page.evaluate(JS_MARK_DASHBOARD, index)
        if not found["found"]:
            raise DashboardCheckError(f"dashboard {index} not found on the page: {found}")
        self.root = page.locator(f"[data-courier-check='{index}']")
        self.run_button = self.root.locator(".courier-run-button").first
        self.root.scroll_into_view_if_needed()

    def state(self) -> DashboardState:
        return DashboardState(**self.root.evaluate(JS_STATE))

    def press_run(self, timeout: float = RUN_TIMEOUT) -> None:
        """Click Run (waiting while it is disabled by a run still going)."""
        self.run_button.scroll_into_view_if_needed()
        self.run_button.click(timeout=timeout * 1000)

    # --- controls ----------------------------------------------------------------
    def _prefer_controls(self, css: str):
        """The dashboard's lever controls (``.courier-control``) if any, else any matching widget."""
        levers = self.root.locator(f"{css}.courier-control, .courier-control {css}")
        return levers if levers.count() else self.root.locator(css)

    def change_dropdown(self, css: str | None = None) -> str | None:
        """Pick another option in a menu: the last one different from the current. None if no menu.

        ``css`` chooses the menu (e.g. ``.courier-param-care-plan``); default:
        the first lever menu, else the first menu (e.g. the preset menu).
        """
        selects = self.root.locator(f"{css} select, select{css}") if css else self._prefer_controls("select")
        if not selects.count():
            if css:
                raise DashboardCheckError(f"no menu {css!r} in the dashboard")
            return None
        select = selects.first
        select.scroll_into_view_if_needed()
        options = select.evaluate("s => [...s.options].map((o, i) => ({i, label: o.label, selected: o.selected}))")
        choices = [o for o in options if not o["selected"]]
        if not choices:
            return None
        choice = choices[-1]
        before = select.evaluate("s => s.options[s.selectedIndex] ? s.options[s.selectedIndex].label : ''")
        select.select_option(index=choice["i"])
        return f"menu: {before!r} → {choice['label']!r}"

    def move_slider(self, css: str | None = None) -> str | None:
        """Move a slider to its far end with the keyboard (End, or Home when already in the upper half).

        ipywidgets 8 sliders are noUiSlider: the handle takes keyboard focus and
        reports the new value on key release, as a user's drag would. ``css``
        chooses the slider; default: the first lever slider, else the first
        slider. None if the dashboard has no slider.
        """
        if css:
            sliders = self.root.locator(f"{css}.widget-slider, {css} .widget-slider")
            if not sliders.count():
                raise DashboardCheckError(f"no slider {css!r} in the dashboard")
        else:
            sliders = self._prefer_controls(".widget-slider")
            if not sliders.count():
                return None
        slider = sliders.first
        slider.scroll_into_view_if_needed()
        handle = slider.locator(".noUi-handle").first
        readout = slider.locator(".widget-readout").first
        before = readout.inner_text().strip()
        now, low, high = (float(handle.get_attribute(a) or "nan")
                          for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
        key = "Home" if now > (low + high) / 2 else "End"
        handle.focus()
        handle.press(key)
        deadline = time.monotonic() + 5
        while readout.inner_text().strip() == before and time.monotonic() < deadline:
            time.sleep(0.05)
        after = readout.inner_text().strip()
        if after == before:
            raise DashboardCheckError(f"slider did not move with the {key} key (readout stays {before!r})")
        return f"slider: {before} → {after} ({key})"

    # --- waiting ---------------------------------------------------------------------
    def wait_for(self, condition, what: str, timeout: float) -> DashboardState:
        """Poll the dashboard until ``condition(state)``; fail at once on an error on the page."""
        deadline = time.monotonic() + timeout
        state = self.state()
        while True:
            errors = page_errors(self.page)
            if errors:
                raise DashboardCheckError(f"error on the page while waiting for {what}:\n" + "\n".join(errors)
                                          + f"\nlast state: {state}")
            if condition(state):
                # let a KPI update that trails the figure land too
                time.sleep(0.3)
                again = self.state()
                if again == state:
                    return state
                state = again
                continue
            if time.monotonic() > deadline:
                raise DashboardCheckError(f"timed out after {timeout:.0f} s waiting for {what}; last state: {state}"
                                          + _console_note(self.page))
            time.sleep(0.25)
            state = self.state()


def _console_note(page) -> str:
    lines = getattr(page, "courier_console", [])
    return ("\nbrowser console errors:\n" + "\n".join(lines[-10:])) if lines else ""


def check_dashboard(page, index: int = 0, timeout: float = RUN_TIMEOUT, lab: bool | None = None,
                    dropdown: str | None = None, slider: str | None = None) -> DashboardReport:
    """Press Run, change a menu and a slider, press Run again; the figure and KPI text must change.

    ``index``: which dashboard on the page (by its Run button). ``dropdown``,
    ``slider``: CSS selectors of the controls to change (default: the first
    lever menu and slider). The menu changes first: a preset menu resets
    the sliders.

    Works on a JupyterLab page (after the notebook ran) or a Voilà page.
    Raises ``DashboardCheckError`` on any error or traceback on the page, a
    dashboard that shows no figure (a PNG) and KPI text after Run, or one
    whose figure or KPI text stays the same after the controls changed.
    """
    start = time.monotonic()
    if lab is None:
        lab = is_lab(page)
    check_no_errors(page, "on the page before the dashboard was used")
    board = Dashboard(page, index)
    initial = board.state()

    board.press_run(timeout)
    if initial.complete:
        # the same settings may give the same picture: wait for the run to finish instead
        if lab:
            wait_kernel_idle(page, timeout)
        after_run = board.wait_for(lambda s: s.complete, "the figure and KPI after Run", timeout)
    else:
        after_run = board.wait_for(lambda s: s.complete and s != initial,
                                   "a figure (PNG) and KPI text to appear after Run", timeout)
    if lab:
        wait_kernel_idle(page, timeout)
        after_run = board.state()

    changes = [c for c in (board.change_dropdown(dropdown), board.move_slider(slider)) if c]
    if not changes:
        raise DashboardCheckError("the dashboard has neither a menu nor a slider to change")
    if lab:
        wait_kernel_idle(page, timeout)
    board.press_run(timeout)
    after_change = board.wait_for(
        lambda s: s.complete and s.figure != after_run.figure and s.kpi != after_run.kpi,
        f"the figure and the KPI text to change after Run with new settings ({'; '.join(changes)})", timeout)
    if lab:
        wait_kernel_idle(page, timeout)
    check_no_errors(page, "on the page after using the dashboard")
    return DashboardReport(initial, after_run, after_change, changes, time.monotonic() - start)


JS_EXPLORER_STATE = """(root) => {
  const hash = s => { let h = 2166136261; for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } return (h >>> 0).toString(16); };
  const img = root.querySelector('.courier-figure img');
  const src = img ? (img.getAttribute('src') || '') : '';
  return src ? `${src.slice(0, 22)}…[${src.length} chars, ${hash(src)}]` : '';
}"""


def check_explorer(page, index: int = 0, timeout: float = 30) -> list[str]:
    """A data explorer (``.courier-explorer``): each menu change redraws the figure, with no error.

    Changes the metric menu (``.courier-metric``, else the last menu), then the
    group menu if there is one; returns what was changed.
    """
    check_no_errors(page, "on the page before the explorer was used")
    root = page.locator(".courier-explorer").nth(index)
    root.scroll_into_view_if_needed()
    selects = root.locator("select")
    if not selects.count():
        raise DashboardCheckError(f"explorer {index} has no menu")
    metric = root.locator(".courier-metric select")
    menus = [metric.first if metric.count() else selects.last]
    group = root.locator(".courier-group select")
    if group.count():
        menus.append(group.first)
    changes = []
    for select in menus:
        before = root.evaluate(JS_EXPLORER_STATE)
        if not before:
            raise DashboardCheckError(f"explorer {index} shows no figure (PNG <img> in .courier-figure)")
        options = select.evaluate("s => [...s.options].map((o, i) => ({i, label: o.label, selected: o.selected}))")
        choices = [o for o in options if not o["selected"]]
        if not choices:
            continue
        select.select_option(index=choices[-1]["i"])
        changes.append(choices[-1]["label"])
        deadline = time.monotonic() + timeout
        while root.evaluate(JS_EXPLORER_STATE) == before:
            check_no_errors(page, f"while the explorer redrew for {choices[-1]['label']!r}")
            if time.monotonic() > deadline:
                raise DashboardCheckError(f"explorer {index}: the figure did not change after choosing "
                                          f"{choices[-1]['label']!r} in {timeout:.0f} s" + _console_note(page))
            time.sleep(0.2)
    check_no_errors(page, "on the page after using the explorer")
    return changes
