"""``summary.html``: one self-contained page (inline CSS and SVG, no script, nothing fetched) with
the audit's charts and the tables an archive office works from."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from markers.models import LEVELS
from scanner.audit.ledger import LedgerRow
from scanner.messages import Msg
from scanner.names import code_label, level_name, value_name

BAR_H = 22
LINE_H = 14  # each further line of a wrapped label
LABEL_W = 260
LABEL_UNITS = 20  # character widths of a label line (12 px text in LABEL_W)
CHART_W = 760

TEXT = {
    "title": Msg("定密审核汇总", "Classification audit summary"),
    "as_of": Msg("基准日期", "as of"),
    "files": Msg("文件数", "files"),
    "levels": Msg("按密级", "By level"),
    "codes": Msg("按发现类型", "By finding code"),
    "formats": Msg("按文件格式", "By file format"),
    "expiry": Msg("按到期情况", "By expiry"),
    "years": Msg("按解密年份", "By year of expiry"),
    "items": Msg("匹配最多的保密事项", "Catalogue items most matched"),
    "folders": Msg("发现最多的文件夹", "Folders ranked by findings"),
    "template": Msg("疑似模板式定密的文件夹", "Folders where one mark covers most documents"),
    "worst": Msg("优先处理的文件", "Files to act on first"),
    "category": Msg("问题类别", "kind"),
    "none": Msg("无", "none"),
    "unmarked": Msg("无标志", "unmarked"),
    "expired": Msg("已到期", "expired"),
    "due": Msg("窗口内到期", "due within the window"),
    "later": Msg("以后到期", "later"),
    "noperiod": Msg("无法计算", "no computable period"),
    "folder": Msg("文件夹", "folder"),
    "mark": Msg("标志", "mark"),
    "count": Msg("份数", "documents"),
    "path": Msg("路径", "path"),
    "document": Msg("文件", "document"),
    "top": Msg("（根目录）", "(top folder)"),
    "doc_number": Msg("文号", "no."),
    "copy_number": Msg("份号", "copy"),
    "level": Msg("密级", "level"),
    "findings": Msg("发现", "findings"),
    "marked": Msg("有标志", "marked"),
    "nocat": Msg("未使用保密事项目录：文件内容未与任何保密事项范围比对。",
                 "No catalogue was used: the content was not checked against any catalogue "
                 "(保密事项范围)."),
    "notice": Msg("本页面及其链接的报告涉及定密信息，请按涉密载体管理。",
               "This page and the reports it links describe classified documents; handle them "
               "accordingly."),
}
# What an officer acts on first: each file falls in the most severe of these it shows, and the
# cards, the stats (``by_category``: files showing any finding of the category) and the first
# table use these definitions alone.
SHOULD_CLASSIFY = ("UNMARKED_MATCH", "LEVEL_STATED_UNMARKED")
LEVEL_OFF = ("OVER_CLASSIFIED", "UNDER_CLASSIFIED", "DERIVED_BELOW_SOURCE", "DERIVED_ABOVE_SOURCE")
BASIS = ("NO_BASIS", "AUTHORITY_EXCEEDED", "PERIOD_ABOVE_CATALOG")
EXPIRY = ("EXPIRED", "EXPIRY_SOON")
CATEGORIES = (  # (key, label); the order is the order of severity
    ("should_classify", Msg("可能应定未定", "likely should be classified")),
    ("level_off", Msg("可能定密过高/过低", "level likely too high or too low")),
    ("mark_error", Msg("标志错误", "mark errors")),
    ("basis", Msg("定密依据或权限存疑", "basis or authority in doubt")),
    ("expiry", Msg("到期或即将到期", "expired or due")),
    ("formatting", Msg("格式问题", "formatting")),
    ("unreadable", Msg("无法读取", "unreadable")),
    ("needs_ocr", Msg("需 OCR（扫描件、图像）", "needs OCR (scans, images)")),
    ("unsupported", Msg("不支持的格式", "unsupported format")),
)
RANK = {key: i for i, (key, _) in enumerate(CATEGORIES)}


def categories(row: LedgerRow) -> set[str]:
    """Every category ``row`` shows (a file not read shows its status alone)."""
    if row.status != "ok":
        return {row.status if row.status in RANK else "unreadable"}
    out = set()
    for code, severity in zip(row.codes, row.severities, strict=True):
        if code in SHOULD_CLASSIFY or (code == "DERIVED_BELOW_SOURCE" and not row.level):
            out.add("should_classify")
        elif code in LEVEL_OFF:
            out.add("level_off")
        elif code in BASIS:
            out.add("basis")
        elif code in EXPIRY:
            out.add("expiry")
        elif severity == "error":
            out.add("mark_error")
        elif severity == "warning":
            out.add("formatting")
    return out


def category(row: LedgerRow) -> str | None:
    """The most severe category of ``row`` (None: nothing to act on)."""
    found = categories(row)
    return min(found, key=RANK.__getitem__) if found else None


def category_counts(rows: Sequence[LedgerRow]) -> dict[str, int]:
    """Files showing each category (one file counts in each category it shows)."""
    counts = Counter(c for r in rows for c in categories(r))
    return {key: counts[key] for key, _ in CATEGORIES}


def ranked(rows: Sequence[LedgerRow], n: int = 50) -> list[tuple[str, LedgerRow]]:
    """The files to act on first: by category, then by weight, then by path."""
    found = [(c, r) for r in rows if (c := category(r)) is not None]
    found.sort(key=lambda x: (RANK[x[0]], -x[1].weight, x[1].relative))
    return found[:n]


COLOURS = {"绝密": "#8b0000", "机密": "#c0392b", "秘密": "#e67e22", "unmarked": "#95a5a6",
           "unreadable": "#34495e", "expired": "#c0392b", "due": "#e67e22", "later": "#27ae60",
           "noperiod": "#7f8c8d"}
DEFAULT_COLOUR = "#2c7fb8"


def _t(key: str, lang: str) -> str:
    return TEXT[key].text(lang)


SERIOUS = ("should_classify", "level_off", "mark_error")
LABELS = dict(CATEGORIES)


def _label(key: str, lang: str) -> str:
    return LABELS[key].text(lang)


def bar_chart(chart_id: str, title: str, data: Sequence[tuple[str, int, str | None]],
              lang: str) -> str:
    """A horizontal bar chart as inline SVG: (label, value, colour) per bar."""
    e = html.escape
    if not data:
        return (f'<section class="chart" id="{chart_id}"><h2>{e(title)}</h2>'
                f'<p class="empty">{_t("none", lang)}</p></section>')
    top = max(v for _, v, _ in data) or 1
    span = CHART_W - LABEL_W - 60
    lines = [wrap(label, LABEL_UNITS) for label, _, _ in data]
    height = sum(BAR_H + LINE_H * (len(ls) - 1) for ls in lines) + 10
    parts = [f'<section class="chart" id="{chart_id}"><h2>{e(title)}</h2>',
             f'<svg role="img" aria-label="{e(title)}" width="{CHART_W}" height="{height}" '
             f'viewBox="0 0 {CHART_W} {height}" xmlns="http://www.w3.org/2000/svg">']
    y = 5
    for (label, value, colour), ls in zip(data, lines, strict=True):
        width = max(round(span * value / top), 1 if value else 0)
        tspans = "".join(f'<tspan x="{LABEL_W - 6}" dy="{0 if j == 0 else LINE_H}">{e(t)}</tspan>'
                         for j, t in enumerate(ls))
        parts.append(
            f'<g class="bar"><title>{e(label)}: {value}</title>'
            f'<text class="label" x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{tspans}</text>'
            f'<rect x="{LABEL_W}" y="{y + 2}" width="{width}" height="{BAR_H - 6}" '
            f'fill="{colour or DEFAULT_COLOUR}" data-value="{value}"/>'
            f'<text x="{LABEL_W + width + 6}" y="{y + 15}">{value}</text></g>')
        y += BAR_H + LINE_H * (len(ls) - 1)
    parts.append("</svg></section>")
    return "".join(parts)


def _units(c: str) -> float:
    return 1.0 if ord(c) > 0x2E7F else 0.6  # a CJK character is about twice a Latin one


_TOKEN = re.compile(r"[（(]*(?:[A-Za-z0-9_.\-]+|\s+|.)[）)，、。；：,;:]*")


def wrap(label: str, units: float) -> list[str]:
    """``label`` in lines of at most ``units`` character widths (nothing cut off): a line breaks
    between Chinese characters or before a Latin word, never inside a word that fits on a line
    (a code such as ``WORK_SECRET_CONFUSION`` stays whole), nor before a closing bracket or
    after an opening one; a space where a line breaks stays at the end of the line before."""
    lines, line, used = [], "", 0.0
    for token in _TOKEN.findall(label):
        width = sum(_units(c) for c in token)
        if width > units:  # longer than a line: by characters
            for c in token:
                if used + _units(c) > units and line:
                    lines.append(line)
                    line, used = "", 0.0
                line += c
                used += _units(c)
            continue
        if used + width > units and line and not token.isspace():
            lines.append(line)
            line, used = "", 0.0
        line += token
        used += width
    return [*lines, line] if line or not lines else lines


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], cls: str) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def document_cell(row: LedgerRow, lang: str, report_ext: str) -> str:
    """A listed document: its title (the link to its report; the path when it has none), then
    its 文号, 份号 and path in a smaller line."""
    e = html.escape
    href = f"reports/{quote(row.relative, errors='surrogateescape')}{report_ext}"
    colon = "：" if lang == "zh" else ": "
    facts = [f"{_t(key, lang)}{colon}{e(value)}" for key, value in
             (("doc_number", row.doc_number), ("copy_number", row.copy_number)) if value]
    path = f'<span class="path">{e(row.relative)}</span>'
    if not row.title:
        return f'<a href="{href}">{path}</a>' + (
            f'<div class="facts">{" · ".join(facts)}</div>' if facts else "")
    return (f'<a href="{href}" class="title">{e(row.title)}</a>'
            f'<div class="facts">{" · ".join([*facts, path])}</div>')


def findings_cell(row: LedgerRow, lang: str) -> str:
    """What a listed document shows: each finding by its name and code, one a line (each code
    once); a file that was not read, the reason."""
    if not row.codes:
        return html.escape(row.reason if lang == "zh" else row.reason_en)
    return "<br>".join(html.escape(code_label(c, lang)) for c in dict.fromkeys(row.codes))


def render_summary(rows: Sequence[LedgerRow], stats: dict[str, Any],
                   templates: Sequence[tuple[str, str, int, int]], *, as_of: dt.date,
                   window_end: dt.date, lang: str, report_ext: str) -> str:
    """The whole page."""
    e = html.escape
    level_data: list[tuple[str, int, str | None]] = [
        (level_name(lv, lang), stats["by_level"][lv], COLOURS[lv]) for lv in LEVELS]
    level_data += [(_t("unmarked", lang), stats["unmarked"], COLOURS["unmarked"]),
                   *((_label(k, lang), stats[k], COLOURS["unreadable"])
                     for k in ("unreadable", "needs_ocr", "unsupported"))]
    format_data = [(value_name("format", f, lang), n, None)
                   for f, n in sorted(stats["by_format"].items(), key=lambda x: (-x[1], x[0]))]
    codes = Counter(c for r in rows for c in set(r.codes))
    code_data = [(code_label(c, lang), n, None)
                 for c, n in sorted(codes.items(), key=lambda x: (-x[1], x[0]))]
    states = Counter(r.expiry_state(as_of, window_end) for r in rows if r.level)
    expiry_data: list[tuple[str, int, str | None]] = [
        (_t(k, lang), states[s], COLOURS[k])
        for k, s in (("expired", "expired"), ("due", "due"), ("later", "later"),
                     ("noperiod", "none"))]
    years = Counter(r.expires_on[:4] for r in rows if r.level and r.expires_on)
    year_data = [(y, n, COLOURS["expired"] if int(y) <= as_of.year else COLOURS["later"])
                 for y, n in sorted(years.items())]
    items = Counter(f"{i} {t}" for r in rows for i, t in set(r.items))
    item_data = [(k, n, None) for k, n in sorted(items.items(), key=lambda x: (-x[1], x[0]))[:15]]
    folders: Counter[str] = Counter()
    for r in rows:
        folders[r.folder] += len(r.codes) + (1 if r.status != "ok" else 0)
    folder_data = [(_t("top", lang) if f == "." else f, n, None)
                   for f, n in sorted(folders.items(), key=lambda x: (-x[1], x[0])) if n][:15]

    worst_rows = [
        (e(_label(c, lang)), document_cell(r, lang, report_ext), e(level_name(r.level, lang)),
         e(r.mark), findings_cell(r, lang))
        for c, r in ranked(rows)]
    template_rows = [(e(f), e(m), f"{n}/{total}") for f, m, n, total in templates]
    colon = "：" if lang == "zh" else ": "
    by_category = stats["by_category"]
    serious = [(key, _label(key, lang), by_category[key]) for key, _ in CATEGORIES
               if key not in ("expiry", "unreadable", "needs_ocr", "unsupported")]
    counts = [("files", _t("files", lang), stats["files"]),
              ("marked", _t("marked", lang), stats["marked"]),
              ("expired", _t("expired", lang), stats["expired"]),
              ("due", _t("due", lang), stats["due_within_window"]),
              *((k, _label(k, lang), stats[k]) for k in ("unreadable", "needs_ocr",
                                                         "unsupported"))]
    cards = "".join(
        f'<div class="card{" serious" if value and key in SERIOUS else ""}" data-key="{key}">'
        f'<div class="n">{value}</div><div>{e(label)}</div></div>'
        for key, label, value in (*serious, *counts))
    body = [
        f"<h1>{_t('title', lang)}</h1>",
        f'<p class="notice">{_t("notice", lang)}</p>',
        f"<p>{_t('as_of', lang)}{colon}{as_of.isoformat()} · {_t('due', lang)}{colon}≤ "
        f"{window_end.isoformat()}</p>",
        *([] if stats.get("catalogs")
          else [f'<p class="notice" id="no-catalog">{_t("nocat", lang)}</p>']),
        f'<div class="cards">{cards}</div>',
        f"<section id=\"worst\"><h2>{_t('worst', lang)}</h2>"
        + _table([_t("category", lang), _t("document", lang), _t("level", lang), _t("mark", lang),
                  _t("findings", lang)], worst_rows, "worst") + "</section>",
        bar_chart("chart-levels", _t("levels", lang), level_data, lang),
        bar_chart("chart-codes", _t("codes", lang), code_data, lang),
        bar_chart("chart-formats", _t("formats", lang), format_data, lang),
        bar_chart("chart-expiry", _t("expiry", lang), expiry_data, lang),
        bar_chart("chart-years", _t("years", lang), year_data, lang),
        bar_chart("chart-items", _t("items", lang), item_data, lang),
        bar_chart("chart-folders", _t("folders", lang), folder_data, lang),
        f"<section id=\"templates\"><h2>{_t('template', lang)}</h2>"
        + (_table([_t("folder", lang), _t("mark", lang), _t("count", lang)], template_rows,
                  "templates") if template_rows else f"<p>{_t('none', lang)}</p>")
        + "</section>",
    ]
    return (
        '<!DOCTYPE html><html lang="' + ("zh-CN" if lang == "zh" else "en") + '"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_t('title', lang)}</title><style>{CSS}</style></head><body>"
        + "".join(body) + "</body></html>")


CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;
max-width:1200px}
h1{margin-bottom:.2em}.notice{color:#8b0000;font-weight:bold}
.cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:6px;
padding:.6em 1.2em;min-width:7em}.card .n{font-size:1.8em;font-weight:bold}
.chart svg text{font-size:12px;fill:#222}section{margin:1.5em 0}
table{border-collapse:collapse;max-width:100%}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top;
overflow-wrap:anywhere;word-break:break-word}
th{background:#f3f3f3}.empty{color:#777}
table.worst{width:100%;table-layout:fixed}table.worst th:nth-child(1){width:10em}
table.worst th:nth-child(2){width:32%}table.worst th:nth-child(3){width:4em}
table.worst th:nth-child(4){width:9em}
.card.serious{border-color:#c0392b;background:#fdf2f0}.card.serious .n{color:#c0392b}
.chart svg{max-width:100%;height:auto}
.facts{color:#555;font-size:.85em;margin-top:.15em}
"""
