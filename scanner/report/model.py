"""The per-file report: a frozen value and its JSON form (field names fixed by the issue tracker).

``schema_version`` changes whenever a field changes meaning; fields are only ever added.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from markers import Finding, Marking, MarkSet
from markers.models import LEVEL_EN, LEVEL_RANK, SEVERITY_RANK, Field
from rules import Catalog, Hit
from rules.model import TermHit
from scanner.messages import Msg
from scanner.verdicts import VERDICT_CODES, Suggestion

SCHEMA_VERSION = "1.1"  # 1.1: classification counts the sources whose text is shown
_QUOTED = re.compile(r"([“'])([^”']*)([”'])")  # what a message quotes from the document
Status = str  # "ok" | "unreadable" | "unsupported" | "needs_ocr"


@dataclass(frozen=True)
class Source:
    """Identity of the scanned file."""

    path: str
    sha256: str | None
    size: int | None
    mtime: float | None = None
    kind: str | None = None
    pages: int | None = None


@dataclass(frozen=True)
class FileReport:
    """Everything dingmi says about one file."""

    source: Source
    status: Status
    engine: str
    as_of: dt.date
    reason_zh: str | None = None
    reason_en: str | None = None
    marks: MarkSet | None = None
    findings: tuple[Finding, ...] = ()
    expires_on: dt.date | None = None
    title: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    relative: str = ""
    hits: tuple[Hit, ...] = ()
    suggestion: Suggestion | None = None
    catalogs: tuple[Catalog, ...] = ()
    ocr_confidence: float | None = None  # text read by OCR: the lowest confidence
    ocr_read: str | None = None  # how much of page 1 OCR read: "top" (a mark was there) or "page"

    @classmethod
    def unreadable(cls, source: Source, why: Msg, as_of: dt.date, *, engine: str,
                   status: Status = "unreadable", relative: str = "") -> FileReport:
        """The report of a file that could not be read (``status`` ``unsupported`` for a format
        dingmi does not read), with the reason in both languages."""
        return cls(source, status, engine, as_of, why.zh, why.en, relative=relative)

    def with_relative(self, relative: str) -> FileReport:
        """The same report placed at ``relative`` (its path under the report folder)."""
        return replace(self, relative=relative)

    @property
    def level(self) -> str | None:
        """The level of the effective mark (the report's own classification until the derived
        stage adds sources' excerpts: :func:`classify`)."""
        eff = self.marks.effective if self.marks else None
        return eff.level if eff else None

    @property
    def verdict(self) -> str:
        """``unreadable``, ``unsupported``, ``error``, ``warning`` or ``clean``."""
        return verdict_of(self.status, (f.severity for f in self.findings))

    def worst_at_least(self, severity: str) -> bool:
        """True when a finding of ``severity`` or worse is present."""
        return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[severity] for f in self.findings)


def verdict_of(status: str, severities: Iterable[str]) -> str:
    """A report's verdict: its status when the file was not read, else its worst finding's
    severity (``error``, ``warning``), else ``clean``."""
    if status != "ok":
        return status
    worst = max((SEVERITY_RANK[s] for s in severities), default=-1)
    return {2: "error", 1: "warning"}.get(worst, "clean")


def marking_json(m: Marking | None) -> dict[str, Any] | None:
    """The JSON form of a mark occurrence."""
    if m is None:
        return None
    t = m.term
    return {
        "level": m.level, "level_en": LEVEL_EN[m.level], "term_kind": t.kind,
        "years": t.years, "months": t.months,
        "until": t.until.isoformat() if t.until else None, "condition": t.condition,
        "term_raw": t.raw, "raw": m.raw, "location": m.location, "region": m.region,
        "form": m.form, "span": list(m.span), "cancelled": m.struck,
    }


def _held(marking: dict[str, Any] | None, held: bool) -> dict[str, Any] | None:
    """A mark standing in a document the file holds, not at its own head, says so."""
    return {**marking, "held": True} if marking is not None and held else marking


def finding_json(f: Finding) -> dict[str, Any]:
    """The JSON form of a finding."""
    return {
        "code": f.code, "severity": f.severity, "message_zh": f.message_zh,
        "message_en": f.message_en, "location": f.location,
        "evidence": [{"location": e.location, "excerpt": e.excerpt} for e in f.evidence],
    }


def hit_json(h: Hit) -> dict[str, Any]:
    """The JSON form of a catalogue hit, with its evidence."""
    item = h.item
    return {
        "item": item.id, "catalog": item.catalog, "title": item.title, "level": item.level,
        "term": item.term_text(), "scope": item.scope, "basis": item.basis,
        "score": h.score, "satisfied": list(h.satisfied), "missing": list(h.missing),
        "vetoed": h.vetoed, "live": h.live, "held": h.held, "document_signal": h.document,
        "passage": h.passage,
        "terms": [_term_json(t) for t in h.terms],
        "discounted": [_term_json(t) for t in h.discounted],
        "vetoed_by": [{"term": t.term, "location": t.location, "excerpt": t.excerpt}
                      for t in h.vetoed_by],
    }


def _term_json(t: TermHit) -> dict[str, Any]:
    return {"term": t.term, "found": t.found, "location": t.location, "excerpt": t.excerpt,
            "context": t.context, "trigger": t.trigger}


def suggestion_json(s: Suggestion | None) -> dict[str, Any] | None:
    """The suggested mark (None when no catalogue was used)."""
    if s is None:
        return None
    return {"level": s.level, "term": s.term, "scope": s.scope, "item": s.item_id,
            "catalog": s.catalog, "text": s.text, "basis_found": s.level is not None}


def _field(f: Field | None) -> str | None:
    return f.value if f else None


def to_json(r: FileReport, lang: str = "zh", *, redact: bool = False) -> dict[str, Any]:
    """The report as a JSON-ready dict; ``redact`` leaves evidence excerpts out (locations
    only), for reports that must not quote the document."""
    out = _to_json(r, lang)
    if r.ocr_confidence is not None:  # (present only where OCR read the text)
        out["ocr"] = {"engine": "rapidocr", "min_confidence": r.ocr_confidence,
                      "page1": r.ocr_read}
    if redact:
        for f in out["findings"] + out["verdicts"]:
            for e in f["evidence"]:
                e["excerpt"] = None
            for key in ("message_zh", "message_en"):
                f[key] = _QUOTED.sub(lambda m: m.group(1) + "…" + m.group(3), f[key])
        for h in out["hits"]:
            h["passage"] = None
            for t in h["terms"] + h["discounted"] + h["vetoed_by"]:
                t["excerpt"] = None
        out["redacted"] = True
    return out


def _to_json(r: FileReport, lang: str) -> dict[str, Any]:
    ms = r.marks
    doc_date = ms.document_date.date if ms and ms.document_date else None
    return {
        "schema_version": SCHEMA_VERSION,
        "classification": r.level,
        "classification_basis": "document" if r.level else None,
        "source": {"path": r.source.path, "relative": r.relative, "sha256": r.source.sha256,
                   "size": r.source.size, "mtime": r.source.mtime, "kind": r.source.kind,
                   "pages": r.source.pages},
        "engine": r.engine,
        "as_of": r.as_of.isoformat(),
        "status": r.status,
        "reason": (r.reason_zh if lang == "zh" else r.reason_en) if r.status != "ok" else None,
        "reason_zh": r.reason_zh, "reason_en": r.reason_en,
        "verdict": r.verdict,
        "title": r.title,
        "marking": _held(marking_json(ms.effective), ms.held) if ms else None,
        "markings": [marking_json(m) for m in ms.markings] if ms else [],
        "copy_number": _field(ms.copy_number) if ms else None,
        "urgency": _field(ms.urgency) if ms else None,
        "scope": _field(ms.scope) if ms else None,
        "doc_number": ms.doc_number if ms else None,
        "document_date": doc_date.isoformat() if doc_date else None,
        "document_date_raw": ms.document_date.raw if ms and ms.document_date else None,
        "expires_on": r.expires_on.isoformat() if r.expires_on else None,
        "findings": [finding_json(f) for f in r.findings],
        "hits": [hit_json(h) for h in r.hits],
        "verdicts": [finding_json(f) for f in r.findings if f.code in VERDICT_CODES],
        "suggested_marking": suggestion_json(r.suggestion),
        "catalogs": [{"id": c.id, "version": c.version, "sha256": c.sha256, "path": c.path,
                      "fictional": c.fictional} for c in r.catalogs],
        "timings": {k: round(v, 6) for k, v in r.timings.items()},
    }


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON. A file name that is not UTF-8 (GBK bytes, say) reaches Python as
    lone surrogates; they are written as ``\\udcXX`` escapes, which JSON readers accept and which
    read back to the same name."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "backslashreplace")


def pack_json(value: dict[str, Any]) -> bytes:
    """Compressed compact JSON (how reports travel from workers and sit in the audit's
    database)."""
    return zlib.compress(encode_json(value), 6)


def unpack_json(data: bytes) -> dict[str, Any]:
    """The value :func:`pack_json` stored."""
    value: dict[str, Any] = json.loads(zlib.decompress(data))
    return value


CLASSIFIED = {  # what a report says of its own classification, by its basis
    "document": Msg("本报告引用{level}级文件内容，按{level}级管理",
                    "This report quotes a {level} document and is {level} itself"),
    "sources": Msg("本报告含{level}级来源文件的内容摘录，按{level}级管理",
                   "This report contains excerpts of a {level} source document and is {level} "
                   "itself"),
}
UNCLASSIFIED = Msg("未发现密级标志；如文件实际涉密，本报告应按相应密级管理",
                   "No mark found; if the document is in fact classified, so is this report")


def own_level(report: Mapping[str, Any]) -> str | None:
    """The level of the document's own effective mark, from a report's JSON form: what the
    ledger, the statistics and the derived index count. The report's ``classification`` may be
    higher (it also shows its sources' text)."""
    return (report.get("marking") or {}).get("level")


def shown_levels(report: Mapping[str, Any]) -> list[str]:
    """The levels of the linked sources whose text the report shows: a passage's excerpt on
    either side (the document's copy of a passage is the source's text too). A link shown by
    its citation alone, or with its excerpts removed (``--redact``), shows none."""
    return [link["level"] for link in report.get("links") or []
            if link.get("level") in LEVEL_RANK
            and any(side.get("excerpt") for p in link.get("passages") or []
                    for side in (p.get("here") or {}, p.get("there") or {}))]


def classify(report: dict[str, Any]) -> dict[str, Any]:
    """Set the report's own ``classification``: the highest of the document's own level and the
    levels of the sources whose text it shows, with ``classification_basis`` saying which
    decided (``document``, ``sources``; None: unclassified). As for the document's own mark, a
    source counts by its mark whatever its period: a report declassifies nothing."""
    own = own_level(report)
    top = max(shown_levels(report), key=LEVEL_RANK.__getitem__, default=None)
    if top is not None and LEVEL_RANK[top] > LEVEL_RANK.get(own or "", 0):
        report["classification"], report["classification_basis"] = top, "sources"
    else:
        report["classification"] = own
        report["classification_basis"] = "document" if own else None
    return report


def classification_text(report: Mapping[str, Any], lang: str) -> str:
    """The report's statement of its own classification, in ``lang``."""
    level = report.get("classification")
    if not level:
        return UNCLASSIFIED.text(lang)
    basis = "sources" if report.get("classification_basis") == "sources" else "document"
    shown = level if lang == "zh" else LEVEL_EN[level]
    return CLASSIFIED[basis].format(level=shown).text(lang)
