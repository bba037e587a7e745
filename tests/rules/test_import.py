"""Importing an officer's 一览表 as it is written: the published header names (国家秘密事项名称,
控制范围…), term cells with their label (解密条件:签约后), and match terms that are the items'
distinctive noun phrases: each item matches its own title sentence and none matches public texts
(the committed ones, and the shared corpus's where it is present)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import yaml
from conftest import DATA_TEXTS, HAS_SHARED, SHARED

from rules import Matcher, load_catalog
from rules.importer import import_sheet
from scanner.pipeline import ScanOptions, scan_file

# the published layout of a unit's 国家秘密事项一览表
HEAD = ["序号", "国家秘密事项名称", "密级", "保密期限", "控制范围", "定密依据"]
ROWS = [  # title, level, term cell, scope
    ("未公开的国家大地测量控制点坐标成果", "机密", "20年", "测绘部门指定人员"),
    ("国家大地坐标系与地方坐标系之间的坐标转换参数", "绝密", "长期", "指定人员"),
    ("全市重大项目投资谈判底线和让步方案", "机密", "解密条件:签约后", "谈判组"),
    ("市级统一考试在启用前的试卷和参考答案", "秘密", "解密条件：启用前", "命题人员"),
    ("重大突发事件应急处置中未公开的伤亡人员数据", "秘密", "保密期限：5年", "指挥部成员"),
    ("城市供水主干管网布局图及取水口位置", "秘密", "10年", "供水企业指定人员"),
    ("领导干部保健对象的健康状况和病历资料", "机密", "20年", "保健部门负责人"),
    ("高致病性病原微生物菌（毒）种的保藏地点", "机密", "20年", "保藏机构负责人"),
]
SHEET = [HEAD, *([str(i), t, lv, term, scope, f"某范围第{i}条"]
                 for i, (t, lv, term, scope) in enumerate(ROWS, 1))]
GENERIC = {"大地", "参数", "全市", "重大", "未公开", "数据", "方案", "项目"}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("import")
    sheet = folder / "一览表.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(SHEET)
    out = folder / "unit.yaml"
    assert import_sheet(sheet, out, catalog_id="unit", title="某局一览表", sheet=None,
                        override={}, cache_dir=folder / "cache") == len(SHEET) - 1
    return out


def test_published_headers_and_labelled_term_cells(imported: Path) -> None:
    items = yaml.safe_load(imported.read_text(encoding="utf-8"))["items"]
    assert [i["title"] for i in items] == [row[1] for row in SHEET[1:]]
    assert items[0]["scope"] == "测绘部门指定人员"  # 控制范围 is the scope
    assert items[2]["condition"] == "签约后" and items[3]["condition"] == "启用前"
    assert items[4]["max_years"] == 5 and items[1]["long_term"] is True
    assert items[0]["basis"] == "某范围第1条"


def test_proposed_terms_are_distinctive(imported: Path) -> None:
    for item in yaml.safe_load(imported.read_text(encoding="utf-8"))["items"]:
        terms = item["match"]["any"]
        assert not set(terms) & GENERIC, (item["title"], terms)
        assert all(len(t) >= 2 for t in terms)


def test_each_item_matches_its_own_title_and_no_public_text(imported: Path) -> None:
    catalog = load_catalog(imported)
    matcher = Matcher([catalog])
    for item in catalog.items:
        live = {h.item.id for h in matcher.match_text(f"现将{item.title}报送如下。") if h.live}
        assert item.id in live, (item.id, item.match)
    texts = sorted(DATA_TEXTS.glob("*.txt"))
    if HAS_SHARED:
        texts += sorted((SHARED / "corpus" / "public_texts").glob("*"))
    options = ScanOptions(as_of=dt.date(2026, 11, 30), catalogs=(str(imported),))
    flagged = [t.name for t in texts
               if any(f.code == "UNMARKED_MATCH" for f in scan_file(t, options).findings)]
    assert len(texts) >= 4 and not flagged, flagged
