"""The lockfiles are what `make install`, CI and the deployment install: each must pin, with hashes, a
version of every package pyproject.toml asks for that its range admits. A range changed without `make
lock` would otherwise go unnoticed until the next refresh."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")

# Each lockfile and the optional groups of pyproject.toml it covers, as the Makefile's `lock` writes them.
LOCKS = {
    "prod.txt": ["native"],
    "dev.txt": ["dev", "native", "types"],
    "bench.txt": ["dev", "native", "types", "bench"],
}


def read_lock(text: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of every pinned package of a `uv pip compile --generate-hashes` file."""
    pins: dict[str, tuple[str, list[str]]] = {}
    name = ""
    for line in text.splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match[1])
            pins[name] = (match[2], [])
        elif (stripped := line.strip()).startswith("--hash=sha256:") and name:
            pins[name][1].append(stripped.removeprefix("--hash=sha256:").rstrip(" \\"))
    return pins


def wanted(groups: list[str]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for group in groups:
        specs += project["optional-dependencies"][group]
    return [Requirement(spec) for spec in specs]


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_dependency_is_pinned_in_its_range_with_hashes(lock):
    pins = read_lock((ROOT / "requirements" / lock).read_text())
    for requirement in wanted(LOCKS[lock]):
        if requirement.marker and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements/{lock}: make lock"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock}: {requirement.name}=={version} not in {requirement.specifier}: make lock"
        )
    for pinned, (version, hashes) in pins.items():
        assert hashes, f"{pinned}=={version} in requirements/{lock} has no hash"
        assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in hashes), pinned


def test_the_locks_agree_on_every_shared_package():
    """prod ⊆ dev ⊆ bench, at the same versions: what the tests ran on is what is deployed."""
    prod, dev, bench = (read_lock((ROOT / "requirements" / name).read_text()) for name in LOCKS)
    for smaller, larger, label in ((prod, dev, "prod/dev"), (dev, bench, "dev/bench")):
        for name, (version, _) in smaller.items():
            assert name in larger, f"{name} ({label})"
            assert larger[name][0] == version, f"{name}: {version} vs {larger[name][0]} ({label})"


def test_the_lock_reader_reads_what_uv_writes():
    sample = (
        "django==6.1.3 \\\n"
        "    --hash=sha256:" + "a" * 64 + " \\\n"
        "    --hash=sha256:" + "b" * 64 + "\n"
        "    # via lishi-tourism (pyproject.toml)\n"
        "psycopg[binary]==3.3.2 ; python_version >= '3.12' \\\n"
        "    --hash=sha256:" + "c" * 64 + "\n"
    )
    assert read_lock(sample) == {
        "django": ("6.1.3", ["a" * 64, "b" * 64]),
        "psycopg": ("3.3.2", ["c" * 64]),
    }
