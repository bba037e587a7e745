#!/usr/bin/env python3
"""Build the eval3 documents (water field) and labels.tsv from the texts in sources/.

Deterministic: the same sources give byte-identical .txt and .docx files.
Run:  python3 tests/data/eval3/make_eval3.py      (needs python-docx)
"""
from __future__ import annotations

import hashlib
import io
import random
import sys
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "sources"))

import pool  # noqa: E402
import docs_covered_1  # noqa: E402
import docs_covered_2  # noqa: E402
import docs_covered_3  # noqa: E402
import docs_negative  # noqa: E402
import docs_nobasis  # noqa: E402

NUM = "一二三四五六七八九十"


def cn_num(i: int) -> str:
    if i <= 10:
        return NUM[i - 1]
    return "十" + NUM[i - 11]


def rng_for(name: str) -> random.Random:
    return random.Random(int(hashlib.sha256(name.encode()).hexdigest()[:12], 16))


def slots(r: random.Random, unit: str) -> dict[str, str]:
    return {
        "place": r.choice(pool.PLACES),
        "n1": str(r.randint(1200, 38000)),
        "n2": str(r.randint(60, 9800)),
        "n3": str(r.randint(3, 46)),
        "n4": str(r.randint(5, 120)),
        "n5": str(r.randint(2, 9)),
        "pct": str(r.randint(86, 99)),
        "unit": unit,
    }


def han(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")


def clen(blocks: list) -> int:
    n = 0
    for b in blocks:
        if b[0] == "table":
            n += sum(han("".join(row)) for row in b[1])
        else:
            n += han(b[1])
    return n


def fill(text: str, s: dict[str, str]) -> str:
    return text.format(**s)


def section_blocks(heading: str | None, paras: list, s: dict[str, str]) -> list:
    out: list = []
    if heading:
        out.append(("h", heading))
    for p in paras:
        if isinstance(p, list):
            out.append(("table", p))
        else:
            out.append(("p", p))
    return out


def compose(d: dict) -> list:
    """Return a list of blocks: (kind, text) with kind in head/title/p/h/table/sign."""
    r = rng_for(d["file"])
    s = slots(r, d["unit"])
    genre = d.get("genre", "gw")
    blocks: list = []
    for line in d.get("head", []):
        blocks.append(("head", line))
    blocks.append(("title", d["title"]))
    if d.get("subtitle"):
        blocks.append(("p", d["subtitle"]))
    if d.get("to"):
        blocks.append(("p", d["to"] + "："))
    for p in d.get("intro", []):
        blocks.append(("p", p))
    target = d.get("size") or r.randint(2300, 5400)
    keys = d.get("keys", [])

    if genre == "gw":
        kind = d["kind"]
        if kind in pool.OPENINGS and not d.get("no_opening"):
            blocks.append(("p", r.choice(pool.OPENINGS[kind])))
        closers = {"存在的主要问题", "下一步工作打算", "工作措施", "有关要求"}
        fillers = [f for f in pool.FILLER if f[0] not in d.get("avoid", [])]
        r.shuffle(fillers)
        topic = [f for f in fillers if f[0] not in closers and f[0] != "基本情况"]
        opening = [f for f in fillers if f[0] == "基本情况"]
        if kind in ("请示", "报告", "工作总结", "情况说明", "会议材料"):
            tail = [f for f in fillers if f[0] in ("存在的主要问题", "下一步工作打算")]
        elif kind in ("通知", "方案", "通报"):
            tail = [f for f in fillers if f[0] in ("工作措施", "有关要求")][:1]
        else:
            tail = []
        key_len = sum(clen(section_blocks(h, ps, s)) for h, ps in keys)
        budget = max(0, target - key_len - clen(blocks)) - 260 * len(tail)
        grouped = r.random() < 0.65
        chosen = []
        for f in topic:
            if budget <= 0 or len(chosen) >= (24 if grouped else 14):
                break
            chosen.append(f)
            budget -= sum(han(x) for x in f[1]) + han(f[0])
        while len(chosen) < len(keys) + 1:
            chosen.append(topic[len(chosen)])
        grouped = grouped and len(chosen) >= 4
        sections: list = []  # (heading, paragraphs or blocks)
        if opening and r.random() < 0.4 and kind not in ("纪要", "函"):
            sections.append(("f", opening[0]))
        ng = len(keys) + 1
        groups = [chosen[i::ng] for i in range(ng)]
        parents = ["近期重点工作开展情况", "其他工作推进情况", "面上工作情况", "相关工作进展", "日常管理工作"]
        r.shuffle(parents)
        for gi, g in enumerate(groups):
            if grouped and g:
                sections.append(("g", (parents[gi % len(parents)], g)))
            else:
                for f in g:
                    sections.append(("f", f))
            if gi < len(keys):
                sections.append(("k", keys[gi]))
        for f in tail:
            sections.append(("f", f))
        for n, (tag, val) in enumerate(sections, 1):
            h, ps = val
            heading = f"{cn_art(n)}、{h}"
            if tag == "f":
                blocks.extend(section_blocks(heading, [fill(p, slots(r, d["unit"])) for p in ps], s))
            elif tag == "k":
                blocks.extend(section_blocks(heading, ps, s))
            else:
                blocks.append(("h", heading))
                for j, (sh, sps) in enumerate(ps, 1):
                    sub = sh[2:] if sh.startswith("关于") else sh
                    blocks.append(("h", f"（{cn_art(j)}）{sub}"))
                    for p in sps:
                        blocks.append(("p", fill(p, slots(r, d["unit"]))))
        close = d.get("close")
        if close is None:
            close = r.choice(pool.CLOSINGS.get(kind, [""]))
        if close:
            blocks.append(("p", close))
    elif genre == "plain":
        # text written in full in keys, with the genre's own padding (other stories of the page,
        # boilerplate of a tender or a recruitment notice, more questions …)
        pads = list(pool.PADS[d["pad"]])
        body = list(keys)
        before_last = d.get("pad_where", "before_last") == "before_last"
        for i, (h, ps) in enumerate(body):
            if before_last and i == len(body) - 1 and len(body) > 1:
                for ph, pt in pads:
                    if ph:
                        blocks.append(("h", ph))
                    blocks.append(("table", pt) if isinstance(pt, list) else ("p", pt))
            blocks.extend(section_blocks(h, ps, s))
        if not before_last or len(body) == 1:
            for ph, pt in pads:
                if ph:
                    blocks.append(("h", ph))
                blocks.append(("table", pt) if isinstance(pt, list) else ("p", pt))
        if d.get("fill_heading"):
            # a further article of the page / a section on the writer's own work
            fl = list(pool.FILLER)
            r.shuffle(fl)
            paras = [fill(p, slots(r, d["unit"] or "我们")) for f in fl for p in f[1]
                     if not p.startswith(("（", "1.", "2.", "3.", "一是", "对此"))]
            blocks.append(("h", d["fill_heading"]))
            for p in paras:
                if clen(blocks) >= target:
                    break
                blocks.append(("p", p))
    elif genre == "statute":
        obj = d["obj"]
        base = pool.STATUTE_ARTICLES[:-1] + r.sample(pool.STATUTE_MORE, len(pool.STATUTE_MORE)) + pool.STATUTE_ARTICLES[-1:]
        arts = [fill(a.replace("{obj}", obj), s) for a in base]
        own = [a for _, ps in keys for a in ps]
        allarts = arts[:7] + own + arts[7:]
        chapters = {0: "第一章　总则", 7: "第二章　管理与保护", 7 + len(own) + 18: "第三章　监督检查与法律责任",
                    len(allarts) - 3: "第四章　附则"}
        for i, a in enumerate(allarts):
            if i in chapters:
                blocks.append(("h", chapters[i]))
            blocks.append(("p", f"第{cn_art(i + 1)}条　{a}"))
    elif genre == "standard":
        obj = d["obj"]
        own = keys
        blocks.append(("h", "前言"))
        blocks.append(("p", pool.STANDARD_FOREWORD))
        blocks.append(("h", "1　范围"))
        for p in own[0][1]:
            blocks.append(("p", p))
        n = 2
        for h, t in pool.STANDARD_CLAUSES[:2]:
            blocks.append(("h", f"{n}　{h}"))
            blocks.append(("p", t.replace("{obj}", obj)))
            n += 1
        for h, ps in own[1:]:
            blocks.append(("h", f"{n}　{h}"))
            for p in ps:
                blocks.append(("table", p) if isinstance(p, list) else ("p", p))
            n += 1
        for h, t in pool.STANDARD_CLAUSES[2:4] + pool.STANDARD_MORE2[:4] + pool.STANDARD_MORE + pool.STANDARD_CLAUSES[4:] + pool.STANDARD_MORE2[4:]:
            blocks.append(("h", f"{n}　{h}"))
            blocks.append(("p", t.replace("{obj}", obj)))
            n += 1
    elif genre == "textbook":
        tb = list(pool.TEXTBOOK) + list(pool.TEXTBOOK_MORE) + list(pool.TEXTBOOK_MORE2[1:])
        body, last = keys[:-1], keys[-1]
        per = -(-len(tb) // max(1, len(body)))
        for i, (h, ps) in enumerate(body):
            for b in section_blocks(h, ps, s):
                blocks.append(b)
            for p in tb[i * per:(i + 1) * per]:
                if clen(blocks) < target:
                    blocks.append(("p", p))
        blocks.append(("p", pool.TEXTBOOK_MORE2[0]))
        for b in section_blocks(last[0], last[1], s):
            blocks.append(b)
    for p in d.get("attach", []):
        blocks.append(("p", p))
    if d.get("unit_sign", True) and d.get("unit"):
        blocks.append(("sign", d["unit"]))
    if d.get("date"):
        blocks.append(("sign", d["date"]))
    for p in d.get("tail", []):
        blocks.append(("p", p))
    return blocks


def cn_art(i: int) -> str:
    if i <= 10:
        return cn_num(i)
    if i < 20:
        return "十" + NUM[i - 11]
    t, u = divmod(i, 10)
    return NUM[t - 1] + "十" + (NUM[u - 1] if u else "")


def to_txt(blocks: list) -> str:
    out: list[str] = []
    prev = None
    for kind, val in blocks:
        if kind == "title" and prev == "head":
            out.append("")
        if kind == "table":
            for row in val:
                out.append("\t".join(row))
        elif kind == "p":
            out.append("　　" + val if not val.endswith("：") or len(val) > 30 else val)
        elif kind == "title":
            out.append(val)
            out.append("")
        elif kind == "sign":
            out.append(val.rjust(30, "　") if False else "　　　　　　　　　　　　　　" + val)
        else:
            out.append(val)
        prev = kind
    return "\n".join(out) + "\n"


FIXED = datetime(2026, 1, 1, 0, 0, 0)


def to_docx(blocks: list, path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    cp = doc.core_properties
    cp.author = "示例"
    cp.last_modified_by = "示例"
    cp.created = FIXED
    cp.modified = FIXED
    cp.revision = 1
    for kind, val in blocks:
        if kind == "table":
            ncol = max(len(r) for r in val)
            t = doc.add_table(rows=len(val), cols=ncol)
            t.style = "Table Grid"
            for i, row in enumerate(val):
                for j in range(ncol):
                    t.cell(i, j).text = row[j] if j < len(row) else ""
        elif kind == "title":
            p = doc.add_paragraph(val)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "sign":
            p = doc.add_paragraph(val)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "head":
            doc.add_paragraph(val)
        elif kind == "h":
            doc.add_paragraph(val)
        else:
            doc.add_paragraph(val)
    buf = io.BytesIO()
    doc.save(buf)
    # rewrite the zip with fixed timestamps so the output is byte-identical run to run
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, src.read(info.filename))
    path.write_bytes(out.getvalue())


def main() -> int:
    all_docs = (docs_covered_1.DOCS + docs_covered_2.DOCS + docs_covered_3.DOCS
                + docs_nobasis.DOCS + docs_negative.DOCS)
    names = [d["stem"] for d in all_docs]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        print("duplicate file names:", sorted(dup))
        return 1
    out = HERE / "docs"
    out.mkdir(exist_ok=True)
    for f in out.iterdir():
        f.unlink()
    # neutral file names in an order that does not reveal the kind of document
    ordered = sorted(all_docs, key=lambda d: hashlib.sha256(("eval3:" + d["stem"]).encode()).hexdigest())
    for i, d in enumerate(ordered, 1):
        d["file"] = f"w{i:03d}{d['ext']}"
    rows = ["file\tverdicts\tclean\twhy"]
    for d in ordered:
        blocks = compose(d)
        path = out / d["file"]
        if path.suffix == ".docx":
            to_docx(blocks, path)
        else:
            path.write_text(to_txt(blocks), encoding="utf-8")
        rows.append(f"{d['file']}\t{d['verdicts']}\t{d['clean']}\t{d['why']}")
    (HERE / "labels.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(all_docs)} documents written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
