"""Build the derived-classification evaluation set (派生定密): an archive of plain-text 公文 with
the truth of which document derives from which, and the finding codes each should get.

Deterministic (a fixed seed). Run: python3 tests/data/derived/make_derived.py
Writes ``docs/*.txt``, ``truth.tsv`` (one row a document: its kind, mark, date and expected codes)
and ``links.tsv`` (one row a true link: derived document, source, by copy or by citation, the edit).
Judge as of 2026-06-30 (``--as-of 2026-06-30``).
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from scanner.derived.hanzi import S2T  # noqa: E402  (the same table the tool folds back)

OUT = HERE / "docs"
AS_OF = "2026-06-30"
RNG = random.Random(20261207)

# ── own content: slots filled at random, so every source paragraph is its own ─────────────────
PLACES = ["北岭", "东湖", "西岗", "南塘", "青石", "白沙", "红旗", "金山", "银河", "松林", "柳营",
          "梅岭", "桃源", "竹溪", "石门", "龙泉", "凤凰", "鹤鸣", "云台", "望江"]
THINGS = ["三号试验区", "备用指挥所", "地下储备库", "通信枢纽站", "应急供水点", "测控中心",
          "物资转运站", "油料储存点", "雷达观测站", "数据备份中心", "前进保障基地", "疏散集结点"]
TASKS = ["防护改造", "联合演训", "设备换装", "容量扩建", "线路迁改", "安全评估", "技术升级",
         "参数标定", "联调联试", "巡检核查"]
UNITS = ["作业分队", "保障小组", "技术组", "工程队", "值守班组", "检查组"]
SENT = [
    "{p}{t}已于{m}月{d}日完成第{n}阶段{k}，参与{u}{a}个，累计投入经费{b}万元。",
    "经实地勘察，{p}{t}现有{k}能力可满足{a}个{u}同时开展工作，预计{m}月底前形成正式方案。",
    "{p}{t}的坐标参数、通信频点和值守时段按第{n}号预案执行，变更须报经{u}审批。",
    "针对{p}{t}暴露的{a}项薄弱环节，{u}提出{k}建议{b}条，其中重大事项{n}条须在{m}月前整改。",
    "拟于{m}月在{p}方向增设{t}一处，配属{u}{a}个，承担{k}任务，所需经费{b}万元列入专项。",
    "{p}{t}储备定额调整为{b}个基数，周转周期{n}个月，由{u}按季度核查并上报。",
    "第{n}批{k}共涉及{p}、{q}两地{a}处设施，{u}须在{m}月{d}日前完成对接。",
    "据{u}报告，{p}{t}在{k}中发现{a}处隐患，已责成{q}方面于{d}日内完成处置。",
]
SUMMARY = "来文对{p}{t}的{k}作了部署，{u}要按{m}月计划推进。"

LAW = ("《中华人民共和国保守国家秘密法》第二十一条规定：“国家秘密的密级、保密期限和知悉范围，"
       "应当根据情况变化及时变更。国家秘密的密级、保密期限和知悉范围的变更，由原定密机关、单位决定，"
       "也可以由其上级机关决定。”")
LAW2 = ("《中华人民共和国档案法》第二十七条规定：“县级以上档案馆的档案，应当自形成之日起满二十五年"
        "向社会开放。经济、教育、科技、文化等类档案，可以少于二十五年向社会开放。”")
SPEECH = ("习近平总书记强调：“保密工作是党和国家一项极为重要的工作，要坚持总体国家安全观，"
          "切实筑牢保密防线，确保党和国家秘密安全。”")
REMINDER = "本件含国家秘密，请按规定妥善保管，不得擅自复制、摘抄、转发，用后及时清退，违者依法追究责任。"
HEAD = "各市、县（区）人民政府，省政府各部门、各直属机构："
CC = "抄送：省委办公厅，省人大常委会办公厅，省政协办公厅，省法院，省检察院，省军区。"
PUBLIC = [  # unrelated documents' own routine prose
    "今年以来，全省上下认真贯彻落实各项决策部署，经济运行总体平稳、稳中有进，民生保障持续加强。",
    "各地要进一步压实属地责任，健全工作机制，加强统筹协调，确保各项任务按期保质完成。",
]  # routine sentences many documents share (boilerplate by frequency)


def sentence(rng: random.Random) -> str:
    p, q = rng.sample(PLACES, 2)
    return rng.choice(SENT).format(
        p=p, q=q, t=rng.choice(THINGS), k=rng.choice(TASKS), u=rng.choice(UNITS),
        m=rng.randint(1, 12), d=rng.randint(1, 28), n=rng.randint(2, 19),
        a=rng.randint(3, 49), b=rng.randint(120, 9800))


def paragraph(rng: random.Random) -> str:
    return "".join(sentence(rng) for _ in range(rng.randint(3, 4)))


# ── edits ─────────────────────────────────────────────────────────────────────────────────────
LOOKALIKE = dict(zip("已未土日人天大千工干王玉白自目", "己末士曰入夭太干土千玉王百目自", strict=True))


def sentences(text: str) -> list[str]:
    out, cur = [], ""
    for ch in text:
        cur += ch
        if ch == "。":
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


def e_repunct(t: str, rng: random.Random) -> str:
    t = t.replace("，", rng.choice(["、", "；", " ", ""]), 3).replace("。", "；", 2)
    return t.replace("、", "，")


def e_lines(t: str, rng: random.Random) -> str:
    step = rng.randint(14, 22)
    return "\n".join(t[i:i + step] for i in range(0, len(t), step))


def e_width(t: str, rng: random.Random) -> str:
    full = "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in t)
    return full.replace("，", ",").replace("：", ":").replace("；", ";")


def e_trad(t: str, rng: random.Random) -> str:
    return "".join(S2T.get(c, c) for c in t)


def e_ocr(t: str, rng: random.Random) -> str:
    out = []
    for i, c in enumerate(t):
        if i % 29 == 13:
            roll = rng.random()
            if c in LOOKALIKE:
                out.append(LOOKALIKE[c])
            elif roll < 0.4:
                out.append(rng.choice("口曰日目田丶一"))
            elif roll < 0.7:
                continue
            else:
                out.append(c + " ")
        else:
            out.append(c)
    return "".join(out)


def e_reorder(t: str, rng: random.Random) -> str:
    s = sentences(t)
    rng.shuffle(s)
    return "".join(s)


def e_none(t: str, rng: random.Random) -> str:
    return t


EDITS = {"none": e_none, "repunct": e_repunct, "lines": e_lines, "width": e_width,
         "trad": e_trad, "ocr": e_ocr, "reorder": e_reorder}


# ── documents ─────────────────────────────────────────────────────────────────────────────────
@dataclass
class Doc:
    name: str
    kind: str
    mark: str | None
    date: str | None
    number: str
    title: str
    paras: list[str]
    reminder: bool = False
    codes: list[str] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (source, by, edit)

    def text(self) -> str:
        lines: list[str] = []
        if self.mark:
            lines += [f"{RNG.randint(1, 999):06d}", self.mark]
        lines += [self.number, "", self.title, "", HEAD]
        lines += self.paras
        if self.mark:
            lines.append("（此件发至县级以上机关）")
        lines += ["", "示例省人民政府"]
        if self.date:
            y, m, d = (int(x) for x in self.date.split("-"))
            lines.append(f"{y}年{m}月{d}日")
        if self.reminder:
            lines.append(REMINDER)
        issued = ""
        if self.date:
            y, m, d = (int(x) for x in self.date.split("-"))
            issued = f" {y}年{m}月{d}日"
        lines += ["", CC, f"示例省人民政府办公厅{issued}印发"]
        return "\n".join(lines) + "\n"


DOCS: list[Doc] = []
SERIAL = iter(range(1, 10_000))


def number(prefix: str = "示例发", year: int = 2024) -> tuple[str, str]:
    n = next(SERIAL)
    return f"{prefix}〔{year}〕{n}号", f"{year}|{n}"


def add(doc: Doc) -> Doc:
    DOCS.append(doc)
    return doc


def main() -> None:
    # sources: live at each level and term, and expired ones (date + term before AS_OF)
    specs = [("绝密★30年", "2024-02-03"), ("绝密★20年", "2023-05-06"), ("机密★10年", "2024-03-01"),
             ("机密★20年", "2022-07-15"), ("机密★5年", "2024-06-10"), ("秘密★5年", "2024-04-20"),
             ("秘密★10年", "2023-09-09"), ("秘密★3年", "2024-01-12"), ("机密★长期", "2021-03-03"),
             ("机密★5年", "2015-03-01"), ("秘密★2年", "2019-05-05"), ("秘密★5年", "2016-08-08")]
    sources = []
    for i, (mark, date) in enumerate(specs):
        rng = random.Random(1000 + i)
        num, _ = number("示例发", int(date[:4]))
        p, t = PLACES[i], THINGS[i % len(THINGS)]
        paras = [paragraph(rng) for _ in range(6)]
        if i % 4 == 1:  # some sources quote a law too: it must link nothing
            paras.insert(2, LAW)
        doc = add(Doc(f"src{i + 1:02d}", "source", mark, date, num, f"关于{p}{t}有关事项的通知",
                      paras, reminder=True))
        sources.append(doc)
    live = [s for s in sources if s.date and s.date >= "2020" and s.mark and s.name not in ("src11",)]
    expired = [s for s in sources if s.name in ("src10", "src11", "src12")]
    live = [s for s in live if s not in expired]

    def mark_rel(src: Doc, rel: str) -> str | None:
        level, term = src.mark.split("★") if src.mark else ("", "")
        down = {"绝密": "机密", "机密": "秘密", "秘密": None}
        up = {"秘密": "机密", "机密": "绝密", "绝密": None}
        if rel == "same":
            return src.mark
        if rel == "unmarked":
            return None
        if rel == "lower":
            lv = down[level]
            return f"{lv}★{term}" if lv else None
        if rel == "higher":
            lv = up[level]
            return f"{lv}★{term}" if lv else f"{level}★长期"
        years = int(term[:-1]) if term.endswith("年") and term[:-1].isdigit() else 30
        if rel == "shorter":
            return f"{level}★{max(1, years // 2)}年"
        return f"{level}★长期" if years >= 20 else f"{level}★{years * 2}年"  # longer

    expected = {"same": [], "unmarked": ["DERIVED_BELOW_SOURCE"], "lower": ["DERIVED_BELOW_SOURCE"],
                "shorter": ["DERIVED_BELOW_SOURCE"], "higher": ["DERIVED_ABOVE_SOURCE"],
                "longer": ["DERIVED_ABOVE_SOURCE"]}
    rels = list(expected)
    edits = list(EDITS)
    k = 0
    # derived by copying 1-5 paragraphs, every edit at every kind of mark
    for j, edit in enumerate(edits):
        for r, rel in enumerate(rels):
            rng = random.Random(5000 + k)
            src = live[(j * 3 + r) % len(live)]
            n = 1 + (j + r) % 5
            picked = rng.sample(src.paras, n) if n <= len(src.paras) else src.paras
            picked = [p for p in picked if p not in (LAW,)] or [src.paras[0]]
            body = [EDITS[edit](p, rng) for p in picked]
            if k % 5 == 0:  # one paragraph summarised, not copied
                body.append(SUMMARY.format(p=rng.choice(PLACES), t=rng.choice(THINGS),
                                          k=rng.choice(TASKS), u=rng.choice(UNITS),
                                          m=rng.randint(1, 12)))
            body.append(paragraph(rng))  # something of its own
            mark = mark_rel(src, rel)
            dated = k % 7 != 3
            date = f"2025-{1 + k % 12:02d}-{1 + k % 27:02d}" if dated else None
            num, _ = number("示例办发", 2025)
            d = add(Doc(f"der{k + 1:02d}", "copy" if dated else "copy_undated", mark, date, num,
                        f"关于落实{src.title[2:-3]}的工作方案", [f"根据上级部署，现就有关工作安排如下。"]
                        + body, reminder=mark is not None))
            d.links.append((src.name, "copy", edit))
            code = list(expected[rel])
            if rel in ("higher", "longer") and mark == src.mark:
                code = []
            d.codes = code
            k += 1
    # a 50-character passage, through every edit, in an unmarked draft: found, and below
    for j, edit in enumerate(edits):
        rng = random.Random(7000 + j)
        src = live[j % len(live)]
        para = src.paras[0] if src.paras[0] != LAW else src.paras[1]
        start = rng.randint(0, max(0, len(para) - 50))
        passage = EDITS[edit](para[start:start + 50], rng)
        num, _ = number("示例函", 2025)
        d = add(Doc(f"short{j + 1:02d}", "short_copy", None, f"2025-10-{10 + j:02d}", num,
                    "关于近期有关工作情况的函", [PUBLIC[j % len(PUBLIC)], passage, paragraph(rng)]))
        d.links.append((src.name, "copy", edit))
        d.codes = ["DERIVED_BELOW_SOURCE"]
    # copies of expired sources: still marked → SOURCE_DECLASSIFIED; unmarked → nothing
    for j, src in enumerate(expired * 2):
        rng = random.Random(8000 + j)
        marked = j < len(expired)
        num, _ = number("示例办发", 2020)
        d = add(Doc(f"exp{j + 1:02d}", "copy_expired", src.mark if marked else None,
                    f"{int(src.date[:4]) + 1}-06-01", num, "关于转发有关工作安排的通知",
                    [EDITS[edits[j % len(edits)]](p, rng) for p in src.paras[:2]] + [paragraph(rng)],
                    reminder=marked))
        d.links.append((src.name, "copy", edits[j % len(edits)]))
        d.codes = ["SOURCE_DECLASSIFIED"] if marked else []
    # compilations of two sources: they take the higher level and the longer term
    pairs = [(live[2], live[5]), (live[0], live[6]), (live[3], live[7])]
    for j, (a, b) in enumerate(pairs):
        for ok in (True, False):
            rng = random.Random(9000 + j * 2 + ok)
            top = a if a.mark and b.mark and a.mark.split("★")[0] == "绝密" or (
                a.mark and b.mark and ("绝机秘".index(a.mark[0]) <= "绝机秘".index(b.mark[0]))) else b
            mark = top.mark if ok else (b if top is a else a).mark
            if not ok and mark == top.mark:
                mark = None
            num, _ = number("示例汇编", 2025)
            d = add(Doc(f"comp{j * 2 + (not ok) + 1:02d}", "compilation", mark, f"2025-11-{1 + j:02d}",
                        num, "有关工作文件摘编", [a.paras[1], b.paras[3], a.paras[4]], reminder=True))
            d.links += [(a.name, "copy", "none"), (b.name, "copy", "none")]
            d.codes = [] if ok else ["DERIVED_BELOW_SOURCE"]
    # citation only: 文号 in every bracket form, or the title in 《》; nothing copied
    forms = ["〔{y}〕{n}号", "[{y}]{n}号", "({y}){n}号", "（{y}）{n}号", "〔{y}〕第{n}号"]
    cited = [live[1], live[2], live[4], live[5], expired[0], expired[1]]
    for j, src in enumerate(cited):
        rng = random.Random(9500 + j)
        y, n = src.number[4:8], src.number[9:-1]
        if j % 3 == 2:
            ref = f"《{src.title}》"
        else:
            ref = "示例发" + forms[j % len(forms)].format(y=y, n=n)
        is_exp = src in expired
        mark = src.mark if j % 2 == 0 or is_exp else f"绝密★{src.mark.split('★')[1]}"
        if mark == src.mark and not is_exp and src.mark.startswith("绝密"):
            mark = src.mark
        num, _ = number("示例办函", 2025 if not is_exp else 2021)
        d = add(Doc(f"cite{j + 1:02d}", "citation", mark,
                    f"{2025 if not is_exp else 2021}-12-{1 + j:02d}", num, "关于贯彻落实有关文件精神的通知",
                    [f"现将{ref}转发给你们，请结合实际认真贯彻执行。", PUBLIC[j % len(PUBLIC)],
                     paragraph(rng)], reminder=True))
        d.links.append((src.name, "cite", "citation"))
        if is_exp:
            d.codes = ["SOURCE_DECLASSIFIED"]
        elif mark != src.mark:
            d.codes = ["DERIVED_ABOVE_SOURCE"]
    # a register: classified documents' 文号 and titles, no content: not derived
    for j in range(2):
        listed = sources[j * 4:j * 4 + 5]
        rows = [f"{i + 1}. {s.number}  {s.title}  {s.mark}" for i, s in enumerate(listed)]
        num, _ = number("示例办", 2026)
        add(Doc(f"reg{j + 1:02d}", "register", None, f"2026-01-{5 + j:02d}", num,
                "2025年度涉密文件登记目录", ["现将本年度涉密文件目录印发如下："] + rows))
    # unrelated documents: the same boilerplate and the same public quotations, nothing else
    for j in range(24):
        rng = random.Random(9900 + j)
        quote = [LAW, LAW2, SPEECH][j % 3]
        mark = [None, None, "秘密★5年", "机密★10年"][j % 4]
        num, _ = number("示例政办发", 2025)
        add(Doc(f"unrel{j + 1:02d}", "unrelated", mark, f"2025-{1 + j % 12:02d}-15", num,
                f"关于做好第{j + 1}项常规工作的通知",
                [PUBLIC[j % len(PUBLIC)], quote, paragraph(rng), PUBLIC[(j + 1) % len(PUBLIC)]],
                reminder=mark is not None))
    write()


def write() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.txt"):
        old.unlink()
    truth = ["name\tkind\tmark\tdate\tnumber\ttitle\tcodes"]
    links = ["derived\tsource\tby\tedit"]
    for d in DOCS:
        (OUT / f"{d.name}.txt").write_text(d.text(), encoding="utf-8")
        truth.append("\t".join([d.name, d.kind, d.mark or "-", d.date or "-", d.number, d.title,
                                ",".join(d.codes) or "-"]))
        links += [f"{d.name}\t{s}\t{by}\t{e}" for s, by, e in d.links]
    (HERE / "truth.tsv").write_text("\n".join(truth) + "\n", encoding="utf-8")
    (HERE / "links.tsv").write_text("\n".join(links) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
