"""The hostile corpus (``tests/hostile/make_corpus.py``) through ``dingmi scan`` and ``dingmi
audit`` as real processes: every file ends as a report with the expected status and reason, the
rest of the batch is read normally, nothing runs past its time limit, the peak memory of the run
stays under the configured limit plus a margin, and the exit code is 3."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.catalogs import DEMO
from scanner.pipeline import ScanOptions, scan_file
from scanner.walk import WalkStats, walk
from scanner.workers.pool import InProcess, ProcessPool
from scanner.workers.task import Job, Task

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "hostile"))

from make_corpus import Case, make_corpus  # noqa: E402

TIMEOUT = 20  # seconds per file
MEMORY_MB = 512  # per file, above what a worker holds at rest
MARGIN_MB = 400  # a worker at rest: interpreter, parsers, the segmentation dictionary
AS_OF = "2026-11-22"
NORMAL = ("normal_1.docx", "normal_2.pdf")  # ordinary files that must be read as usual


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Case]]:
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    cases = make_corpus(folder)
    real = REPO / "tests" / "data" / "real"
    (folder / NORMAL[0]).write_bytes((real / "copilot_master_template.docx").read_bytes())
    (folder / NORMAL[1]).write_bytes((real / "copilot_master_template.pdf").read_bytes())
    cases += [Case(n, "ok", "", "an ordinary document") for n in NORMAL]
    return folder, cases


def run_measured(args: list[str]) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run dingmi in a fresh process that reports the peak RSS of dingmi and its workers."""
    wrapper = ("import resource, subprocess, sys; rc = subprocess.call(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
               " sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "scanner.cli",
                           *args], capture_output=True, text=True, timeout=600, cwd=REPO,
                          check=False)
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    return proc, peak_kb // 1024


def limits_args() -> list[str]:
    return ["--timeout", str(TIMEOUT), "--memory-mb", str(MEMORY_MB), "--as-of", AS_OF,
            "--jobs", "2", "--lang", "en", "--catalog", "demo"]


def check_case(case: Case, report: dict[str, object]) -> None:
    assert report["status"] == case.status, (case, report["reason_en"])
    assert case.reason in str(report["reason_en"] or ""), (case, report["reason_en"])


def test_scan_reports_every_hostile_file(corpus: tuple[Path, list[Case]], tmp_path: Path
                                         ) -> None:
    folder, cases = corpus
    out = tmp_path / "out"
    proc, peak_mb = run_measured(["scan", str(folder), "--out", str(out), "-q",
                                           *limits_args()])
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    reports = {}
    for path in out.rglob("*.report.json"):
        report = json.loads(path.read_bytes())
        reports[report["source"]["relative"]] = report
    for case in cases:
        check_case(case, reports[case.name])
    assert len(reports) == len(cases)
    for name in NORMAL:
        assert reports[name]["classification"], name
    assert peak_mb < MEMORY_MB + MARGIN_MB, peak_mb


def test_audit_reports_every_hostile_file(corpus: tuple[Path, list[Case]], tmp_path: Path
                                          ) -> None:
    folder, cases = corpus
    out = tmp_path / "audit"
    proc, peak_mb = run_measured(["audit", str(folder), "--out", str(out),
                                           *limits_args()])
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    with (out / "ledger.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["path"]: r for r in csv.DictReader(fh)}
    reports = {}
    for path in (out / "reports").rglob("*.report.json"):
        report = json.loads(path.read_bytes())
        reports[report["source"]["relative"]] = report
    assert len(reports) == len(cases)
    for case in cases:
        check_case(case, reports[case.name])
    assert len(rows) == len(cases)
    from openpyxl import load_workbook  # noqa: PLC0415

    sheet = load_workbook(out / "ledger.xlsx").active
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    with (out / "ledger.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert not [c for row in csv.reader(fh) for c in row if c.startswith(("=", "+", "@"))]
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["unreadable"] == sum(1 for c in cases if c.status == "unreadable")
    assert stats["unsupported"] == sum(1 for c in cases if c.status == "unsupported")
    assert peak_mb < MEMORY_MB + MARGIN_MB, peak_mb


def test_external_entities_are_never_resolved(corpus: tuple[Path, list[Case]]) -> None:
    folder, _ = corpus
    report = scan_file(folder / "external_entity.docx", ScanOptions(
        as_of=__import__("datetime").date(2026, 11, 22)))
    assert report.status == "unreadable"
    assert "root:" not in json.dumps([report.reason_zh, report.reason_en])


def test_file_deleted_between_listing_and_reading(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text("秘密★1年\n通知\n", encoding="utf-8")
    options = ScanOptions(as_of=__import__("datetime").date(2026, 11, 22))
    entries = list(walk([folder], None, WalkStats()))
    (folder / "a.txt").unlink()
    tasks = [Task(str(e.path), e.relative) for e in entries]
    with InProcess(Job({"": options}, ("json",))) as ex:
        in_process = [r.json() for r in ex.run(tasks)]
    assert [r["status"] for r in in_process] == ["unreadable", "ok"]
    assert "deleted" in (in_process[0]["reason_en"] or "")
    job = Job({"": ScanOptions(as_of=options.as_of, catalogs=(str(DEMO),))}, ("json",))
    with ProcessPool(job, 1) as pool:
        done = {Path(d.path).name: d.json() for d in pool.run(tasks)}
    assert done["a.txt"]["status"] == "unreadable" and "deleted" in done["a.txt"]["reason_en"]
    assert done["b.txt"]["status"] == "ok"


def test_sources_are_not_modified(corpus: tuple[Path, list[Case]], tmp_path: Path) -> None:
    folder, _ = corpus
    before = {p: (p.lstat().st_mtime_ns, p.lstat().st_mode, p.lstat().st_size)
              for p in folder.rglob("*")}
    proc, _ = run_measured(["scan", str(folder), "--out", str(tmp_path / "o"), "-q",
                               *limits_args()])
    assert proc.returncode == 3
    after = {p: (p.lstat().st_mtime_ns, p.lstat().st_mode, p.lstat().st_size)
             for p in folder.rglob("*")}
    assert after == before
    assert not any(os.fsdecode(p.name).startswith(".dingmi-") for p in folder.rglob("*"))
