"""The tree keeps its shape: no import cycle, rules never reach the web layer, the README's map
names every module. See docs/architecture.md; the graph is read by scripts/import_graph.py."""
from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(graph)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_no_import_cycle_counting_imports_inside_functions():
    assert graph.cycles(graph.graph()) == []


def test_rules_and_models_never_reach_views_or_the_request():
    assert graph.layer_violations(graph.graph()) == []


def test_the_classification_sees_what_it_should():
    # A guard for the two tests above: they would pass vacuously if nothing counted as a rule or a view.
    modules = graph.module_files()
    assert graph.is_web("office.orders.views.desk") and graph.is_web("office.feed.views")
    assert graph.is_web("office.approvals.pages") and graph.is_web("office.orders.live")
    assert graph.is_rule("office.orders.lifecycle") and graph.is_rule("office.models.orders")
    assert graph.is_rule("office.live.events") and graph.is_rule("tasks.orders")
    assert not graph.is_web("office.live") and not graph.is_web("office.models.live")
    assert sum(graph.is_rule(name) for name in modules) > 80


# Run in a fresh interpreter: each rule module is imported in a forked child of a process that
# has loaded only third-party packages, and reports the project's view modules it loaded.
_PROBE = r"""
import importlib, json, os, sys
import flask, flask_babel, flask_login, flask_wtf, peewee, huey, wtforms  # third-party only
names = json.loads(sys.argv[1])
found = {}
for name in names:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(name)
            loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("office", "tasks", "app")
                            and (m.endswith("views") or ".views." in m or m == "app"))
        except Exception as error:  # reported, not hidden
            loaded = ["import failed: %r" % error]
        os.write(write, json.dumps(loaded).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while True:
        chunk = os.read(read, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    found[name] = json.loads(b"".join(chunks) or b"[]")
print(json.dumps(found))
"""


def test_importing_any_rule_module_loads_no_views():
    names = sorted(name for name in graph.module_files() if graph.is_rule(name))
    result = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(names)], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    loaded = {name: views for name, views in json.loads(result.stdout).items() if views}
    assert loaded == {}
    assert "office.orders.lifecycle" in names


def _readme_map() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"## Where things live\n.*?```\n(.*?)```", text, re.S)
    assert match, "README.md has a 'Where things live' block"
    return match.group(1)


def _sections(block: str) -> list[tuple[set[str], str]]:
    """(directories the section is about, its text) for each section of the map: a line that
    starts, indented at most two spaces, with ``name/`` (or several) opens one; deeper-indented
    lines continue it."""
    sections: list[tuple[set[str], str]] = []
    for line in block.splitlines():
        head = re.match(r"^ {0,2}((?:[\w.]+/ +)+)", line + " ")
        if head:
            sections.append((set(re.findall(r"([\w.]+)/", head.group(1))), line))
        elif sections:
            dirs, text = sections[-1]
            sections[-1] = (dirs, text + "\n" + line)
    return sections


def test_readme_map_names_every_module():
    sections = _sections(_readme_map())
    missing = []
    for name, path in graph.module_files().items():
        parts = path.relative_to(ROOT).parts
        if parts[0] not in ("office", "tasks") or path.name == "__init__.py":
            continue
        # office/db.py is named in the office/ section, office/orders/views/desk.py in orders/'s.
        home = parts[0] if len(parts) == 2 else parts[1]
        texts = [text for dirs, text in sections if home in dirs]
        if not any(re.search(rf"(?<![\w.]){re.escape(path.stem)}(\.py\b|\b)", text) for text in texts):
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []
