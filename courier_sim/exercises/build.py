"""Students' copies from the one source: ``solutions/*.ipynb`` -> ``exercises/*.ipynb``.

What changes on the way (nbgrader's convention, so ``nbgrader generate_assignment``
still works for teachers who prefer it):

- code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes a
  placeholder that keeps the answer's name, e.g. ``top20_share = ...  # your
  code here``; a function answer keeps its signature and returns ``...``. A
  placeholder never raises, so a fresh exercise runs top to bottom and its
  checks say "not answered yet (未完成)";
- the same markers in a Markdown cell leave "Write your answer here";
- cells tagged ``solution-only`` are dropped;
- outputs, execution counts and cell metadata other than tags are removed;
  cell ids become "0", "1", ... (what ``nbstripout`` writes, so
  ``nbstripout --verify`` passes); notebook metadata is a fixed kernelspec.

The output is a pure function of the solution file, written with stable JSON
(nbformat, sorted keys, UTF-8), so building twice gives identical bytes and a
test can tell when ``exercises/`` is out of date.
"""
from __future__ import annotations

import ast
import os
import re
import tempfile
from pathlib import Path

import nbformat

BEGIN_RE = re.compile(r"^(\s*)#+\s*BEGIN SOLUTION\b")
END_RE = re.compile(r"^\s*#+\s*END SOLUTION\b")
MD_BEGIN_RE = re.compile(r"^\s*(#+\s*|<!--\s*)?BEGIN SOLUTION\s*(-->)?\s*$")
MD_END_RE = re.compile(r"^\s*(#+\s*|<!--\s*)?END SOLUTION\s*(-->)?\s*$")
SOLUTION_ONLY_TAGS = frozenset({"solution-only", "solution_only"})
KEEP_CELL_METADATA = ("tags", "editable", "deletable")
CODE_NOTE = "# your code here (在此编写代码)"
MARKDOWN_PLACEHOLDER = "_Write your answer here (在此作答)._"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_NAME_RE = re.compile(r"[A-Za-z_]\w*")


class BuildError(ValueError):
    """A solution notebook the builder cannot turn into an exercise (says which and where)."""


# --- placeholders ------------------------------------------------------------------
def _assigned(node: ast.stmt) -> list[str]:
    """Names a top-level statement binds (``a = ``, ``a, b = ``, ``a: int = ``, ``def a``)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    names = []
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                names.append(sub.id)
    return names


def placeholder(block: list[str], indent: str, used_later: set[str]) -> list[str]:
    """The lines that replace one solution block."""
    code = "\n".join(line[len(indent):] if line.startswith(indent) else line.lstrip() for line in block)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        tree = None
    order: list[str] = []
    defs: dict[str, ast.stmt] = {}
    imports: list[str] = []  # an import a later cell relies on is kept: it is not the answer
    for node in (tree.body if tree else []):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound = {(a.asname or a.name).split(".")[0] for a in node.names}
            if bound & used_later:
                imports.append(ast.get_source_segment(code, node) or ast.unparse(node))
            continue
        for name in _assigned(node):
            if name in order:
                order.remove(name)
            order.append(name)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs[name] = node
            else:
                defs.pop(name, None)
    if indent and tree is not None and any(isinstance(node, ast.Return) for node in tree.body):
        return [indent + CODE_NOTE, indent + "return ..."]  # a function body: keep it returning
    keep = [n for n in order if n in used_later]
    if order and order[-1] not in keep:
        keep.append(order[-1])
    keep.sort(key=order.index)
    lines: list[str] = []
    for name in keep:
        note = CODE_NOTE if not lines else ""
        if name in defs:
            node = defs[name]
            prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
            lines += [f"{prefix} {name}({ast.unparse(node.args)}):", f"    {CODE_NOTE}", "    return ..."]
        else:
            lines.append(f"{name} = ...  {note}".rstrip())
    if not lines:
        lines = [f"...  {CODE_NOTE}"]
    return [indent + line for line in imports + lines]


def _split_blocks(source: str, begin: re.Pattern, end: re.Pattern, where: str):
    """Yield ("text", line) and ("block", (indent, lines)) items of a cell's source."""
    items = []
    block: list[str] | None = None
    indent = ""
    for number, line in enumerate(source.split("\n"), 1):
        if begin.match(line):
            if block is not None:
                raise BuildError(f"{where}, line {number}: BEGIN SOLUTION inside another solution block")
            block, indent = [], re.match(r"^\s*", line).group(0)
        elif end.match(line):
            if block is None:
                raise BuildError(f"{where}, line {number}: END SOLUTION without a BEGIN SOLUTION above it")
            items.append(("block", (indent, block)))
            block = None
        elif block is not None:
            block.append(line)
        else:
            items.append(("text", line))
    if block is not None:
        raise BuildError(f"{where}: BEGIN SOLUTION is never closed by END SOLUTION")
    return items


def _outside_solutions(source: str) -> str:
    return "\n".join(line for kind, line in _split_blocks(source, BEGIN_RE, END_RE, "?") if kind == "text")


def clear_code(source: str, used_later: set[str], where: str = "cell") -> str:
    out: list[str] = []
    for kind, item in _split_blocks(source, BEGIN_RE, END_RE, where):
        if kind == "text":
            out.append(item)
        else:
            indent, block = item
            out.extend(placeholder(block, indent, used_later))
    return "\n".join(out)


def clear_markdown(source: str, where: str = "cell") -> str:
    out: list[str] = []
    for kind, item in _split_blocks(source, MD_BEGIN_RE, MD_END_RE, where):
        out.append(item if kind == "text" else MARKDOWN_PLACEHOLDER)
    return "\n".join(out)


# --- one notebook ---------------------------------------------------------------------
def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def read_notebook(path: Path):
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as exc:  # JSON errors, schema errors, unreadable file
        raise BuildError(f"{path}: not a readable notebook ({type(exc).__name__}: {exc})") from None


def exercise_notebook(solution, name: str = "notebook.ipynb"):
    """The students' copy of a solution notebook object (a new object)."""
    cells = [c for c in solution.cells if not SOLUTION_ONLY_TAGS & set(_tags(c))]
    code_sources = [_outside_solutions(c.source) if c.cell_type == "code" else "" for c in cells]
    new_cells = []
    for i, cell in enumerate(cells):
        where = f"{name}, cell {i + 1}"
        later = set()
        for text in code_sources[i:]:
            later.update(_NAME_RE.findall(text))
        if cell.cell_type == "code":
            source = clear_code(cell.source, later, where)
            new = nbformat.v4.new_code_cell(source)
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(clear_markdown(cell.source, where))
            if cell.get("attachments"):
                new["attachments"] = cell["attachments"]
        else:
            new = nbformat.v4.new_raw_cell(cell.source)
        meta = {k: cell.metadata[k] for k in KEEP_CELL_METADATA if k in cell.get("metadata", {})}
        if "tags" in meta:
            meta["tags"] = [t for t in meta["tags"] if t not in SOLUTION_ONLY_TAGS]
            if not meta["tags"]:
                del meta["tags"]
        new["metadata"] = meta
        new["id"] = str(len(new_cells))
        new_cells.append(new)
    nb = nbformat.v4.new_notebook(cells=new_cells)
    nb["nbformat"], nb["nbformat_minor"] = 4, 5
    nb["metadata"] = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "courier_lab": {"generated_from": f"solutions/{name}",
                        "note": "Generated by `courier-sim build-exercises`; edit the solution notebook instead."},
    }
    return nb


def exercise_text(solution_path, name: str | None = None) -> str:
    """The exact text of the exercise built from ``solution_path`` (``name``: its path under solutions/)."""
    path = Path(solution_path)
    ex = exercise_notebook(read_notebook(path), name or path.name)
    nbformat.validate(ex)
    for i, cell in enumerate(ex.cells, 1):
        for line in cell.source.split("\n"):
            if BEGIN_RE.match(line) or END_RE.match(line):
                raise BuildError(f"{path}, cell {i}: a solution marker survived the build: {line.strip()!r}")
    text = nbformat.writes(ex, version=4)
    return text if text.endswith("\n") else text + "\n"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- folders -----------------------------------------------------------------------------
def solution_notebooks(solutions_dir) -> list[Path]:
    root = Path(solutions_dir)
    return sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _exercise_notebooks(exercises_dir) -> list[Path]:
    root = Path(exercises_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _plan(solutions_dir, exercises_dir) -> dict[Path, str]:
    src, dst = Path(solutions_dir), Path(exercises_dir)
    if not src.is_dir():
        raise BuildError(f"no solutions folder {src}")
    return {dst / p.relative_to(src): exercise_text(p, p.relative_to(src).as_posix()) for p in solution_notebooks(src)}


def differences(solutions_dir, exercises_dir) -> list[str]:
    """What in ``exercises_dir`` differs from a fresh build (empty when up to date)."""
    plan = _plan(solutions_dir, exercises_dir)
    problems = []
    for path, text in plan.items():
        if not path.exists():
            problems.append(f"{path} is missing")
        elif path.read_bytes() != text.encode("utf-8"):
            problems.append(f"{path} differs from what its solution notebook builds")
    for path in _exercise_notebooks(exercises_dir):
        if path not in plan:
            problems.append(f"{path} has no solution notebook")
    return problems


def is_up_to_date(solutions_dir, exercises_dir) -> bool:
    return not differences(solutions_dir, exercises_dir)


def build_all(solutions_dir, exercises_dir) -> list[Path]:
    """Write every exercise (only files whose bytes change); remove stale generated ones.

    Every solution notebook is built in memory first, so one broken notebook
    stops the build before anything is written.
    """
    plan = _plan(solutions_dir, exercises_dir)
    written = []
    for path, text in plan.items():
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            _write_atomic(path, text)
            written.append(path)
    for path in _exercise_notebooks(exercises_dir):
        if path not in plan and _generated(path):
            path.unlink()
    return written


def _generated(path: Path) -> bool:
    """Only notebooks this builder wrote are ever removed."""
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return False
    return "courier_lab" in nb.get("metadata", {})
