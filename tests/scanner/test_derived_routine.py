"""What unrelated documents share is not a derivation: a sentence pattern with its own figures
filled in, and a template paragraph every writer of the archive reuses. A real copy still is."""

from __future__ import annotations

import json
from pathlib import Path

from scanner.cli import main

SECRET = ["松林数据备份中心储备定额调整为8773个基数，周转周期2个月，由值守班组按季度核查并上报。"
          "龙泉雷达观测站的坐标参数、通信频点和值守时段按第16号预案执行，变更须报经保障小组审批。",
          "据值守班组报告，红旗地下储备库在防护改造中发现13处隐患，已责成梅岭方面于5日内完成处置。"]
# the same two sentence patterns, the same names, other figures: another unit's own report
PATTERN = ("松林数据备份中心储备定额调整为5120个基数，周转周期15个月，由值守班组按季度核查并上报。"
           "龙泉雷达观测站的坐标参数、通信频点和值守时段按第9号预案执行，变更须报经保障小组审批。")
ROUTINE = ("工作措施。一是明确责任分工，各有关处室、单位按照职责分工抓好落实，牵头单位负总责，配合"
           "单位积极支持。二是加强经费保障，所需经费列入年度部门预算，专款专用，严格按照财务制度"
           "管理。三是严格考核问责，将完成情况纳入年度目标责任考核。")
TOPICS = ["河道采砂管理", "农村供水保障", "水土保持监测", "防汛值班安排", "水文站网建设",
          "灌区续建配套", "水库移民扶持", "节水型社会建设", "水利科技推广", "工程质量监督",
          "河湖长制落实", "山洪灾害防御"]


def _doc(path: Path, mark: str | None, title: str, body: list[str], date: str) -> None:
    lines = [*(["000123", mark] if mark else []), title, "各有关单位：", *body,
             *(["知悉范围：管理局领导"] if mark else []), "示例省水利厅", date]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _derived(out: Path, name: str) -> tuple[set[str], set[str]]:
    report = json.loads((out / "reports" / f"{name}.report.json").read_text("utf-8"))
    codes = {f["code"] for f in report["findings"] if f.get("stage") == "derived"}
    return codes, {Path(link["source"]).name for link in report.get("links", [])}


def test_a_pattern_with_other_figures_is_not_a_copy(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    _doc(archive / "source.txt", "机密★10年", "关于储备定额调整的通知", SECRET,
         "2025年3月1日")
    _doc(archive / "own.txt", None, "关于本单位储备工作情况的报告",
         ["今年以来，本单位认真落实各项储备任务。", PATTERN, "请予审阅。"], "2026年2月1日")
    # OCR-like noise (a character misread, one dropped) keeps a real copy's figures
    noisy = SECRET[0].replace("周转", "周轉").replace("按季度", "按季").replace("审批", "审扎")
    _doc(archive / "copy.txt", None, "关于做好储备核查工作的通知",
         ["为做好核查工作，现将有关要求通知如下。", noisy, "请各单位认真执行。"],
         "2026年2月2日")
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1"])
    codes, links = _derived(out, "own.txt")
    assert not links and not codes  # other figures: the unit's own facts
    codes, links = _derived(out, "copy.txt")
    assert links == {"source.txt"} and "DERIVED_BELOW_SOURCE" in codes


def test_a_template_paragraph_of_the_archive_links_nothing(tmp_path: Path) -> None:
    """Twelve documents of ninety-three hold the template: fewer than a fingerprint's
    boilerplate limit (20 here), more than a passage's (a tenth)."""
    archive = tmp_path / "archive"
    archive.mkdir()
    # the oldest document holding the template happens to be classified
    _doc(archive / "t00.txt", "机密★10年", f"关于{TOPICS[0]}的通知",
         [f"{TOPICS[0]}工作中，{SECRET[1]}", ROUTINE], "2024年1月5日")
    for n, topic in enumerate(TOPICS[1:], start=1):
        own = (f"{topic}是本年度重点任务，全省共安排项目{n * 7 + 3}个，"
               f"完成投资{n * 113 + 40}万元，覆盖{n + 2}个市县，受益群众{n * 1300 + 7}人。")
        _doc(archive / f"t{n:02d}.txt", None, f"关于{topic}的通知", [own, ROUTINE],
             f"2025年{n}月10日")
    for n in range(80):  # the rest of the archive: each document its own
        topic = TOPICS[n % len(TOPICS)]
        _doc(archive / f"x{n:02d}.txt", None, f"关于{topic}第{n + 1}期情况的通报",
             [f"第{n + 1}期{topic}检查共抽查{n * 3 + 11}处，发现问题{n + 4}个，"
              f"整改完成{n + 2}个，其余2个限期{n % 9 + 5}日内完成。"],
             f"2025年{n % 12 + 1}月20日")
    # a real copy of the classified document's own paragraph still links
    _doc(archive / "leak.txt", None, "关于转发有关情况的通知", ["现转发如下。", SECRET[1]],
         "2026年3月1日")
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1"])
    for n in range(1, len(TOPICS)):
        codes, links = _derived(out, f"t{n:02d}.txt")
        assert not links and not codes, n
    codes, links = _derived(out, "leak.txt")
    assert links == {"t00.txt"} and "DERIVED_BELOW_SOURCE" in codes


R1 = "各单位要高度重视，切实加强组织领导，主要负责同志要亲自部署、亲自过问，层层压实责任。"
R2 = "要严格落实值班值守制度，坚持24小时专人值班和领导带班，遇有重要情况及时报告。"


def test_two_routine_paragraphs_in_a_row_link_nothing(tmp_path: Path) -> None:
    """Each paragraph is held widely (15 and 12 documents of 95), the pair by few: what the pair
    shares is the junction of two routine paragraphs, not a copy."""
    archive = tmp_path / "archive"
    archive.mkdir()
    _doc(archive / "t00.txt", "机密★10年", "关于储备工作的通知", [SECRET[1], R1, R2],
         "2024年1月5日")
    for n in range(1, 15):
        topic = TOPICS[n % len(TOPICS)]
        body = [f"{topic}第{n}次检查共抽查{n * 3 + 11}处，发现问题{n + 4}个。", R1,
                *([R2] if n <= 3 else [])]
        _doc(archive / f"t{n:02d}.txt", None, f"关于{topic}第{n}次检查的通报", body,
             f"2025年{n % 12 + 1}月10日")
    for n in range(15, 24):
        topic = TOPICS[n % len(TOPICS)]
        _doc(archive / f"t{n:02d}.txt", None, f"关于{topic}值班安排的通知",
             [f"{topic}值班自{n}日起执行，共安排{n + 3}个班次。", R2], f"2025年{n % 12 + 1}月12日")
    for n in range(72):
        topic = TOPICS[n % len(TOPICS)]
        _doc(archive / f"x{n:02d}.txt", None, f"关于{topic}第{n + 1}期情况的通报",
             [f"第{n + 1}期{topic}检查共抽查{n * 3 + 11}处，发现问题{n + 4}个，"
              f"整改完成{n + 2}个，其余2个限期{n % 9 + 5}日内完成。"],
             f"2025年{n % 12 + 1}月20日")
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1"])
    for n in range(1, 24):
        codes, links = _derived(out, f"t{n:02d}.txt")
        assert not links and not codes, n


def test_swapped_sentences_are_a_copy(tmp_path: Path) -> None:
    """Two sentences of a source (32 and 37 characters, each under a passage's 40) copied in the
    other order still link the draft to the source."""
    first = "目前存在的主要困难是国外采购的低温潜液泵受运输影响预计推迟4个月到货。"
    second = "二是外输管线穿越海防林地的手续尚未办结，影响约3.1公里管段施工。"
    archive = tmp_path / "archive"
    archive.mkdir()
    _doc(archive / "source.txt", "秘密★10年", "关于储气库二期工程建设情况的报告",
         ["储气库二期工程位于临港工业区东侧。", first + second, "下一步将督促建设单位加快进度。"],
         "2022年11月3日")
    _doc(archive / "draft.txt", None, "储气库二期工程推进会会议纪要",
         ["市发展改革委召开推进会，建设单位参加。", second + first, "会议要求每半月报送进度。"],
         "2022年11月20日")
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1"])
    codes, links = _derived(out, "draft.txt")
    assert links == {"source.txt"} and "DERIVED_BELOW_SOURCE" in codes


STOCK = ("各单位要高度重视，切实加强组织领导，明确责任分工，层层压实责任，"
         "确保各项工作措施落到实处、取得实效。")
FACT = ("一、龙潭水库大坝安全监测数据显示，左岸坝基扬压力持续偏高，渗流量较上年同期增加三成五，"
        "面板周边缝测点开合度超过设计预警值。")


def test_stock_phrasing_is_no_evidence_of_copying() -> None:
    from scanner.derived.stock import is_stock, stock_share  # noqa: PLC0415

    def norm(text: str) -> str:
        return "".join(ch for ch in text if ch.isalnum())

    assert is_stock(norm(STOCK))
    assert is_stock(norm("坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届"
                         "二中、三中全会精神，统筹发展和安全，坚持人民至上、生命至上，"))
    assert is_stock(norm("工作中遇到的重大问题和突发情况，要及时向上级主管部门报告，"
                         "不得迟报、漏报、瞒报。"))
    # a classified passage names its matter; a figure is never stock
    assert stock_share(norm("各工程建设单位要对大坝监测系统、闸门控制系统的网络拓扑和访问"
                            "口令实行专人管理，口令每九十天更换一次。")) < 0.5
    assert not is_stock(norm("各单位要高度重视，切实加强组织领导，确保3处泵站于汛前完成改造。"))


def test_a_stock_sentence_shared_by_a_few_documents_links_nothing(tmp_path: Path) -> None:
    # a classified source and three later unmarked documents on other matters, each with the
    # same stock sentence (too few holders to be routine by their number); and a real copy
    archive = tmp_path / "archive"
    archive.mkdir()
    _doc(archive / "source.txt", "机密★10年", "关于龙潭水库大坝安全监测情况的通报",
         [FACT, STOCK], "2026年3月2日")
    for n, (title, text) in enumerate([
            ("关于做好节日期间值班工作的通知", "请各处室安排好节日期间值班人员，保持通讯畅通。"),
            ("关于开展年度档案整理工作的通知", "请各科室于月底前完成本年度文书档案的整理归档。"),
            ("关于组织职工健康体检的通知", "局工会将于下月组织在职职工健康体检，请按时参加。")], 1):
        _doc(archive / f"other{n}.txt", None, title, [text, STOCK], f"2026年4月{n}日")
    _doc(archive / "copy.txt", None, "关于汛期值守工作的提示", [FACT], "2026年5月6日")
    out = tmp_path / "out"
    main(["audit", str(archive), "--out", str(out), "--jobs", "1", "--as-of", "2026-06-30"])
    for n in (1, 2, 3):
        assert _derived(out, f"other{n}.txt") == (set(), set()), n
    assert _derived(out, "copy.txt") == ({"DERIVED_BELOW_SOURCE"}, {"source.txt"})
