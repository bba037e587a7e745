"""Loading catalogues: the demo, broken fixtures with their exact messages, size, duplicates,
the compiled cache and the load time of a 10,000-item catalogue."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import rules.load
from rules import CatalogError, load_catalog, load_catalogs
from rules.load import MAX_BYTES

DATA = Path(__file__).resolve().parents[1] / "data"
BAD = DATA / "catalogs_bad"
DEMO = Path(__file__).resolve().parents[2] / "rules" / "catalogs" / "demo.yaml"


def _expected() -> list[tuple[str, str, str]]:
    with (BAD / "expected.tsv").open(encoding="utf-8") as fh:
        return [(r[0], r[1], r[2]) for r in csv.reader(fh, delimiter="\t")]


def test_demo_catalogue_loads() -> None:
    cat = load_catalog(DEMO)
    assert cat.fictional and 40 <= len(cat.items) <= 80
    assert all(i.examples_match and i.examples_no_match for i in cat.items)


def test_every_bad_fixture_is_listed() -> None:
    listed = {name for name, _, _ in _expected()}
    assert listed == {p.name for p in BAD.glob("*.yaml")}


@pytest.mark.parametrize(("name", "english", "chinese"), _expected(), ids=lambda x: str(x)[:30])
def test_bad_catalogue_message(name: str, english: str, chinese: str) -> None:
    path = BAD / name
    with pytest.raises(CatalogError) as exc:
        load_catalog(path)
    assert exc.value.text("en").replace(str(path), name) == english
    assert exc.value.text("zh").replace(str(path), name) == chinese
    assert exc.value.line > 0


def test_twenty_megabyte_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * (20 * 1024 * 1024) + b"\n")
    with pytest.raises(CatalogError) as exc:
        load_catalog(big)
    assert exc.value.text("en") == (
        f"{big}: catalogue file too large ({big.stat().st_size} bytes, limit {MAX_BYTES})")


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    copy.write_text(DEMO.read_text(encoding="utf-8").replace("id: demo", "id: demo2", 1),
                    encoding="utf-8")
    with pytest.raises(CatalogError) as exc:
        load_catalogs([DEMO, copy])
    assert "EDU-01" in exc.value.text("en") and str(DEMO) in exc.value.text("en")


def _big_catalogue(path: Path, n: int) -> Path:
    lines = ["catalog:", "  id: big", "  title: 生成的目录", "items:"]
    for i in range(n):
        lines += [f"  - id: G-{i:05d}", f"    title: 生成事项{i}", "    level: 秘密",
                  "    max_years: 5", "    match:", f"      all: [事项甲{i}]",
                  f"      any: [事项乙{i}, 事项丙{i}]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_ten_thousand_items_load_from_the_cache_without_parsing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second load of unchanged content is the compiled cache: the YAML is not parsed again
    (how long that takes is measured by bench/bench_match.py, not asserted here)."""
    path = _big_catalogue(tmp_path / "big.yaml", 10_000)
    cache = tmp_path / "cache"
    first = load_catalog(path, cache)
    assert len(first.items) == 10_000
    parsed: list[str] = []
    real = rules.load.parse_catalog
    monkeypatch.setattr(rules.load, "parse_catalog",
                        lambda *a, **k: parsed.append("again") or real(*a, **k))
    again = load_catalog(path, cache)
    assert again.items == first.items and again.sha256 == first.sha256
    assert parsed == []
    load_catalog(path, None)  # without a cache it is parsed: the probe sees parsing
    assert parsed == ["again"]


def test_cache_follows_content(tmp_path: Path) -> None:
    path = _big_catalogue(tmp_path / "c.yaml", 3)
    cache = tmp_path / "cache"
    assert len(load_catalog(path, cache).items) == 3
    _big_catalogue(path, 4)
    assert len(load_catalog(path, cache).items) == 4


def test_9_an_alias_bomb_catalogue_is_refused_before_it_expands(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    assert "aliases" in err.value.text("en") and err.value.line == 1  # the anchored value
