"""The audit's run-level outputs, by name: the ledger (定密台账) as .xlsx and .csv, the list of
documents due for declassification, the statistics (定密统计) and the summary page.

:data:`RUN_OUTPUTS` is the registry: each output is a file name, a description and a builder
from the ledger rows and the run's context. Adding one (a SARIF or JSON Lines file, say) is one
entry here; the audit writes every entry, the README's table is kept in step by a test. Every
output is sorted by path and carries no clock time, so the same reports give the same files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from markers.expiry import add_months
from markers.models import LEVELS
from scanner.audit.declassify import as_bytes, declassify_xlsx, review_forms
from scanner.audit.derivation import (
    STATES,
    declassify_rows,
    derived_text,
    held_text,
    sources_text,
)
from scanner.audit.ledger import LedgerRow, csv_safe, ledger_csv, ledger_xlsx
from scanner.audit.links_sheet import derived_table
from scanner.audit.review_sheet import review_xlsx
from scanner.audit.summary import category_counts, render_summary
from scanner.audit.yearly import by_year, stats_xlsx
from scanner.decisions import Decision
from scanner.derived.archive import LinkRow
from scanner.messages import Msg
from scanner.names import level_name
from scanner.report.outputs import link_suffix
from scanner.report.write import write_output
from scanner.verdicts import VERDICT_CODES

TEMPLATE_MIN_DOCS = 5  # a folder needs this many marked documents to speak of a template
TEMPLATE_SHARE = 0.8  # ... and this share of them carrying one identical mark

DECLASSIFY_CSV = (  # (zh, en) headers of declassify.csv
    ("路径", "path"), ("标题", "title"), ("文号", "document number"), ("份号", "copy number"),
    ("密级", "level"), ("国家秘密标志", "mark"), ("成文日期", "date"),
    ("解密日期", "expiry date"), ("状态", "state"), ("原因", "reason"),
    ("解密日期依据", "expiry basis"), ("派生文件", "derived documents"),
)


def declassify_csv(rows: Sequence[LedgerRow], as_of: dt.date, window_end: dt.date,
                   lang: str) -> bytes:
    """The list of documents due for declassification (UTF-8 with BOM): one row per listed
    document, each by its title, 文号 and 份号 as well as its path, with the documents derived
    from it and, for an inferred date, its sources."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([zh if lang == "zh" else en for zh, en in DECLASSIFY_CSV])
    for d in declassify_rows(rows, as_of, window_end):
        row = d.row
        writer.writerow([csv_safe(v) for v in (
            row.relative, row.title, row.doc_number, row.copy_number,
            level_name(row.level, lang), row.mark, row.date, d.expires_on,
            STATES[d.state].text(lang), d.reason(lang),
            sources_text(d.inferred, lang) or held_text(d.held_by, lang),
            derived_text(d.derived, lang))])
    return ("\ufeff" + buf.getvalue()).encode("utf-8", "backslashreplace")


def statistics(rows: Sequence[LedgerRow], as_of: dt.date, window_months: int,
               catalogs: Sequence[str], decisions: Sequence[Decision] = ()) -> dict[str, Any]:
    """The counts of the annual 定密统计 (``by_year``: per 成文日期 year, with the decisions
    taken that year)."""
    window_end = add_months(as_of, window_months)
    ok = [r for r in rows if r.status == "ok"]
    marked = [r for r in ok if r.level]
    states = Counter(r.expiry_state(as_of, window_end) for r in marked)
    by_code: Counter[str] = Counter(c for r in rows for c in set(r.codes))
    return {
        "as_of": as_of.isoformat(),
        "window_months": window_months,
        "catalogs": list(catalogs),
        "files": len(rows),
        "read": len(ok),
        "unreadable": sum(1 for r in rows if r.status == "unreadable"),
        "needs_ocr": sum(1 for r in rows if r.status == "needs_ocr"),
        "unsupported": sum(1 for r in rows if r.status == "unsupported"),
        "marked": len(marked),
        "unmarked": len(ok) - len(marked),
        "by_level": {level: sum(1 for r in marked if r.level == level) for level in LEVELS},
        "with_period": sum(1 for r in marked if r.term_kind not in ("", "none")),
        "without_period": sum(1 for r in marked if r.term_kind in ("", "none")),
        "expired": states["expired"],
        "due_within_window": states["due"],
        "expiry_unknown": states["none"],
        "over_classified_likely": by_code["OVER_CLASSIFIED"],
        "under_classified_likely": by_code["UNDER_CLASSIFIED"],
        "unmarked_match_likely": by_code["UNMARKED_MATCH"],
        "no_basis_likely": by_code["NO_BASIS"],
        "by_finding": dict(sorted(by_code.items())),
        "by_format": dict(sorted(Counter(r.file_format for r in rows).items())),
        "decisions": _decision_counts(rows),
        "by_category": category_counts(rows),
        "original": sum(1 for r in marked if r.origin == "original"),
        "derived": sum(1 for r in marked if r.origin == "derived"),
        "by_year": by_year(rows, decisions),
    }


def _decision_counts(rows: Sequence[LedgerRow]) -> dict[str, dict[str, int]]:
    """Per verdict code: findings confirmed, dismissed and still open."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        for review in r.reviews:
            if review[0] in VERDICT_CODES:
                counts[review[0]][review[4]] += 1
    return {code: {k: counts[code][k] for k in ("confirmed", "dismissed", "open")}
            for code in sorted(counts)}


def template_folders(rows: Sequence[LedgerRow]) -> list[tuple[str, str, int, int]]:
    """(folder, mark, documents with it, marked documents) where one identical mark covers at
    least TEMPLATE_SHARE of at least TEMPLATE_MIN_DOCS marked documents (模板式定密)."""
    marks: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        if r.level and r.mark:
            marks[r.folder][r.mark] += 1
    out = []
    for folder, counter in sorted(marks.items()):
        total = sum(counter.values())
        mark, n = counter.most_common(1)[0]
        if total >= TEMPLATE_MIN_DOCS and n >= TEMPLATE_SHARE * total:
            out.append((folder, mark, n, total))
    return out


@dataclass(frozen=True)
class RunContext:
    """What every run-level output is built from besides the rows."""

    as_of: dt.date
    window_months: int
    lang: str
    formats: tuple[str, ...]
    catalogs: tuple[str, ...]
    stats: dict[str, Any] = field(default_factory=dict)  # set by write_outputs, once
    decisions: tuple[Decision, ...] = ()  # every reviewer's decision in the audit's database
    links: tuple[LinkRow, ...] = ()  # the 派生关系 (derived stage), a sheet of the ledger

    @property
    def window_end(self) -> dt.date:
        """The last day of the declassification window."""
        return add_months(self.as_of, self.window_months)


@dataclass(frozen=True)
class RunOutput:
    """One run-level output: its file name, what it holds, and its builder."""

    name: str
    what: Msg
    build: Callable[[Sequence[LedgerRow], RunContext], bytes]


def _stats(rows: Sequence[LedgerRow], ctx: RunContext) -> bytes:
    del rows
    return json.dumps(ctx.stats, ensure_ascii=False, indent=2).encode("utf-8")


def _summary(rows: Sequence[LedgerRow], ctx: RunContext) -> bytes:
    html = render_summary(rows, ctx.stats, template_folders(rows), as_of=ctx.as_of,
                          window_end=ctx.window_end, lang=ctx.lang,
                          report_ext=link_suffix(ctx.formats))
    return html.encode("utf-8", "backslashreplace")


RUN_OUTPUTS: tuple[RunOutput, ...] = (
    RunOutput("ledger.xlsx", Msg("定密台账工作簿：每个文件一行，冻结表头并可筛选",
                                 "the ledger workbook: one row per file, frozen header, filters"),
              lambda rows, ctx: ledger_xlsx(rows, ctx.lang,
                                            derived=derived_table(ctx.links, ctx.lang))),
    RunOutput("ledger.csv", Msg("同一台账的 CSV（UTF-8 带 BOM，Excel 和 WPS 可直接打开）",
                                "the same ledger as CSV (UTF-8 with BOM for Excel and WPS)"),
              lambda rows, ctx: ledger_csv(rows, ctx.lang)),
    RunOutput("declassify.csv", Msg("已到期或在提醒窗口内到期的文件清单（标题、文号、份号），"
                                    "附日期和原因、推定日期的依据和从其派生的文件",
                                    "documents whose period has run or ends within the window "
                                    "(title, 文号, 份号), with the date and the reason, the "
                                    "basis of an inferred date and the documents derived from "
                                    "each"),
              lambda rows, ctx: declassify_csv(rows, ctx.as_of, ctx.window_end, ctx.lang)),
    RunOutput("declassify.xlsx", Msg("解密清单工作簿：按定密机关分表，含档号、文号、份号、"
                                     "定密依据，派生文件列在来源之下",
                                     "the declassification list as a workbook, one sheet per "
                                     "classifying office, with 档号, 文号, 份号 and basis, "
                                     "derived documents under their source"),
              lambda rows, ctx: declassify_xlsx(
                  declassify_rows(rows, ctx.as_of, ctx.window_end), ctx.as_of, ctx.lang)),
    RunOutput("declassify-review.html", Msg(
        "可打印的解密审核表：每个定密机关一张（A4），含审核意见栏和承办人、定密责任人签字行",
        "the printable 解密审核表, one per classifying office (A4), with a column for the "
        "opinion and signature lines"),
              lambda rows, ctx: as_bytes(review_forms(
                  declassify_rows(rows, ctx.as_of, ctx.window_end), ctx.as_of, ctx.lang))),
    RunOutput("stats.xlsx", Msg("年度统计表：按成文日期年度、密级、原始/派生，"
                                "以及当年的定密、变更、延长、解密决定",
                                "the yearly statistics: by year of the document date, level, "
                                "original/derived, and the decisions taken"),
              lambda rows, ctx: stats_xlsx(ctx.stats["by_year"], ctx.lang)),
    RunOutput("stats.json", Msg("年度定密统计的各项数字", "the counts of the annual 定密统计"),
              _stats),
    RunOutput("summary.html", Msg("一页离线汇总（内嵌 SVG，无脚本）", "one offline summary page "
                                  "(inline SVG, no script)"), _summary),
    RunOutput("review.xlsx", Msg("审核意见表：每个文件的每项发现及其审核决定、理由、审核人和备注，"
                                 "以及文件结论", "the review sheet (审核意见表): every finding "
                                 "of every file with its decision, reason, reviewer and note, "
                                 "and the file's conclusion"),
              lambda rows, ctx: review_xlsx(rows, ctx.lang)),
)
OUTPUT_NAMES = tuple(o.name for o in RUN_OUTPUTS)


def write_outputs(rows_in: Sequence[LedgerRow], out: Path, ctx: RunContext) -> list[LedgerRow]:
    """Write every run-level output into ``out``; returns the ledger rows in path order."""
    rows = sorted(rows_in, key=lambda r: r.relative)
    ctx = replace(ctx, stats=statistics(rows, ctx.as_of, ctx.window_months, ctx.catalogs,
                                        ctx.decisions))
    for output in RUN_OUTPUTS:
        write_output(out / output.name, output.build(rows, ctx))
    return rows
