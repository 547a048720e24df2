"""The house rules of DESIGN.md ("Layout"), checked on the tree: every domain has the same rooms,
a room that grows becomes a folder of the same name, and no file grows past 400 lines."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("registry", "accounts", "calls", "applications", "scoring", "awards", "reporting")
ROOMS = frozenset(
    {
        "__init__",
        "tables",
        "states",
        "rules",
        "service",
        "queries",
        "schemas",
        "api",
        "pages",
        "forms",
        "exports",
        "notify",
        "piccolo_app",
    }
)
FOLDER_ROOMS = frozenset({"service", "queries", "pages", "exports", "schemas", "api", "rules"})
AUDIENCES = ("portal", "staff", "reviewer", "public", "municipality")
MAX_LINES = 400


def for_audience(stem: str) -> bool:
    """`staff` or `staff_ranking`: a pages module named for its audience (not `staffing`)."""
    return stem in AUDIENCES or stem.startswith(tuple(f"{a}_" for a in AUDIENCES))


def misplaced(domain_dir: Path) -> list[str]:
    """The names in a domain package that are not rooms of the layout (or not where a room may be)."""
    wrong: list[str] = []
    for entry in sorted(domain_dir.iterdir()):
        if entry.name in {"__pycache__", "piccolo_migrations"}:
            continue
        if entry.is_dir():
            if entry.name not in FOLDER_ROOMS:
                wrong.append(f"{entry.name}/")
                continue
            for module in sorted(entry.glob("*.py")):
                if entry.name == "pages" and module.stem != "__init__" and not for_audience(module.stem):
                    wrong.append(f"pages/{module.name}")
            if not (entry / "__init__.py").exists():
                wrong.append(f"{entry.name}/__init__.py missing")
            if (domain_dir / f"{entry.name}.py").exists():
                wrong.append(f"{entry.name}.py beside {entry.name}/")
        elif entry.suffix == ".py" and entry.stem not in ROOMS:
            wrong.append(entry.name)
    return wrong


@pytest.mark.parametrize("domain", DOMAINS)
def test_domain_modules_are_rooms_of_the_layout(domain: str) -> None:
    assert misplaced(ROOT / "grants" / domain) == []


def test_layout_check_names_a_module_outside_the_rooms(tmp_path: Path) -> None:
    domain = tmp_path / "awards"
    (domain / "pages").mkdir(parents=True)
    for name in (
        "__init__.py",
        "tables.py",
        "lifecycle.py",
        "pages/__init__.py",
        "pages/staff.py",
        "pages/staffing.py",
        "pages/decision.py",
    ):
        (domain / name).write_text("")
    (domain / "helpers").mkdir()
    assert misplaced(domain) == ["helpers/", "lifecycle.py", "pages/decision.py", "pages/staffing.py"]


def test_every_domain_exports_its_routes_and_the_app_serves_them() -> None:
    import importlib

    from grants.app import create_app

    routes = {d: getattr(importlib.import_module(f"grants.{d}"), "routes", None) for d in DOMAINS}
    assert [d for d, r in routes.items() if not (isinstance(r, list) and r)] == []
    served = {
        getattr(handler.fn, "__func__", handler.fn)  # a controller's handler is bound to its instance
        for route in create_app().routes
        for handler in getattr(route, "route_handlers", [])
    }
    unserved = [
        f"{d}: {function.__qualname__}"
        for d, handlers in routes.items()
        for controller in handlers
        for function in _handler_functions(controller)
        if function not in served
    ]
    assert unserved == []


def _handler_functions(controller: object) -> list[object]:
    """The functions of a controller's route handlers (or of a lone handler)."""
    if isinstance(controller, type):
        return [v.fn for v in vars(controller).values() if hasattr(v, "fn") and hasattr(v, "http_methods")]
    return [getattr(controller, "fn", controller)]


def long_files() -> list[str]:
    files = [
        path
        for folder in ("grants", "admin", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if "piccolo_migrations" not in path.parts
    ]
    return sorted(
        f"{path.relative_to(ROOT)}: {count}"
        for path in files
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )


def test_no_file_over_400_lines() -> None:
    assert long_files() == []


TEST_ROOMS = ("service", "api", "pages", "rules", "queries", "exports", "notify", "states", "forms")


def misnamed_tests(folder: Path, modules: tuple[str, ...]) -> list[str]:
    """Test modules of a domain (or of core) whose name does not say which room (or module) they test."""
    return sorted(
        path.name
        for path in folder.glob("*.py")
        if path.stem not in {"__init__", "conftest"}
        and not any(path.stem == f"test_{m}" or path.stem.startswith(f"test_{m}_") for m in modules)
    )


@pytest.mark.parametrize("domain", DOMAINS)
def test_domain_tests_are_named_for_the_room_they_test(domain: str) -> None:
    assert (ROOT / "tests" / domain).is_dir()
    assert misnamed_tests(ROOT / "tests" / domain, TEST_ROOMS) == []


def test_core_tests_are_named_for_the_module_they_test() -> None:
    core_modules = tuple(p.stem for p in (ROOT / "grants" / "core").glob("*.py") if p.stem != "__init__")
    assert misnamed_tests(ROOT / "tests" / "core", core_modules) == []
