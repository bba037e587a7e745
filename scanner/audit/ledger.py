"""The ledger (定密台账): one row per file, built from its report, as .xlsx and .csv.

Every cell is text; rows are sorted by path and carry no clock time, so the same reports give the
same files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scanner.audit.derivation import (
    SourceLink,
    expiry_text,
    infer,
    inferred_end,
    sources_of,
)
from scanner.audit.facts import DocFacts
from scanner.extract.registry import for_path
from scanner.messages import Msg
from scanner.names import ORIGIN, code_label, code_labels, level_name, mark_text, value_name
from scanner.report.model import own_level

ACTIONS = {  # (zh, en), in the order they are listed
    "unreadable": Msg("人工查看：文件无法自动读取", "review by hand: the file could not be read"),
    "needs_ocr": Msg("扫描件或图像：OCR 识别或人工查看密级标志",
                     "a scan or an image: check its mark by OCR or by hand"),
    "EXPIRED": Msg("保密期限已满：办理解密审核", "period has run: review for declassification"),
    "EXPIRY_SOON": Msg("即将到期：准备解密审核",
                       "expires soon: prepare the declassification review"),
    "DECLASS_CONFLICT": Msg("核查解密状态", "check whether it was declassified"),
    "UNMARKED_MATCH": Msg("核查是否应当定密", "check whether it should be classified"),
    "UNDER_CLASSIFIED": Msg("核查是否应提高密级", "check whether the level should be higher"),
    "OVER_CLASSIFIED": Msg("核查是否应降低密级或解密",
                        "check whether to lower the level or declassify"),
    "NO_BASIS": Msg("核查定密依据", "check the basis for classification"),
    "AUTHORITY_EXCEEDED": Msg("核查定密权限", "check the classification authority"),
    "PERIOD_ABOVE_CATALOG": Msg("核查保密期限", "check the period against the catalogue"),
    "DERIVED_BELOW_SOURCE": Msg("按来源标注或更正国家秘密标志：派生定密随来源，不随本件期限解密",
                                "mark it as its source is marked: derived classification follows "
                                "the source, not this document's own period"),
    "mark": Msg("更正国家秘密标志", "correct the mark"),
    "mark_add": Msg("标注国家秘密标志", "add the mark"),
    "keep": Msg("继续保密，按期复核", "keep classified; review on schedule"),
    "none": Msg("无需处理", "nothing to do"),
}
MARK_ACTION_SKIP = {"EXPIRED", "EXPIRY_SOON", "CONDITION_MANUAL", *ACTIONS}
def _reviews(report: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    out = []
    for f in [*(report.get("findings") or []), *(report.get("suppressed") or [])]:
        d = f.get("suppressed") or f.get("decision") or {}
        state = d.get("decision") or "open"
        out.append((f["code"], f["severity"], f.get("message_zh") or "",
                    f.get("message_en") or "", state, d.get("reason", ""), d.get("by", ""),
                    d.get("at", ""), d.get("note", "")))
    return tuple(out)


@dataclass(frozen=True)
class LedgerRow:
    """One line of the ledger, from one report."""

    relative: str
    path: str
    title: str
    doc_number: str
    date: str
    level: str
    mark: str
    term: str
    term_kind: str
    expires_on: str
    scope: str
    copy_number: str
    status: str
    verdict: str
    reason: str
    reason_en: str
    codes: tuple[str, ...]
    verdicts: tuple[str, ...]
    severities: tuple[str, ...]
    items: tuple[tuple[str, str], ...]
    actions: tuple[str, ...]
    kind: str
    pages: int
    statutory: bool
    # reviewers' decisions: (code, severity, message zh, message en, state, reason, by, at, note)
    # for every finding, kept or suppressed; state is open, confirmed or dismissed
    reviews: tuple[tuple[str, ...], ...] = ()
    conclusion: tuple[str, ...] = ()  # (conclusion, mark, by, at, note) of the file, if any
    basis: str = ""  # 定密依据: the catalogue item (id and title) the classification rests on
    origin: str = ""  # 原始/派生: "original" or "derived" for a marked document, else ""
    issuer: str = ""  # 定密机关: the office of the 落款 or the 发文机关标志
    archive_id: str = ""  # 档号, from a sidecar or a name holding one
    sources: tuple[SourceLink, ...] = ()  # the classified sources it is derived from (links)

    def decision_summary(self, lang: str) -> str:
        """The decisions in one cell, by name: ``确认 定密依据不明（NO_BASIS）；忽略
        标志位置不当（MARK_POSITION）（误报，张三）；结论：维持 机密★10年（张三）``."""
        zh = lang == "zh"
        parts = []
        for r in self.reviews:
            if r[4] == "open":
                continue
            part = f"{value_name('decision', r[4], lang)} {code_label(r[0], lang)}"
            if r[4] == "dismissed":
                why = ("，" if zh else ", ").join(
                    x for x in (value_name("reason", r[5], lang), r[6]) if x)
                part += (f"（{why}）" if zh else f" ({why})") if why else ""
            parts.append(part)
        if self.conclusion:
            c = self.conclusion
            said = f"{value_name('conclusion', c[0], lang)}{(' ' + c[1]) if c[1] else ''}"
            by = (f"（{c[2]}）" if zh else f" ({c[2]})") if c[2] else ""
            parts.append(f"{value_name('decision', 'conclusion', lang)}"
                         f"{'：' if zh else ': '}{said}{by}")
        return ("；" if zh else "; ").join(parts)

    @property
    def file_format(self) -> str:
        """The format read (docx, pdf, doc, ofd, text, image…); for a file that was not read, the
        format its name promises, else its suffix (``.xyz``), or ``-`` without one."""
        if self.kind:
            return self.kind
        extractor = for_path(Path(self.relative))  # not read: the format its name promises
        if extractor is not None:
            return extractor.kind
        return PurePosixPath(self.relative).suffix.lower() or "-"

    @property
    def folder(self) -> str:
        """The folder of the file, relative to the archive root ('.' at the top)."""
        return str(PurePosixPath(self.relative).parent)

    def expiry_state(self, as_of: dt.date, window_end: dt.date) -> str:
        """``unmarked``, ``expired``, ``due``, ``later`` or ``none`` (no computable end); an
        undated derived document by the date inferred from its sources."""
        if not self.level:
            return "unmarked"
        if not self.expires_on:
            guess = infer(self, as_of, window_end)
            return guess.state if guess is not None else "none"
        end = dt.date.fromisoformat(self.expires_on)
        if end <= as_of:
            return "expired"
        return "due" if end <= window_end else "later"

    @property
    def weight(self) -> int:
        """How bad the file looks: errors count ten, warnings one."""
        return sum(10 if s == "error" else 1 if s == "warning" else 0 for s in self.severities)


ORIGINS = ORIGIN  # 原始/派生, named in scanner.names
DERIVED_CODES = ("DERIVED_BELOW_SOURCE", "DERIVED_ABOVE_SOURCE", "SOURCE_DECLASSIFIED")


def basis_of(report: dict[str, Any]) -> str:
    """定密依据: the catalogue item the suggestion rests on (else the first live hit at the
    marked level, else the first live hit), as ``id title``; '' without one."""
    hits = [h for h in report.get("hits") or [] if not h.get("vetoed") and h.get("live", True)]
    titles = {h["item"]: h.get("title") or "" for h in report.get("hits") or []}
    item = (report.get("suggested_marking") or {}).get("item")
    if not item and hits:
        level = own_level(report)
        item = next((h["item"] for h in hits if h.get("level") == level), hits[0]["item"])
    if not item:
        return ""
    return f"{item} {titles.get(item, '')}".strip()


def origin_of(report: dict[str, Any], facts: DocFacts | None, derived: bool) -> str:
    """``derived`` when the run says so (``--derived``, ``derived: true``), the report or the
    text says so (派生自…, 定密依据：派生…, a 派生 mark), a derived finding names a source or
    its links derive it from a classified source;
    ``original`` for any other marked document; '' for an unmarked one."""
    if not own_level(report):
        return ""
    mark = report.get("marking") or {}
    codes = {f["code"] for f in report.get("findings") or []}
    if (derived or report.get("derived") is True or (facts is not None and facts.derived)
            or "派生" in (mark.get("raw") or "") or codes & set(DERIVED_CODES)
            or sources_of(report)):
        return "derived"
    return "original"


def ledger_row(report: dict[str, Any], facts: DocFacts | None = None, *,
               derived: bool = False) -> LedgerRow:
    """The ledger line of one report (the JSON form of :class:`scanner.report.FileReport`);
    ``facts`` are what the text and the folders add (定密机关, 派生, 档号), ``derived`` that the
    run treats every document as derived."""
    mark = report.get("marking") or {}
    findings = report.get("findings") or []
    codes = tuple(f["code"] for f in findings)
    status = report["status"]
    actions: list[str] = []
    if status != "ok":
        actions.append("needs_ocr" if status == "needs_ocr" else "unreadable")
    actions += [c for c in codes if c in ACTIONS]
    if "DERIVED_BELOW_SOURCE" in codes:  # a live source outlasts it: not declassified on its own
        actions = [a for a in actions if a not in ("EXPIRED", "EXPIRY_SOON")]
    if any(f["severity"] == "error" and f["code"] not in MARK_ACTION_SKIP for f in findings):
        actions.append("mark" if mark else "mark_add")
    if not actions:
        actions.append("keep" if own_level(report) else "none")
    source = report["source"]
    return LedgerRow(
        relative=source.get("relative") or source["path"], path=source["path"],
        title=report.get("title") or "", doc_number=report.get("doc_number") or "",
        date=report.get("document_date") or "", level=own_level(report) or "",
        # spaces dropped: a PDF's text layer invents them (MARK_SPACING reports real ones)
        mark=mark_text(mark.get("raw")), term=mark_text(mark.get("term_raw")),
        term_kind=mark.get("term_kind") or "", expires_on=report.get("expires_on") or "",
        scope=report.get("scope") or "", copy_number=report.get("copy_number") or "",
        status=status, verdict=report.get("verdict") or status,
        reason=report.get("reason_zh") or "", reason_en=report.get("reason_en") or "",
        codes=codes,
        verdicts=tuple(v["code"] for v in report.get("verdicts") or []),
        severities=tuple(f["severity"] for f in findings),
        items=tuple((h["item"], h.get("title") or "") for h in report.get("hits") or []
                    if not h.get("vetoed")),
        actions=tuple(actions), kind=source.get("kind") or "", pages=source.get("pages") or 0,
        statutory=bool(mark) and mark.get("term_kind") == "none", reviews=_reviews(report),
        conclusion=tuple(str(report["conclusion"].get(k, "")) for k in
                         ("conclusion", "mark", "by", "at", "note"))
        if report.get("conclusion") else (),
        basis=basis_of(report), origin=origin_of(report, facts, derived),
        issuer=(report.get("issuer") or (facts.issuer if facts else "")) or "",
        archive_id=facts.archive_id if facts else "", sources=sources_of(report))


COLUMNS = (  # (zh header, en header, attribute or function)
    ("路径", "path", "relative"), ("标题", "title", "title"), ("文号", "document number",
                                                              "doc_number"),
    ("成文日期", "date", "date"), ("密级", "level", "level"), ("国家秘密标志", "mark", "mark"),
    ("保密期限", "term", "term"), ("解密日期", "expiry date", "expires_on"),
    ("知悉范围", "scope", "scope"), ("份号", "copy number", "copy_number"),
    ("定密依据", "basis", "basis"), ("原始/派生", "original/derived", "origin"),
    ("定密机关", "classifying office", "issuer"), ("档号", "archive number", "archive_id"),
    ("状态", "status", "status"), ("发现", "findings", "codes"),
    ("判定", "verdicts", "verdicts"), ("建议处理", "suggested action", "actions"),
    ("说明", "reason", "reason"), ("审核决定", "decisions", "decisions"),
)
WIDTHS = (40, 36, 22, 12, 13, 20, 16, 12, 28, 12, 36, 16, 24, 20, 14, 60, 40, 40, 30, 60)
# (a Chinese character takes two units: 状态 holds 不支持的格式, 密级 CONFIDENTIAL)


def _cells(row: LedgerRow, lang: str) -> list[str]:
    out = []
    for _, _, attr in COLUMNS:
        if attr == "decisions":
            out.append(row.decision_summary(lang))
            continue
        value = getattr(row, attr)
        if attr == "actions":
            value = ("；" if lang == "zh" else "; ").join(ACTIONS[a].text(lang) for a in value)
        elif attr in ("codes", "verdicts"):  # each by name, with its code
            value = code_labels(value, lang)
        elif attr in ("status", "origin"):
            value = value_name(attr, value, lang) if value else ""
        elif attr == "level":
            value = level_name(value, lang)
        elif attr == "expires_on" and not value:
            found = inferred_end(row)  # an undated derived document: its sources' end
            value = expiry_text(found[0], True, lang) if found and found[0] else ""
        elif attr == "reason" and lang != "zh":
            value = row.reason_en
        out.append(str(value))
    return out


def _headers(lang: str) -> list[str]:
    return [zh if lang == "zh" else en for zh, en, _ in COLUMNS]


def ledger_csv(rows: Sequence[LedgerRow], lang: str) -> bytes:
    """UTF-8 with BOM (Excel and WPS then open it as UTF-8), CRLF line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(_headers(lang))
    for row in rows:
        writer.writerow([csv_safe(v) for v in _cells(row, lang)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8", "backslashreplace")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """A CSV cell a spreadsheet will not run: a value starting like a formula (``=``, ``+``,
    ``-``, ``@``, tab or CR: a file name or title such as ``=HYPERLINK(…)``) gets a leading
    apostrophe, as OWASP recommends against CSV injection."""
    return "'" + value if value.startswith(FORMULA_START) else value


SHEET_ROWS = 1_048_575  # data rows a worksheet holds under its header (Excel's limit)


def sheet_names(base: str, n: int) -> list[str]:
    """``base``, then ``base 2``, ``base 3``… for the worksheets an audit's rows need."""
    return [base if i == 0 else f"{base} {i + 1}" for i in range(max(n, 1))]


def ledger_xlsx(rows: Sequence[LedgerRow], lang: str,
                derived: Sequence[Sequence[str]] = ()) -> bytes:
    """The ledger workbook: frozen header row, filters on every column, set widths; an archive
    of more than a worksheet's rows continues on further sheets (定密台账 2, …). ``derived``:
    the 派生关系 table (header first), a sheet after the ledger's."""
    from openpyxl import Workbook  # noqa: PLC0415 - only the audit needs it
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    wb = Workbook(write_only=True)
    chunks = [rows[i:i + SHEET_ROWS] for i in range(0, len(rows), SHEET_ROWS)] or [rows]
    for name, chunk in zip(sheet_names("定密台账" if lang == "zh" else "ledger", len(chunks)),
                           chunks, strict=True):
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        last = get_column_letter(len(COLUMNS))
        ws.auto_filter.ref = f"A1:{last}{len(chunk) + 1}"
        for i, width in enumerate(WIDTHS, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        bold = Font(bold=True)
        header = []
        for text in _headers(lang):
            cell = WriteOnlyCell(ws, value=text)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in chunk:
            ws.append([_text_cell(ws, _clean(v)) for v in _cells(row, lang)])
    if derived:
        _table_sheet(wb, "派生关系" if lang == "zh" else "derived", derived, DERIVED_WIDTHS)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


DERIVED_WIDTHS = (40, 16, 40, 16, 12, 16, 10, 30, 50)  # 来源有效 / source live: 12


def _table_sheet(wb: Any, name: str, table: Sequence[Sequence[str]],
                 widths: Sequence[int]) -> None:
    """A sheet of a small table: a bold frozen header with filters, set widths."""
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    rows = list(table)[:SHEET_ROWS + 1]
    ws = wb.create_sheet(name)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(rows[0]))}{len(rows)}"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    header = []
    for text in rows[0]:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows[1:]:
        ws.append([_text_cell(ws, _clean(v)) for v in row])


def _text_cell(ws: Any, value: str) -> Any:
    """Every cell is text: a value that openpyxl would store as a formula (it starts with ``=``)
    is written as a string cell."""
    if not value.startswith("="):
        return value
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _clean(value: str) -> str:
    """Characters a worksheet cannot hold: control characters become spaces, the bytes of a file
    name that is not UTF-8 become ``\\xNN``."""
    if value.isprintable():
        return value
    return "".join(" " if ord(c) < 32 and c not in "\t\n\r"
                   else f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else c
                   for c in value)


def worst(rows: Sequence[LedgerRow], n: int = 50) -> list[LedgerRow]:
    """The files that look worst (errors first), then by path."""
    bad = [r for r in rows if r.weight > 0 or r.status != "ok"]
    bad.sort(key=lambda r: (-(r.weight + (100 if r.status != "ok" else 0)), r.relative))
    return bad[:n]
