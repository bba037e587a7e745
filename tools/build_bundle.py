"""Build dingmi's offline bundle: one archive that installs dingmi with no package index in reach.

Run where the index is reachable::

    python tools/build_bundle.py --out dist/     # x86-64 and aarch64, 3.10-3.12, ocr and dask
    python tools/build_bundle.py --out dist/ --arch x86_64 --python 3.11 --extras ""
    python tools/build_bundle.py --check --arch aarch64    # a requirement without a wheel?

The archive ``dingmi-VERSION-offline-ARCHES.tar.gz`` holds ``dingmi-VERSION-offline/`` with
``wheels/`` (every wheel dingmi needs on the chosen platforms and Python versions, the project's
own among them), ``install.sh`` (verifies the checksums, makes a virtual environment, installs with
``pip install --no-index --find-links``), ``SHA256SUMS`` (every other file's SHA-256, as
``sha256sum -c`` reads it), ``EXTRAS`` (the extras inside), ``examples/``, ``deploy/`` (the
systemd units and their settings files) and ``install.zh.md``.

Wheels come from the index as binaries only (``--only-binary=:all:``, a platform and a Python
version each); a requirement published only as source (jieba) must be pure Python: it is built
once into a ``py3-none-any`` wheel here, which serves every platform.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scanner import __version__  # noqa: E402
from scanner.messages import Msg  # noqa: E402

ARCHES = ("x86_64", "aarch64")
PYTHONS = ("3.10", "3.11", "3.12")
# manylinux_2_28: glibc 2.28, what Kylin V10 and UOS 20 ship; pip also takes the older tags
PLATFORMS = ("manylinux_2_28_{arch}", "manylinux2014_{arch}")

BUILDING = Msg("正在构建 {what}", "building {what}")
DOWNLOADING = Msg("正在下载 {arch} / Python {py} 的依赖", "downloading the wheels for {arch} / "
                  "Python {py}")
WRITTEN = Msg("离线安装包：{path}（{n} 个 wheel，{mb:.0f} MB）",
              "offline bundle: {path} ({n} wheels, {mb:.0f} MB)")
FAILED = Msg("pip 失败（{what}）：\n{log}", "pip failed ({what}):\n{log}")
MISSING = Msg("{arch} / Python {py}：{req} 没有可用的 wheel", "{arch} / Python {py}: no wheel "
              "for {req}")
COMPLETE = Msg("{arch} / Python {py}：每个依赖都有 wheel", "{arch} / Python {py}: every "
               "requirement has a wheel")

INSTALL_SH = r"""#!/bin/sh
# dingmi offline install: verify the checksums, make a virtual environment, install from wheels/.
#   sh install.sh [PREFIX]        (default /opt/dingmi; the environment is PREFIX/venv)
# PYTHON=python3.11 sh install.sh picks the interpreter (3.10, 3.11 or 3.12); EXTRAS=ocr (or
# EXTRAS=) installs fewer extras than the bundle holds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${1:-/opt/dingmi}
python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || { echo "找不到 $python / $python not found" >&2; exit 2; }
"$python" - "$here" <<'EOF' || exit 2
import hashlib, pathlib, sys
here = pathlib.Path(sys.argv[1])
bad, seen = [], set()
for line in (here / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
    digest, _, name = line.partition("  ")
    seen.add(name)
    path = here / name
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        bad.append(name)
        continue
    if h.hexdigest() != digest:
        bad.append(name)
extra = [str(p.relative_to(here)) for p in (here / "wheels").iterdir()
         if str(p.relative_to(here)) not in seen]
if bad or extra:
    for name in bad:
        print(f"校验失败 / checksum mismatch or missing: {name}", file=sys.stderr)
    for name in extra:
        print(f"不在校验清单中 / not in SHA256SUMS: {name}", file=sys.stderr)
    print("安装包已损坏或被改动，未安装 / the bundle is damaged or altered: nothing installed",
          file=sys.stderr)
    sys.exit(2)
print(f"校验通过 / checksums verified ({len(seen)})")
EOF
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
tag=$("$python" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
found=
for wheel in "$here"/wheels/*-"$tag"-*.whl; do [ -e "$wheel" ] && found=1; break; done
if [ -z "$found" ]; then
    have=$(cat "$here/PYTHONS")
    echo "本安装包不含 Python $version 的 wheel，请用 PYTHON= 指定其中的版本：$have /" \
         "the bundle has no wheels for Python $version: give PYTHON= one of $have" >&2
    exit 2
fi
"$python" -m venv "$prefix/venv"
extras=${EXTRAS-$(cat "$here/EXTRAS")}   # EXTRAS= sh install.sh: without the bundled extras
spec="dingmi==$(cat "$here/VERSION")"
[ -n "$extras" ] && spec="dingmi[$extras]==$(cat "$here/VERSION")"
# only the bundle: no index, no settings of this machine's pip
PIP_CONFIG_FILE=/dev/null "$prefix/venv/bin/python" -m pip install --quiet --no-index \
    --find-links "$here/wheels" --disable-pip-version-check "$spec"
echo "已安装到 $prefix/venv（$prefix/venv/bin/dingmi）/ installed in $prefix/venv"
"""


def pip(*args: str, what: str, lang: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", *args, "--disable-pip-version-check"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(FAILED.format(what=what, log=(done.stdout + done.stderr)[-3000:])
                         .text(lang))


def target_args(arch: str, py: str) -> list[str]:
    tag = "cp" + py.replace(".", "")
    args = ["--only-binary=:all:", "--python-version", py, "--implementation", "cp",
            "--abi", tag, "--abi", "abi3", "--abi", "none"]
    for platform in PLATFORMS:
        args += ["--platform", platform.format(arch=arch)]
    return args


def own_wheel(into: Path, lang: str) -> Path:
    print(BUILDING.format(what=f"dingmi {__version__}").text(lang), flush=True)
    pip("wheel", "--no-deps", "--quiet", "-w", str(into), str(ROOT), what="dingmi", lang=lang)
    return next(into.glob(f"dingmi-{__version__}-*.whl"))


def pure_wheels(own: Path, extras: list[str], into: Path, lang: str) -> None:
    """Wheels for this machine of everything dingmi requires, built here where a requirement
    is published as source only (jieba); the pure-Python ones (``-none-any``) go into ``into``
    and serve every platform. A source-only requirement that is not pure Python is left out:
    the downloads after then name it."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = f"{own}[{','.join(extras)}]" if extras else str(own)
        pip("wheel", "--quiet", "-w", tmp, spec, what="pip wheel", lang=lang)
        for wheel in Path(tmp).glob("*-none-any.whl"):
            if not wheel.name.startswith("dingmi-"):
                shutil.copy(wheel, into / wheel.name)


def download(own: Path, extras: list[str], target: tuple[str, str], wheels: Path,
             lang: str) -> None:
    arch, py = target
    print(DOWNLOADING.format(arch=arch, py=py).text(lang), flush=True)
    spec = f"{own}[{','.join(extras)}]" if extras else str(own)
    pip("download", "--quiet", *target_args(arch, py), "--find-links", str(wheels), "-d",
        str(wheels), spec, what=f"{arch} / Python {py}", lang=lang)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def build(out: Path, arches: list[str], pythons: list[str], extras: list[str],
          lang: str) -> Path:
    name = f"dingmi-{__version__}-offline"
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp) / name
        wheels = top / "wheels"
        wheels.mkdir(parents=True)
        own = own_wheel(wheels, lang)
        pure_wheels(own, extras, wheels, lang)
        for arch in arches:
            for py in pythons:
                download(own, extras, (arch, py), wheels, lang)
        script = top / "install.sh"
        script.write_text(INSTALL_SH, encoding="utf-8")
        script.chmod(0o755)
        (top / "EXTRAS").write_text(",".join(extras) + "\n", encoding="utf-8")
        (top / "VERSION").write_text(__version__ + "\n", encoding="utf-8")
        (top / "PYTHONS").write_text(" ".join(pythons) + "\n", encoding="utf-8")
        shutil.copytree(ROOT / "examples", top / "examples")
        shutil.copytree(ROOT / "deploy", top / "deploy")
        guide = ROOT / "docs" / "install.zh.md"
        if guide.exists():
            shutil.copy(guide, top / "install.zh.md")
        files = sorted(p for p in top.rglob("*") if p.is_file())
        (top / "SHA256SUMS").write_text(
            "".join(f"{sha256(p)}  {p.relative_to(top).as_posix()}\n" for p in files),
            encoding="utf-8")
        out.mkdir(parents=True, exist_ok=True)
        archive = out / f"{name}-{'-'.join(arches)}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(top, arcname=name)
        n = len(list(wheels.glob("*.whl")))
    print(WRITTEN.format(path=archive, n=n, mb=archive.stat().st_size / 2**20).text(lang))
    return archive


def check(arches: list[str], pythons: list[str], extras: list[str], lang: str) -> int:
    """Whether every requirement (and what it requires) has a wheel for each platform: pip
    resolves dingmi's own wheel there, wheels only (those built here from source-only pure
    Python packages beside them, as in a bundle), without installing anything. Exit 1 when a
    requirement has none, naming it."""
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        wheels = Path(tmp) / "wheels"
        wheels.mkdir()
        own = own_wheel(wheels, lang)
        pure_wheels(own, extras, wheels, lang)
        spec = f"{own}[{','.join(extras)}]" if extras else str(own)
        for arch in arches:
            for py in pythons:
                done = subprocess.run(
                    [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet",
                     "--ignore-installed", "--target", str(Path(tmp) / "target"),
                     "--disable-pip-version-check", "--find-links", str(wheels),
                     *target_args(arch, py), spec],
                    capture_output=True, text=True, check=False,
                    env={**os.environ, "PIP_NO_INPUT": "1"})
                if done.returncode == 0:
                    print(COMPLETE.format(arch=arch, py=py).text(lang))
                    continue
                failed += 1
                found = re.findall(r"No matching distribution found for (\S+)", done.stderr)
                req = ", ".join(found) or done.stderr.strip().splitlines()[-1]
                print(MISSING.format(arch=arch, py=py, req=req).text(lang))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--arch", action="append", choices=ARCHES, default=None)
    parser.add_argument("--python", action="append", choices=PYTHONS, default=None)
    parser.add_argument("--extras", default="ocr,dask",
                        help='extras to bundle, comma-separated ("" for none)')
    parser.add_argument("--check", action="store_true",
                        help="only report the requirements without a wheel for the platforms")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args(argv)
    arches = args.arch or list(ARCHES)
    pythons = args.python or list(PYTHONS)
    extras = [e for e in args.extras.split(",") if e.strip()]
    if args.check:
        return check(arches, pythons, extras, args.lang)
    build(args.out, arches, pythons, extras, args.lang)
    return 0


if __name__ == "__main__":
    sys.exit(main())
