"""Generate the derived2 evaluation archive (派生定密) with its truth, judged as of 2026-06-30.

python tests/data/derived2/make_derived2.py  → docs/, links.tsv, truth.tsv (fixed seed; needs python-docx
and LibreOffice for the PDFs). The labels are computed from how each document was built, by the rules
of domain.md §2 and §6 and issue 23 (see README.md), never from the tool's output.
"""

import datetime as dt
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from d2_derived import C, D, X  # noqa: E402
from d2_edits import apply  # noqa: E402
from d2_negatives import BANK, BANK_TITLES, G, N  # noqa: E402
from d2_sources import QUOTES, RECALL, ROUTINE, SOURCES  # noqa: E402

AS_OF = dt.date(2026, 6, 30)
SEED = 20260630
LEVEL = {"秘密": 1, "机密": 2, "绝密": 3}
SRC = {s["id"]: s for s in SOURCES}
SRC_FMT = {"S01": "docx", "S02": "pdf", "S03": "docx", "S14": "docx", "S15": "docx", "S04": "docx",
           "S05": "txt", "S06": "docx", "S07": "pdf", "S08": "docx", "S09": "docx", "S10": "docx",
           "S11": "docx", "S12": "pdf", "S16": "docx", "S13": "docx"}
MARK_TABLE = {"S09", "M03"}


def cn_date(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def expand(p: str) -> str:
    return ROUTINE.get(p) or QUOTES.get(p) or p


def content_idx(s: dict) -> list[int]:
    """Paragraphs of a source that are its own content (not routine, quotation or 特此报告)."""
    return [i for i, p in enumerate(s["body"]) if p not in ROUTINE and p not in QUOTES and len(p) > 30]


def cite_text(sid: str, how: str) -> str:
    s = SRC[sid]
    num = s["number"]
    if how == "title":
        return f"《{s['title']}》"
    if how == "di":
        return num if "第" in num else re.sub(r"〕(\d+)号", r"〕第\1号", num)
    pairs = {"[]": "[]", "()": "()", "（）": "（）", "【】": "【】", "num": "〔〕"}
    a, b = pairs[how]
    return num.replace("〔", a).replace("〕", b)


# ---- the mark and its comparison -----------------------------------------------------------------
def parse_mark(mark: str | None):
    if not mark:
        return None
    level, term = mark.split("★")
    if m := re.fullmatch(r"(\d+)年", term):
        return level, ("m", int(m[1]) * 12)
    if m := re.fullmatch(r"(\d+)个月", term):
        return level, ("m", int(m[1]))
    if term == "长期":
        return level, ("long", 0)
    if m := re.fullmatch(r"(\d+)年(\d+)月(\d+)日", term):
        return level, ("date", dt.date(int(m[1]), int(m[2]), int(m[3])))
    return level, ("cond", term)


def expiry(mark: str | None, date: str) -> dt.date | None:
    pm = parse_mark(mark)
    if pm is None:
        return None
    kind, v = pm[1]
    d0 = dt.date.fromisoformat(date)
    if kind == "m":
        y, mo = divmod(d0.month - 1 + v, 12)
        return d0.replace(year=d0.year + y, month=mo + 1)
    if kind == "date":
        return v
    return None  # 长期 or a condition: not expired by the calendar


def live(doc: dict) -> bool:
    e = expiry(doc["mark"], doc["date"])
    return e is None or e > AS_OF


def term_cmp(a, b):
    """-1/0/1 comparing terms as written; None when they cannot be compared."""
    (ka, va), (kb, vb) = a, b
    if ka == kb == "m" or ka == kb == "date":
        return (va > vb) - (va < vb)
    if ka == kb == "long":
        return 0
    if ka == kb == "cond":
        return 0 if va == vb else None
    if ka == "long" and kb == "m":
        return 1
    if ka == "m" and kb == "long":
        return -1
    return None


def codes_for(doc: dict, links: list[dict], docs: dict) -> list[str]:
    if not links:
        return []
    srcs = [docs[lk["source"]] for lk in links]
    live_all = [s for s in srcs if live(s)]
    live_rep = [docs[lk["source"]] for lk in links if "copy" in lk["by"] and live(docs[lk["source"]])]
    mine = parse_mark(doc["mark"])
    out = []
    below = False
    for s in live_rep:
        theirs = parse_mark(s["mark"])
        if mine is None or LEVEL[mine[0]] < LEVEL[theirs[0]]:
            below = True
            continue
        c = term_cmp(mine[1], theirs[1])
        if LEVEL[mine[0]] == LEVEL[theirs[0]]:
            assert c is not None, (doc["name"], s["name"])
            below = below or c < 0
        else:
            assert c is None or c >= 0, ("higher but shorter", doc["name"], s["name"])
    if below:
        out.append("DERIVED_BELOW_SOURCE")
    elif mine is not None and live_all:
        above = True
        for s in live_all:
            theirs = parse_mark(s["mark"])
            if LEVEL[mine[0]] > LEVEL[theirs[0]]:
                continue
            c = term_cmp(mine[1], theirs[1])
            assert c is not None, (doc["name"], s["name"])
            above = above and c > 0
        if above:
            out.append("DERIVED_ABOVE_SOURCE")
    if mine is not None and not live_all:
        out.append("SOURCE_DECLASSIFIED")
    return out


# ---- building documents ----------------------------------------------------------------------------
class Doc:
    def __init__(self, name: str, kind: str, mark: str | None, date: str, fmt: str, org: str,
                 number: str, title: str) -> None:
        self.name, self.kind, self.mark, self.date, self.fmt = name, kind, mark, date, fmt
        self.org, self.number, self.title = org, number, title
        self.blocks: list[tuple] = []  # ("p", text, align) | ("table", rows) | ("marktable", lines)
        self.origins: dict[tuple[str, int], list[str]] = {}  # copied source paragraphs → edits
        self.cites: list[str] = []

    def p(self, text: str, align: str = "left") -> None:
        self.blocks.append(("p", text, align))

    def as_record(self) -> dict:
        return {"name": self.name, "mark": self.mark, "date": self.date, "kind": self.kind,
                "number": self.number, "title": self.title, "origins": self.origins,
                "cites": self.cites, "fmt": self.fmt}


def head(doc: Doc, rng: random.Random, banner: bool = True, to: str = "", table: bool = False) -> None:
    if doc.mark:
        lines = [f"{rng.randint(1, 60):06d}", doc.mark]
        if rng.random() < 0.2:
            lines.append("加急")
        if table:
            doc.blocks.append(("marktable", lines))
        else:
            for ln in lines:
                doc.p(ln)
    if banner and doc.number:
        doc.p(f"{doc.org}文件", "center")
        doc.p(doc.number, "center")
    doc.p(doc.title, "center")
    if to:
        doc.p(to)


def tail(doc: Doc, rng: random.Random, scope: str = "", cc: str = "", office: str = "") -> None:
    doc.p(doc.org, "right")
    doc.p(cn_date(doc.date), "right")
    if doc.mark:
        doc.p(scope or rng.choice(["知悉范围：本单位领导班子成员", "（此件发至县处级）",
                                   "知悉范围：相关部门负责同志"]))
        doc.p(rng.choice(RECALL))
    if cc:
        doc.p(f"抄送：{cc}")
    office = office or (doc.org if doc.org.endswith("办公室") else doc.org + "办公室")
    doc.p(f"{office}    {cn_date(doc.date)}印发")


def build_source(s: dict, rng: random.Random) -> Doc:
    doc = Doc(s["id"], "source", s["mark"], s["date"], SRC_FMT[s["id"]], s["org"], s["number"],
              s["title"])
    head(doc, rng, banner=s["kind"] != "纪要", to=s["to"], table=s["id"] in MARK_TABLE)
    if s["kind"] == "纪要":
        doc.p(s["number"], "center")
    for i, p in enumerate(s["body"]):
        doc.p(expand(p))
        if i in content_idx(s):
            doc.origins[(s["id"], i)] = ["original"]
    tail(doc, rng, s["scope"], s["cc"], s["office"])
    return doc


def build_derived(spec: dict, rng: random.Random) -> Doc:
    doc = Doc(spec["name"], spec["kind"], spec["mark"], spec["date"], spec["fmt"], spec["org"],
              spec["number"], spec["title"])
    head(doc, rng, to=spec["to"], table="mark_table" in spec["layout"])
    cites = [cite_text(sid, how) for sid, how in spec["cites"]]
    doc.cites = [sid for sid, _ in spec["cites"]]
    if spec["intro"]:
        doc.p(spec["intro"].format(**{f"c{i}": c for i, c in enumerate(cites)}))
    edits = {(q[0], q[1]): q[2] for q in spec["quotes"] if q[0] != "sum"}
    if spec["forward"]:
        for p in spec["own"]:
            doc.p(p)
        s = SRC[spec["forward"]]
        doc.p("附件：" + s["title"])
        doc.p(s["title"], "center")
        doc.p(s["to"])
        for i, p in enumerate(s["body"]):
            e = edits.get((s["id"], i), ["none"])
            text = apply(expand(p), e, rng)
            for line in text.split("\n"):
                doc.p(line)
            if i in content_idx(s):
                doc.origins[(s["id"], i)] = e
        doc.p(s["org"], "right")
        doc.p(cn_date(s["date"]), "right")
    else:
        table = "quote_table" in spec["layout"]
        rows = [["序号", "工作要求", "责任单位"]]
        numerals = "一二三四五六七八九"
        for n, q in enumerate(spec["quotes"]):
            if q[0] == "sum":
                text = q[2]
            else:
                sid, i, e = q
                text = apply(SRC[sid]["body"][i], e, rng)
                doc.origins[(sid, i)] = e
            if spec["kind"] in ("compilation", "excerpt") and q[0] != "sum":
                s = SRC[q[0]]
                doc.p(f"{numerals[n]}、{s['org']}《{s['title']}》（{s['number']}）摘录")
                if s["id"] not in doc.cites:
                    doc.cites.append(s["id"])
            if table:
                rows.append([str(n + 1), text, doc.org])
            else:
                for line in text.split("\n"):
                    doc.p(line)
        if table:
            doc.blocks.append(("table", rows))
        for p in spec["own"]:
            doc.p(p)
    for r in spec["routine"]:
        doc.p(ROUTINE[r])
    tail(doc, rng)
    return doc


def build_draft(x: tuple, rng: random.Random) -> Doc:
    name, sid, i, start, length, edit, fmt, date, title, own = x
    doc = Doc(name, "draft", None, date, fmt, "", "", title)
    para = SRC[sid]["body"][i]
    if edit == "reorder":
        passage = para
    else:
        end = start + length
        while end < len(para) and para[end - 1] not in "，。；":
            end += 1
        passage = para[start:end].rstrip("，；") + "。"
    text = apply(passage, ["ocr1"] if edit == "ocr1" else [edit], rng)
    doc.origins[(sid, i)] = [edit]
    doc.p(title, "center")
    doc.p(own[0])
    lead = rng.choice(["另外，", "需要说明的是，", "据了解，", "有关情况如下：", ""])
    if edit == "table":
        doc.blocks.append(("table", [["事项", "情况"], ["有关背景", text], ["调研重点", own[1]]]))
    else:
        for k, line in enumerate(text.split("\n")):
            doc.p((lead if k == 0 else "") + line)
        doc.p(own[1])
    doc.p(cn_date(date), "right")
    return doc


def build_cite(c: tuple, rng: random.Random) -> Doc:
    name, mark, date, fmt, org, title, cited, paras = c
    doc = Doc(name, "cite", mark, date, fmt, org, "", title)
    head(doc, rng, banner=False)
    doc.cites = [sid for sid, _ in cited]
    for p in paras:
        doc.p(p)
    tail(doc, rng)
    return doc


def build_negative(n: tuple, rng: random.Random) -> Doc:
    name, kind, mark, date, fmt, org, number, title, to, paras = n
    doc = Doc(name, kind, mark, date, fmt, org, number, title)
    head(doc, rng, to=to, table=name in MARK_TABLE)
    for p in paras:
        doc.p(expand(p))
    tail(doc, rng, cc=rng.choice(["", "本单位各部门。", "上级主管部门。"]))
    return doc


def build_register(g: tuple, rng: random.Random) -> Doc:
    name, kind, mark, date, fmt, org, title, listed = g
    doc = Doc(name, kind, mark, date, fmt, org, "", title)
    doc.p(title, "center")
    rows = [["序号", "文号", "文件标题", "密级", "份数", "登记日期"]]
    for k, sid in enumerate(listed, 1):
        s = SRC[sid]
        rows.append([str(k), s["number"], s["title"], s["mark"].split("★")[0], str(rng.randint(1, 4)),
                     s["date"].replace("-", ".")])
    if fmt == "txt":
        for r in rows:
            doc.p("  ".join(r))
    else:
        doc.blocks.append(("table", rows))
    doc.p(f"登记人：{rng.choice(['王敏', '李卫东', '陈静'])}    审核人：{rng.choice(['赵刚', '刘洋'])}")
    return doc


def build_bank(idx: int, name: str, title: str, rng: random.Random) -> Doc:
    orgs = ["北辰省国防科技工业办公室", "青川省水利厅", "东岚市发展和改革委员会", "南屿市公安局",
            "鹭洲县水利局", "南屿市人民防空办公室"]
    m = rng.randint(3, 10)
    date = f"{rng.choice([2023, 2024, 2025, 2026])}-{m:02d}-{rng.randint(1, 27):02d}"
    if date > "2026-06-29":
        date = "2026-05-12"
    fmt = ["docx", "pdf", "docx", "txt"][idx % 4]
    doc = Doc(name, "neg-bank", None, date, fmt, rng.choice(orgs), "", title)
    doc.p(title, "center")
    doc.p("各处室、各直属单位：")
    sents = rng.sample(BANK, 6)
    slots = dict(m=m, d=rng.randint(1, 28), m2=min(m + 1, 12), d2=rng.randint(1, 28),
                 who=rng.choice(["张丽", "周强", "孙悦", "吴涛"]), tel=f"{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}",
                 dep=rng.choice(["办公室", "人事处", "机关党委", "后勤服务中心"]), n=rng.randint(2, 6),
                 k=rng.randint(15, 40))
    doc.p("".join(s.format(**slots) for s in sents[:3]))
    doc.p("".join(s.format(**slots) for s in sents[3:]))
    doc.p(ROUTINE[rng.choice(["R1", "R3", "R4", "R6"])])
    tail(doc, rng)
    return doc


# ---- writing ----------------------------------------------------------------------------------------
def write_docx(doc: Doc, path: Path) -> None:
    d = docx.Document()
    align = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
             "right": WD_ALIGN_PARAGRAPH.RIGHT}
    for b in doc.blocks:
        if b[0] == "p":
            para = d.add_paragraph(b[1])
            para.alignment = align[b[2]]
        elif b[0] == "marktable":
            t = d.add_table(rows=1, cols=2)
            t.cell(0, 0).text = "\n".join(b[1])
            t.cell(0, 1).text = ""
        else:
            rows = b[1]
            t = d.add_table(rows=len(rows), cols=len(rows[0]))
            t.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, val in enumerate(row):
                    t.cell(r, c).text = val
    d.core_properties.title = doc.title
    d.save(str(path))


def write_txt(doc: Doc, path: Path) -> None:
    lines = []
    for b in doc.blocks:
        if b[0] == "p":
            lines.append(b[1])
        elif b[0] == "marktable":
            lines.extend(b[1])
        else:
            lines.extend("  ".join(r) for r in b[1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    rng = random.Random(SEED)
    docs: list[Doc] = [build_source(s, rng) for s in SOURCES]
    docs += [build_derived(spec, rng) for spec in D]
    docs += [build_draft(x, rng) for x in X]
    docs += [build_cite(c, rng) for c in C]
    docs += [build_negative(n, rng) for n in N]
    docs.append(build_negative(
        ("N15", "neg-cite-public", None, "2024-04-08", "docx", "鹭洲县水利局", "", "关于申请补充防汛物资经费的请示",
         "县人民政府：", ["根据省水利厅《关于做好2024年度防汛物资储备工作的通知》（青水发〔2024〕3号）和"
                         "《中华人民共和国防洪法》的有关规定，我局对全县防汛物资进行了清点。",
                         "经清点，需补充编织袋2万条、救生衣300件，所需经费约42万元，请予支持。"]), rng))
    docs += [build_register(g, rng) for g in G]
    docs += [build_bank(i, name, title, rng) for i, (name, title) in enumerate(BANK_TITLES)]
    # about a quarter as PDF: the negatives alternate
    for k, doc in enumerate(d for d in docs if d.kind.startswith("neg") and d.fmt == "docx"):
        if k % 4 == 1:
            doc.fmt = "pdf"

    out = HERE / "docs"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    with tempfile.TemporaryDirectory() as tmp:
        to_pdf = []
        for doc in docs:
            stem = f"{doc.name}_{doc.title[:18]}".replace("/", "_").replace("“", "").replace("”", "")
            doc.file = f"{stem}.{doc.fmt}"
            if doc.fmt == "txt":
                write_txt(doc, out / doc.file)
            elif doc.fmt == "docx":
                write_docx(doc, out / doc.file)
            else:
                write_docx(doc, Path(tmp) / f"{stem}.docx")
                to_pdf.append(str(Path(tmp) / f"{stem}.docx"))
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/lo",
                        "--convert-to", "pdf", "--outdir", str(out), *to_pdf],
                       check=True, capture_output=True, timeout=600)
    for doc in docs:
        assert (out / doc.file).exists(), doc.file

    recs = {doc.name: doc.as_record() | {"file": doc.file} for doc in docs}
    contains = {n: set(r["origins"]) for n, r in recs.items()}
    link_rows, truth_rows = [], []
    for doc in docs:
        r = recs[doc.name]
        links = []
        if doc.kind != "source":
            for xn, xr in recs.items():
                if xn == doc.name or not xr["mark"] or xr["date"] >= r["date"]:
                    continue
                shared = set(r["origins"]) & contains[xn]
                cited = xn in r["cites"]
                if not shared and not cited:
                    continue
                by = "cite+copy" if shared and cited else "copy" if shared else "cite"
                edits = sorted({e for o in shared for e in r["origins"][o]})
                links.append({"source": xn, "by": by, "edit": ",".join(edits) or "-"})
        codes = codes_for(r, links, recs)
        for lk in links:
            link_rows.append((r["file"], recs[lk["source"]]["file"], lk["by"], lk["edit"]))
        truth_rows.append((r["file"], r["kind"], r["mark"] or "", r["date"], r["number"], r["title"],
                           ",".join(codes)))
    with (HERE / "links.tsv").open("w", encoding="utf-8") as f:
        f.write("derived\tsource\tby\tedit\n")
        for row in link_rows:
            f.write("\t".join(row) + "\n")
    with (HERE / "truth.tsv").open("w", encoding="utf-8") as f:
        f.write("name\tkind\tmark\tdate\tnumber\ttitle\tcodes\n")
        for row in truth_rows:
            f.write("\t".join(row) + "\n")
    print(f"{len(docs)} documents, {len(link_rows)} links", {f: sum(d.fmt == f for d in docs)
                                                            for f in ("docx", "pdf", "txt")})


if __name__ == "__main__":
    main()
