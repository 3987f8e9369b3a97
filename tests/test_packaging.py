"""pyproject.toml and environment.yml list the same dependencies; the README's commands are real."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _name_and_spec(requirement: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = data["project"]["dependencies"] + [r for extra in data["project"]["optional-dependencies"].values() for r in extra]
    return dict(_name_and_spec(r) for r in reqs)


def conda_requirements() -> dict[str, str]:
    reqs, in_pip = {}, False
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("\ndependencies:", 1)[1].splitlines():
        stripped = line.split("#", 1)[0].rstrip()
        if re.match(r"^\s*- pip:\s*$", stripped):
            in_pip = True
            continue
        m = re.match(r"^  - ([^\s].*)$", stripped)
        if m and not in_pip:
            reqs.update([_name_and_spec(m.group(1))])
    for tool in ("python", "pip"):
        reqs.pop(tool, None)
    return reqs


def test_environment_yml_and_pyproject_list_the_same_dependencies():
    assert conda_requirements() == pyproject_requirements()


def test_environment_installs_the_package_itself():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"- pip:\s*\n\s*- -e \.", text)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash .ci/run" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pytest" in ci and '-e ".[test]"' in ci
    # parallel workers must not split a notebook's cells (nbval) or the browser tests' server
    if re.search(r"pytest .*-n ", ci):
        assert "--dist loadfile" in ci


def test_readme_trainer_command_serves_the_notebook_the_browser_tests_check():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    served = re.findall(r"^voila (notebooks/\S+\.ipynb)$", readme, flags=re.M)
    assert served, "the README gives no one-line `voila notebooks/...` command for trainers"
    browser_tests = (ROOT / "tests" / "browser" / "test_dashboards.py").read_text(encoding="utf-8")
    for path in served:
        assert (ROOT / path).is_file(), path
        assert f'"{Path(path).name}"' in browser_tests, f"{path} is not among the browser tests' Voilà pages"
