"""Run dingmi over fixed inputs and keep every output, or compare two such runs.

Used to show that a change of structure changes no result: reports, ledgers, declassification
lists, statistics and summaries must be the same before and after, timings aside (the
inputs are read from the same places, so paths compare too).

    python bench/compare_outputs.py run OUT        # scan the shared corpus and the evaluation
                                                    # set, audit a generated archive, into OUT
    python bench/compare_outputs.py diff A B       # exit 1 and list the files that differ

The generated archive is made once (``OUT/archive``) by ``bench/make_archive.py`` with a fixed
seed; pass ``--archive DIR`` to reuse one, so both runs read the very same files.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus" / "real"
EVAL = ROOT / "tests" / "data" / "eval" / "docs"
AS_OF = "2026-11-22"
VOLATILE = {"timings"}  # inputs are read from the same places: paths compare too


def _dingmi(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "scanner.cli", *args], cwd=ROOT, check=False,
                   stdout=subprocess.DEVNULL)


def run(out: Path, archive: Path | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    _dingmi("scan", str(SHARED), "--out", str(out / "real"), "--as-of", AS_OF, "-q",
            "--catalog", str(ROOT / "rules" / "catalogs" / "demo.yaml"))
    _dingmi("scan", str(EVAL), "--out", str(out / "eval"), "--as-of", AS_OF, "-q",
            "--catalog", str(ROOT / "rules" / "catalogs" / "demo.yaml"))
    if archive is None:
        archive = out / "archive-src"
        if not archive.exists():
            subprocess.run([sys.executable, str(ROOT / "bench" / "make_archive.py"),
                            str(archive), "--files", "300"], check=True)
    _dingmi("audit", str(archive), "--out", str(out / "audit"), "--as-of", AS_OF, "--jobs", "2",
            "--catalog", str(ROOT / "rules" / "catalogs" / "demo.yaml"))


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _normal(path: Path) -> bytes:
    data = path.read_bytes()
    name = path.name
    if name.endswith(".json"):
        return json.dumps(_strip(json.loads(data)), ensure_ascii=False, sort_keys=True).encode()
    if name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = [(n, zf.read(n)) for n in sorted(zf.namelist()) if not n.startswith("docProps")]
        return b"\n".join(n.encode() + b"\0" + body for n, body in parts)
    if name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        return json.dumps(rows, ensure_ascii=False).encode()
    return data


def diff(a: Path, b: Path) -> int:
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file() and "archive-src" not in
               p.parts and p.suffix != ".sqlite" and not p.name.startswith("audit.sqlite")}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file() and "archive-src" not in
               p.parts and p.suffix != ".sqlite" and not p.name.startswith("audit.sqlite")}
    bad = sorted(str(p) for p in files_a ^ files_b)
    for only in bad:
        print(f"only in one run: {only}")
    same = 0
    for rel in sorted(files_a & files_b):
        if _normal(a / rel) != _normal(b / rel):
            print(f"differs: {rel}")
            bad.append(str(rel))
        else:
            same += 1
    print(f"{same} files identical, {len(bad)} differ or are missing")
    return 1 if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("out", type=Path)
    r.add_argument("--archive", type=Path, default=None)
    d = sub.add_parser("diff")
    d.add_argument("a", type=Path)
    d.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "run":
        run(args.out, args.archive)
    else:
        sys.exit(diff(args.a, args.b))


if __name__ == "__main__":
    main()
