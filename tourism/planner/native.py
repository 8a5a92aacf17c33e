"""The solver compiled to C with mypyc: the same code, about three times faster. No Django.

``model``, ``exact`` and ``heuristic`` are plain, fully typed Python. ``make install`` compiles them with
mypyc (``native.build()``) into extension modules next to their sources, which Python
then imports instead of the ``.py`` files. The plans are the same either way: the search counts its
steps, not seconds, so only the time changes. Without a C compiler the sources run as they are.

A compiled module built from older sources would silently run old code, so the build records a digest
of the sources, and ``load`` (run when ``tourism.planner`` is imported) falls back to the sources when
the digest no longer matches, with a warning. ``PLANNER_NATIVE=0`` in the environment also makes it use
the sources.
"""

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = "tourism.planner"
COMPILED = ("model", "exact", "heuristic")
"""Compiled, in the order they import each other."""
GROUP = f"{PACKAGE}.solver_native"
"""mypyc's shared library for the group (``solver_native__mypyc``), next to the modules."""
DIGEST = HERE / "native.sha256"
"""Written by the build: the digest of the sources the extension modules were compiled from."""


def digest() -> str:
    sources = hashlib.sha256()
    for name in COMPILED:
        sources.update((HERE / f"{name}.py").read_bytes())
    return sources.hexdigest()


def binaries() -> list[Path]:
    """The extension modules built here for this Python, the group's shared library included."""
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    names = (*COMPILED, GROUP.rsplit(".", 1)[1] + "__mypyc")
    return [
        HERE / f"{name}{suffix}"
        for name in names
        for suffix in suffixes
        if (HERE / f"{name}{suffix}").exists()
    ]


def is_compiled() -> bool:
    """Whether the solver that runs is the compiled one."""
    heuristic = importlib.import_module(f"{PACKAGE}.heuristic")
    return not str(heuristic.__file__).endswith(".py")


def load() -> None:
    """Make the sources the modules that run, unless fresh compiled ones are there and wanted."""
    if not binaries():
        return
    wanted = os.environ.get("PLANNER_NATIVE", "1") != "0"
    if wanted and DIGEST.exists() and DIGEST.read_text().strip() == digest():
        return
    if wanted:
        warnings.warn(
            "行程规划的编译版本与源代码不一致，改用源代码（运行 make install 重新编译）。"
            " The compiled trip solver is older than its sources; running the sources instead "
            "(make install compiles it again).",
            RuntimeWarning,
            stacklevel=2,
        )
    package = sys.modules[PACKAGE]
    for name in COMPILED:
        spec = importlib.util.spec_from_file_location(f"{PACKAGE}.{name}", HERE / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        setattr(package, name, module)


def build() -> None:
    """Compile the modules in place (needs mypy, setuptools and a C compiler) and record their digest."""
    from mypyc.build import mypycify
    from setuptools import setup

    for path in binaries():
        path.unlink()
    DIGEST.unlink(missing_ok=True)
    root = HERE.parent.parent
    os.chdir(root)
    sources = [str((HERE / f"{name}.py").relative_to(root)) for name in COMPILED]
    setup(
        name="tourism-planner-native",
        ext_modules=mypycify(
            ["--ignore-missing-imports", *sources], group_name=GROUP, target_dir="build/mypyc"
        ),
        script_args=["--quiet", "build_ext", "--inplace", "--build-temp", "build/mypyc"],
    )
    DIGEST.write_text(digest() + "\n")
