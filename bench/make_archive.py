"""Generate an archive of mixed DOCX and PDF documents with known truth, for ``dingmi audit``.

DOCX files are written by python-docx, PDFs converted from DOCX by LibreOffice (one process for
all of them). Every document's truth (level, term, document date, expiry, catalogue verdict,
status) is decided here, before anything is scanned, and written to ``truth.tsv``; the expected
statistics and template folders follow from it.

The mix: marks of every kind (years, a 解密时间 date, a condition, no period, 长期), unmarked
documents, expired periods, periods ending inside the 3-month window, later ones, content covered
by an item of the bundled demo catalogue (marked at the item's level, above it, below it, or not
at all), uncovered content, one folder whose documents all carry one mark (template marking), and
a few broken files (truncated DOCX, random bytes named .pdf, an empty file).

Run: ``python bench/make_archive.py OUT [--files 5000] [--pages 1]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))

from builders import DocSpec, Para, make_docx, to_pdf  # noqa: E402

AS_OF = dt.date(2026, 6, 30)
WINDOW_END = dt.date(2026, 9, 30)  # AS_OF + 3 months
STATUTORY = {"绝密": 30, "机密": 20, "秘密": 10}
LEVELS = ("绝密", "机密", "秘密")
TEXTS = ROOT / "tests" / "data" / "texts"  # real public texts (copies from the shared corpus)
UNITS = ("办公室", "规划科", "财务科", "人事科", "法规科", "档案室")
TEMPLATE_FOLDER = "综合科/模板"
TEMPLATE_MARK = "秘密★10年"
CHARS_PER_PAGE = 1000

# Content covered by one item of rules/catalogs/demo.yaml: (item id, its level, its maximum
# years, a sentence that the item is about).
COVERED = (
    ("NEG-01", "机密", 5, "与某集团的谈判底线为土地价格不低于每亩30万元。"),
    ("INF-01", "秘密", 10, "全市供水主干管网布局图及加压站坐标见附件。"),
    ("SEC-01", "机密", 10, "涉密网络拓扑结构及地址分配表见附件。"),
    ("DEF-01", "机密", 10, "全市国防动员潜力数据汇总表见附件。"),
)
FILLER_FILES = ("gov_sc_01.txt", "gov_sc_03.txt", "gov_sc_05.txt", "gov_sc_07.txt")


@dataclass(frozen=True)
class Truth:
    """What one generated file is, decided before it is written."""

    relative: str
    kind: str  # docx | pdf
    status: str  # ok | unreadable
    level: str  # "" when unmarked
    mark: str
    term_kind: str  # years | date | condition | none | long_term | ""
    date: str  # the document date, ISO
    expires_on: str  # ISO, "" when not computable
    state: str  # expired | due | later | none | unmarked | ""
    verdict: str  # OVER_CLASSIFIED | UNDER_CLASSIFIED | UNMARKED_MATCH | NO_BASIS | ""
    item: str  # the covered catalogue item, "" for none


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _state(level: str, expires: dt.date | None) -> str:
    if not level:
        return "unmarked"
    if expires is None:
        return "none"
    if expires <= AS_OF:
        return "expired"
    return "due" if expires <= WINDOW_END else "later"


def _filler() -> list[str]:
    paras: list[str] = []
    for name in FILLER_FILES:
        lines = (TEXTS / name).read_text(encoding="utf-8").split("\n")[3:]
        paras.extend(x.strip() for x in lines if 20 <= len(x.strip()) <= 300)
    return paras


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _mark_case(i: int, rng: random.Random) -> tuple[str, str, str, dt.date, dt.date | None]:
    """(level, mark, term kind, document date, expiry) for a marked document."""
    level = LEVELS[rng.randrange(3)]
    kind = ("years", "years", "years", "date", "condition", "none", "long_term")[i % 7]
    if kind == "years":
        years = rng.randint(1, STATUTORY[level])
        shape = rng.random()
        if shape < 0.25:  # ends inside the window
            end = AS_OF + dt.timedelta(days=rng.randint(1, (WINDOW_END - AS_OF).days))
            if end.month == 2 and end.day == 29:
                end = end.replace(day=28)
            date = end.replace(year=end.year - years)
        else:
            date = dt.date(rng.randint(1990, 2026), rng.randint(1, 12), rng.randint(1, 28))
            if date > AS_OF:
                date = date.replace(year=2025)
        return level, f"{level}★{years}年", kind, date, _add_years(date, years)
    date = dt.date(rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28))
    if kind == "date":
        until = dt.date(rng.randint(2020, 2032), rng.randint(1, 12), rng.randint(1, 28))
        return level, f"{level}★{_chinese_date(until)}", kind, date, until
    if kind == "condition":
        return level, f"{level}★公布前", kind, date, None
    if kind == "none":
        return level, f"{level}★", kind, date, _add_years(date, STATUTORY[level])
    return level, f"{level}★长期", kind, date, None


def _body(rng: random.Random, filler: list[str], pages: int) -> list[str | Para]:
    """About ``pages`` pages of public text (a page of LibreOffice's default layout holds about
    CHARS_PER_PAGE characters of these paragraphs)."""
    body: list[str | Para] = []
    size = 0
    while size < pages * CHARS_PER_PAGE:
        p = rng.choice(filler)
        body.append(p)
        size += len(p)
    return body


def plan(n: int, seed: int = 2026) -> list[tuple[Truth, DocSpec | bytes]]:
    """The truth and the content of every file (a DocSpec, or raw bytes for broken files)."""
    rng = random.Random(seed)
    out: list[tuple[Truth, DocSpec | bytes]] = []
    template_n = min(8, max(n // 40, 5))
    for i in range(n):
        kind = "pdf" if i % 2 else "docx"
        folder = (TEMPLATE_FOLDER if i < template_n
                  else f"{UNITS[i % len(UNITS)]}/{2000 + i % 27}")
        name = f"{folder}/文件{i:05d}.{kind}"
        if i % 97 == 13:  # broken
            out.append((Truth(name, kind, "unreadable", "", "", "", "", "", "", "", ""),
                        _broken(i, rng)))
            continue
        covered = COVERED[rng.randrange(len(COVERED))] if i % 5 in (1, 3) else None
        roll = rng.random()
        marked = i < template_n or roll < 0.7
        title = f"关于第{i}号事项的通知"
        body: list[str | Para] = []
        level = mark = term_kind = ""
        date = dt.date(rng.randint(2000, 2025), rng.randint(1, 12), rng.randint(1, 28))
        expires: dt.date | None = None
        if marked:
            if i < template_n:
                level, mark, term_kind = "秘密", TEMPLATE_MARK, "years"
                expires = _add_years(date, 10)
            else:
                level, mark, term_kind, date, expires = _mark_case(i, rng)
                if covered is not None and term_kind == "years":
                    # at the item's level, above or below it, with a period it allows
                    level = (covered[1], *LEVELS)[rng.randrange(4)]
                    years = rng.randint(1, covered[2])
                    mark = f"{level}★{years}年"
                    expires = _add_years(date, years)
                elif covered is not None:
                    level = covered[1]
                    mark = level + mark[2:]
                    if term_kind == "none":
                        expires = _add_years(date, STATUTORY[level])
            body += [f"{i % 1000000:06d}", mark]
        body += [Para(title, align="center"), "各有关单位："]
        body += [rng.choice(_FILLER) for _ in range(3)]
        if covered is not None:
            body.append(covered[3])
        if marked:
            body.append("知悉范围：本单位领导班子成员")
        body += ["某市示例局", _chinese_date(date)]
        verdict = _verdict(level, covered)
        truth = Truth(name, kind, "ok", level, mark, term_kind, date.isoformat(),
                      expires.isoformat() if expires else "", _state(level, expires), verdict,
                      covered[0] if covered else "")
        out.append((truth, DocSpec(body=body, title=title)))
    return out


def _verdict(level: str, covered: tuple[str, str, int, str] | None) -> str:
    rank = {"秘密": 1, "机密": 2, "绝密": 3}
    if covered is None:
        return "NO_BASIS" if level else ""
    if not level:
        return "UNMARKED_MATCH"
    if rank[level] > rank[covered[1]]:
        return "OVER_CLASSIFIED"
    if rank[level] < rank[covered[1]]:
        return "UNDER_CLASSIFIED"
    return ""


def _broken(i: int, rng: random.Random) -> bytes:
    if i % 3 == 0:
        return b""
    if i % 3 == 1:
        return bytes(rng.randrange(256) for _ in range(2048))
    return b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(500))  # a cut-off zip


_FILLER: list[str] = []


def make_archive(out: Path, n: int, *, seed: int = 2026, pages: int = 1) -> list[Truth]:
    """Write ``n`` files under ``out/archive`` and ``out/truth.tsv``; returns the truth."""
    if not _FILLER:
        _FILLER.extend(_filler())
    items = plan(n, seed)
    archive = out / "archive"
    if archive.exists():
        shutil.rmtree(archive)
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        to_convert: list[tuple[Path, Path]] = []
        for truth, content in items:
            target = archive / truth.relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
                continue
            spec = content
            if pages > 1:  # more pages of text before the closing lines
                extra = _body(random.Random(truth.relative), _FILLER, pages - 1)
                spec = DocSpec(body=content.body[:-2] + extra + content.body[-2:],
                               title=content.title)
            if truth.kind == "docx":
                make_docx(target, spec)
            else:
                src = staging / f"{len(to_convert):05d}.docx"
                make_docx(src, spec)
                to_convert.append((src, target))
        for start in range(0, len(to_convert), 100):
            chunk = to_convert[start:start + 100]
            pdf_dir = staging / f"pdf{start}"
            for pdf, (_, target) in zip(to_pdf([s for s, _ in chunk], pdf_dir), chunk,
                                        strict=True):
                shutil.move(str(pdf), target)
    truths = [t for t, _ in items]
    with (out / "truth.tsv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(asdict(truths[0])), delimiter="\t")
        writer.writeheader()
        for t in truths:
            writer.writerow(asdict(t))
    return truths


def expected_stats(truths: list[Truth]) -> dict[str, object]:
    """The statistics an audit of the archive must report (as of AS_OF, 3-month window)."""
    ok = [t for t in truths if t.status == "ok"]
    marked = [t for t in ok if t.level]
    states = Counter(t.state for t in marked)
    verdicts = Counter(t.verdict for t in ok)
    return {
        "files": len(truths), "read": len(ok),
        "unreadable": sum(1 for t in truths if t.status == "unreadable"),
        "marked": len(marked), "unmarked": len(ok) - len(marked),
        "by_level": {lv: sum(1 for t in marked if t.level == lv) for lv in LEVELS},
        "with_period": sum(1 for t in marked if t.term_kind != "none"),
        "without_period": sum(1 for t in marked if t.term_kind == "none"),
        "expired": states["expired"], "due_within_window": states["due"],
        "expiry_unknown": states["none"],
        "over_classified_likely": verdicts["OVER_CLASSIFIED"],
        "under_classified_likely": verdicts["UNDER_CLASSIFIED"],
        "unmarked_match_likely": verdicts["UNMARKED_MATCH"],
        "no_basis_likely": verdicts["NO_BASIS"],
    }


def expected_templates(truths: list[Truth]) -> list[tuple[str, str, int, int]]:
    """Folders where one mark covers at least 80 % of at least 5 marked documents."""
    by_folder: dict[str, Counter[str]] = defaultdict(Counter)
    for t in truths:
        if t.level:
            by_folder[t.relative.rsplit("/", 1)[0]][t.mark] += 1
    out = []
    for folder, marks in sorted(by_folder.items()):
        total = sum(marks.values())
        mark, k = marks.most_common(1)[0]
        if total >= 5 and k >= 0.8 * total:
            out.append((folder, mark, k, total))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--pages", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    truths = make_archive(args.out, args.files, seed=args.seed, pages=args.pages)
    print(f"{len(truths)} files in {args.out / 'archive'}; truth in {args.out / 'truth.tsv'}")
    for key, value in expected_stats(truths).items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
