"""The links judged in parallel (``scanner.derived.join``): worker processes here (``--jobs 2``)
and a real Dask cluster's workers give the same links, findings and 派生关系 rows as the
coordinator alone, on the evaluation set."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import scanner.audit.run as audit_run
from scanner.cli import main
from scanner.derived import archive

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "derived" / "docs"


def _audit(out: Path, *extra: str) -> None:
    assert main(["audit", str(DATA), "--out", str(out), "--as-of", "2026-06-30", *extra]) == 0


def _results(out: Path) -> dict[str, Any]:
    found = {}
    for f in (out / "reports").glob("*.report.json"):
        r = json.loads(f.read_text(encoding="utf-8"))
        found[f.name] = (r.get("links"), [x for x in r["findings"] if x.get("stage")],
                         r["verdict"])
    return found


def _counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Chunks given to the runner, then chunks it returned (the workers judged them all: no
    fall-back to the coordinator)."""
    calls: list[int] = []
    real: Callable[..., Any] = getattr(audit_run, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        runner = real(*args, **kwargs)

        def run(parts: Any, *rest: Any) -> Any:
            calls.append(len(parts))
            got = 0
            for part in runner(parts, *rest):
                got += 1
                yield part
            calls.append(got)
        return run
    monkeypatch.setattr(audit_run, name, wrapped)
    return calls


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("alone") / "out"
    _audit(out, "--jobs", "1")  # (no runner: the coordinator judges every document)
    return out


def test_worker_processes_judge_as_the_coordinator(alone: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "PARALLEL_MIN", 0)
    calls = _counted(monkeypatch, "local_runner")
    _audit(tmp_path / "out", "--jobs", "2")
    assert len(calls) == 2 and calls[0] >= 2 and calls[1] == calls[0]  # (spawned processes)
    assert (tmp_path / "out" / "derived.csv").read_bytes() == (alone / "derived.csv").read_bytes()
    assert _results(tmp_path / "out") == _results(alone)


def test_few_documents_are_judged_by_the_coordinator(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch, "local_runner")
    _audit(tmp_path / "out", "--jobs", "2")  # 105 < PARALLEL_MIN: no start-up to pay
    assert calls == []


@pytest.mark.slow
def test_dask_workers_judge_as_the_coordinator(alone: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from test_cluster import Cluster  # noqa: PLC0415 - a scheduler and two workers

    monkeypatch.setattr(archive, "PARALLEL_MIN", 0)
    calls = _counted(monkeypatch, "dask_runner")
    (tmp_path / "cluster").mkdir()
    cluster = Cluster(tmp_path / "cluster")
    try:
        _audit(tmp_path / "out", "--executor", f"dask://127.0.0.1:{cluster.port}")
    finally:
        cluster.close()
    assert len(calls) == 2 and calls[0] >= 2 and calls[1] == calls[0]
    assert (tmp_path / "out" / "derived.csv").read_bytes() == (alone / "derived.csv").read_bytes()
    assert _results(tmp_path / "out") == _results(alone)


def test_lost_workers_leave_the_rest_to_the_coordinator(alone: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers lost after the first chunk: the coordinator judges what is left, and the
    results are the same."""
    monkeypatch.setattr(archive, "PARALLEL_MIN", 0)
    real = audit_run.local_runner

    def failing(*args: Any, **kwargs: Any) -> Any:
        runner = real(*args, **kwargs)

        def run(parts: Any, *rest: Any) -> Any:
            yield from runner(parts[:1], *rest)
            raise OSError("the workers went away")
        return run
    monkeypatch.setattr(audit_run, "local_runner", failing)
    _audit(tmp_path / "out", "--jobs", "2")
    assert (tmp_path / "out" / "derived.csv").read_bytes() == (alone / "derived.csv").read_bytes()
    assert _results(tmp_path / "out") == _results(alone)
