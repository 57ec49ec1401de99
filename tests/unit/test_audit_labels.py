"""Every action written to the audit trail has a translated label (issue 14: raw keys in the log)."""
import ast
import importlib
import pathlib

from office.audit.views import ACTION_LABELS

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _sources():
    for path in sorted([*ROOT.joinpath("office").rglob("*.py"), *ROOT.joinpath("tasks").rglob("*.py")]):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _module(path):
    return importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


def _values(expr, module, function):
    """The action strings ``expr`` can be: a literal, a module constant, ``audit.X``, a choice
    between those, or a local variable assigned one of those in ``function``. A parameter
    comes back as ("param", index, name) for the caller to follow."""
    if isinstance(expr, ast.Constant):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        return _values(expr.body, module, function) + _values(expr.orelse, module, function)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        return [getattr(getattr(module, expr.value.id), expr.attr)]
    if isinstance(expr, ast.Name):
        if function is not None:
            assigned = [n.value for n in ast.walk(function) if isinstance(n, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
            if assigned:
                return [v for value in assigned for v in _values(value, module, function)]
            names = [a.arg for a in function.args.args]
            if expr.id in names:
                return [("param", function.name, names.index(expr.id), expr.id)]
        if isinstance(getattr(module, expr.id, None), str):
            return [getattr(module, expr.id)]
    return [f"<unresolved {ast.unparse(expr)}>"]


def _recorded_actions() -> dict[str, str]:
    """Each action passed to office.audit.trail.record anywhere under office/ and tasks/, by the
    place that records it (``record``/an alias imported from the trail, or ``trail.record``),
    following one level of functions that pass their parameter on as the action."""
    found, passed_on = {}, []
    for path, tree in _sources():
        aliases, trail_modules = set(), set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "office.audit.trail":
                aliases |= {a.asname or a.name for a in node.names if a.name == "record"}
            if isinstance(node, ast.ImportFrom) and node.module == "office.audit":
                trail_modules |= {a.asname or a.name for a in node.names if a.name == "trail"}
        if not aliases and not trail_modules:
            continue
        module = _module(path)
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            if not ((isinstance(func, ast.Name) and func.id in aliases) or (
                    isinstance(func, ast.Attribute) and func.attr == "record"
                    and isinstance(func.value, ast.Name) and func.value.id in trail_modules)):
                continue
            enclosing = next((f for f in functions if node in ast.walk(f)), None)
            for n, value in enumerate(_values(node.args[0], module, enclosing)):
                if isinstance(value, tuple):
                    passed_on.append(value[1:])
                else:
                    found[f"{path.relative_to(ROOT)}:{node.lineno}#{n}"] = value
    for name, index, param in passed_on:
        calls = 0
        for path, tree in _sources():
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if not ((isinstance(func, ast.Name) and func.id == name)
                        or (isinstance(func, ast.Attribute) and func.attr == name)):
                    continue
                arg = node.args[index] if len(node.args) > index else next(
                    (k.value for k in node.keywords if k.arg == param), None)
                if arg is None:
                    continue
                calls += 1
                for n, value in enumerate(_values(arg, _module(path), None)):
                    found[f"{path.relative_to(ROOT)}:{node.lineno}#{n}"] = value
        assert calls, f"{name}() passes its {param} to the audit trail but no call of it was found"
    return found


def test_the_scan_finds_the_recorders():
    actions = set(_recorded_actions().values())
    assert {"login", "logout", "password_reset", "order_notes_printed", "api_token_created",
            "approval_template_changed", "order_revealed"} <= actions


def test_every_recorded_action_has_a_label():
    missing = {where: action for where, action in _recorded_actions().items() if action not in ACTION_LABELS}
    assert not missing, f"audit actions recorded without a label in office/audit/views.py: {missing}"
