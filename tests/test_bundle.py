"""The offline bundle (tools/build_bundle.py), built for this machine's platform and Python
without the extras (pip's cache keeps it to a minute or two), unpacked and installed in a network
namespace without interfaces (``unshare -n``: no route anywhere), where ``dingmi scan examples/``
then runs; a bundle with an altered wheel is refused before anything is installed; and the
aarch64 set resolves from wheels alone for Python 3.10-3.12."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TOOL = REPO / "tools" / "build_bundle.py"
PY = f"{sys.version_info.major}.{sys.version_info.minor}"
ARCH = platform.machine()

pytestmark = pytest.mark.slow


def can_cut_the_network() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True,
                          check=False).returncode == 0


needs_unshare = pytest.mark.skipif(not can_cut_the_network(),
                                   reason="unshare -n is not allowed here (needs root)")


def base_python() -> str:
    """The interpreter beneath this virtual environment: what a clean machine has."""
    candidate = Path(sys.base_prefix) / "bin" / f"python{PY}"
    return str(candidate if candidate.exists() else Path(sys.base_prefix) / "bin" / "python3")


def offline(cmd: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """``cmd`` with no network at all, no pip settings of this machine, a fresh home."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PIP_CONFIG_FILE": "/dev/null",
           "LANG": "C.UTF-8"}
    return subprocess.run(["unshare", "-n", *cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if ARCH not in ("x86_64", "aarch64"):
        pytest.skip(f"bundles are built for x86_64 and aarch64, not {ARCH}")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, str(TOOL), "--out", str(out), "--arch", ARCH,
                           "--python", PY, "--extras", "", "--lang", "en"],
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    archives = list(out.glob("dingmi-*-offline-*.tar.gz"))
    assert len(archives) == 1, done.stdout
    return archives[0]


def unpack(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    (top,) = into.iterdir()
    return top


@needs_unshare
def test_the_bundle_installs_and_scans_with_the_network_cut(bundle: Path,
                                                            tmp_path: Path) -> None:
    top = unpack(bundle, tmp_path / "unpacked")
    names = {p.name for p in top.iterdir()}
    assert {"wheels", "install.sh", "SHA256SUMS", "examples", "deploy"} <= names
    wheels = {p.name.split("-")[0].lower() for p in (top / "wheels").glob("*.whl")}
    assert {"dingmi", "jieba", "lxml", "pypdfium2", "waitress", "flask"} <= wheels
    listed = (top / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(listed) == sum(1 for p in top.rglob("*") if p.is_file()) - 1
    home = tmp_path / "home"
    home.mkdir()
    # the namespace really has no network
    probe = offline([base_python(), "-c", "import socket; socket.create_connection("
                     "('151.101.0.223', 443), timeout=5)"], top, home)
    assert probe.returncode != 0 and "unreachable" in probe.stderr.lower(), probe.stderr
    prefix = tmp_path / "opt-dingmi"
    done = offline(["sh", "install.sh", str(prefix)], top, home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "checksums verified" in done.stdout
    dingmi = prefix / "venv" / "bin" / "dingmi"
    scan = offline([str(dingmi), "scan", "examples/", "--config", "examples/dingmi.yaml",
                    "--lang", "en"], top, home)
    assert scan.returncode == 1, scan.stdout + scan.stderr  # the examples' deliberate errors
    assert "7 files" in scan.stdout, scan.stdout
    assert len(list((top / "dingmi-reports").rglob("*.report.json"))) >= 6
    # the installed dingmi is the bundle's, not this checkout
    where = offline([str(prefix / "venv" / "bin" / "python"), "-c",
                     "import scanner; print(scanner.__file__)"], top, home)
    assert str(prefix) in where.stdout, where.stdout + where.stderr


@needs_unshare
def test_an_altered_bundle_is_refused_before_anything_is_installed(bundle: Path,
                                                                   tmp_path: Path) -> None:
    top = unpack(bundle, tmp_path / "unpacked")
    wheel = next((top / "wheels").glob("lxml-*.whl"))
    data = bytearray(wheel.read_bytes())
    data[len(data) // 2] ^= 0xFF
    wheel.write_bytes(bytes(data))
    (top / "wheels" / "extra-1.0-py3-none-any.whl").write_bytes(b"PK")
    home = tmp_path / "home"
    home.mkdir()
    prefix = tmp_path / "opt-dingmi"
    done = offline(["sh", "install.sh", str(prefix)], top, home)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"checksum mismatch or missing: wheels/{wheel.name}" in done.stderr, done.stderr
    assert "not in SHA256SUMS: wheels/extra-1.0-py3-none-any.whl" in done.stderr
    assert not prefix.exists()


def test_the_aarch64_set_is_complete() -> None:
    """Every requirement (the extras too) resolves from wheels alone on manylinux aarch64 for
    Python 3.10, 3.11 and 3.12 (pip's resolver against the index, nothing installed)."""
    done = subprocess.run([sys.executable, str(TOOL), "--check", "--arch", "aarch64",
                           "--extras", "ocr,dask", "--lang", "en"], capture_output=True,
                          text=True, timeout=900, check=False, env={**os.environ})
    assert done.returncode == 0, done.stdout + done.stderr
    for py in ("3.10", "3.11", "3.12"):
        assert f"aarch64 / Python {py}: every requirement has a wheel" in done.stdout
