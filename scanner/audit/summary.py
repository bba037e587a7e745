"""``summary.html``: one self-contained page (inline CSS and SVG, no script, nothing fetched) with
the audit's charts and the tables an archive office works from."""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from markers.models import LEVELS
from scanner.audit.ledger import LedgerRow, worst
from scanner.messages import Msg

BAR_H = 22
LABEL_W = 220
CHART_W = 720

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
    "worst": Msg("问题最多的文件", "Files with the most findings"),
    "none": Msg("无", "none"),
    "unmarked": Msg("无标志", "unmarked"),
    "unreadable": Msg("无法读取", "unreadable"),
    "needs_ocr": Msg("需 OCR（扫描件、图像）", "needs OCR (scans, images)"),
    "expired": Msg("已到期", "expired"),
    "due": Msg("窗口内到期", "due within the window"),
    "later": Msg("以后到期", "later"),
    "noperiod": Msg("无法计算", "no computable period"),
    "folder": Msg("文件夹", "folder"),
    "mark": Msg("标志", "mark"),
    "count": Msg("份数", "documents"),
    "path": Msg("路径", "path"),
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
COLOURS = {"绝密": "#8b0000", "机密": "#c0392b", "秘密": "#e67e22", "unmarked": "#95a5a6",
           "unreadable": "#34495e", "expired": "#c0392b", "due": "#e67e22", "later": "#27ae60",
           "noperiod": "#7f8c8d"}
DEFAULT_COLOUR = "#2c7fb8"


def _t(key: str, lang: str) -> str:
    return TEXT[key].text(lang)


def bar_chart(chart_id: str, title: str, data: Sequence[tuple[str, int, str | None]],
              lang: str) -> str:
    """A horizontal bar chart as inline SVG: (label, value, colour) per bar."""
    e = html.escape
    if not data:
        return (f'<section class="chart" id="{chart_id}"><h2>{e(title)}</h2>'
                f'<p class="empty">{_t("none", lang)}</p></section>')
    top = max(v for _, v, _ in data) or 1
    height = BAR_H * len(data) + 10
    span = CHART_W - LABEL_W - 60
    parts = [f'<section class="chart" id="{chart_id}"><h2>{e(title)}</h2>',
             f'<svg role="img" aria-label="{e(title)}" width="{CHART_W}" height="{height}" '
             f'viewBox="0 0 {CHART_W} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value, colour) in enumerate(data):
        y = 5 + i * BAR_H
        width = max(round(span * value / top), 1 if value else 0)
        short = label if len(label) <= 24 else label[:23] + "…"
        parts.append(
            f'<g class="bar"><title>{e(label)}: {value}</title>'
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{e(short)}</text>'
            f'<rect x="{LABEL_W}" y="{y + 2}" width="{width}" height="{BAR_H - 6}" '
            f'fill="{colour or DEFAULT_COLOUR}" data-value="{value}"/>'
            f'<text x="{LABEL_W + width + 6}" y="{y + 15}">{value}</text></g>')
    parts.append("</svg></section>")
    return "".join(parts)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], cls: str) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render_summary(rows: Sequence[LedgerRow], stats: dict[str, Any],
                   templates: Sequence[tuple[str, str, int, int]], *, as_of: dt.date,
                   window_end: dt.date, lang: str, report_ext: str) -> str:
    """The whole page."""
    e = html.escape
    level_data: list[tuple[str, int, str | None]] = [
        (lv, stats["by_level"][lv], COLOURS[lv]) for lv in LEVELS]
    level_data += [(_t("unmarked", lang), stats["unmarked"], COLOURS["unmarked"]),
                   (_t("unreadable", lang), stats["unreadable"] + stats["unsupported"],
                    COLOURS["unreadable"]),
                   (_t("needs_ocr", lang), stats["needs_ocr"], COLOURS["unreadable"])]
    format_data = [(f, n, None) for f, n in sorted(stats["by_format"].items(),
                                                    key=lambda x: (-x[1], x[0]))]
    codes = Counter(c for r in rows for c in set(r.codes))
    code_data = [(c, n, None) for c, n in sorted(codes.items(), key=lambda x: (-x[1], x[0]))]
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
    folder_data = [(f, n, None) for f, n in sorted(folders.items(), key=lambda x: (-x[1], x[0]))
                   if n][:15]

    worst_rows = [
        (f'<a href="reports/{quote(r.relative, errors="surrogateescape")}{report_ext}">'
         f"{e(r.relative)}</a>", e(r.level),
         e(r.mark), e(" ".join(r.codes) or r.reason))
        for r in worst(rows)]
    template_rows = [(e(f), e(m), f"{n}/{total}") for f, m, n, total in templates]
    cards = "".join(
        f'<div class="card"><div class="n">{value}</div><div>{e(label)}</div></div>'
        for label, value in ((_t("files", lang), stats["files"]),
                             (_t("marked", lang), stats["marked"]),
                             (_t("expired", lang), stats["expired"]),
                             (_t("due", lang), stats["due_within_window"]),
                             (_t("unreadable", lang), stats["unreadable"]),
                             (_t("needs_ocr", lang), stats["needs_ocr"])))
    body = [
        f"<h1>{_t('title', lang)}</h1>",
        f'<p class="notice">{_t("notice", lang)}</p>',
        f"<p>{_t('as_of', lang)}: {as_of.isoformat()} · {_t('due', lang)}: ≤ "
        f"{window_end.isoformat()}</p>",
        *([] if stats.get("catalogs")
          else [f'<p class="notice" id="no-catalog">{_t("nocat", lang)}</p>']),
        f'<div class="cards">{cards}</div>',
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
        f"<section id=\"worst\"><h2>{_t('worst', lang)}</h2>"
        + _table([_t("path", lang), _t("level", lang), _t("mark", lang),
                  _t("findings", lang)], worst_rows, "worst") + "</section>",
    ]
    return (
        '<!DOCTYPE html><html lang="' + ("zh-CN" if lang == "zh" else "en") + '"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_t('title', lang)}</title><style>{CSS}</style></head><body>"
        + "".join(body) + "</body></html>")


CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{margin-bottom:.2em}.notice{color:#8b0000;font-weight:bold}
.cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:6px;
padding:.6em 1.2em;min-width:7em}.card .n{font-size:1.8em;font-weight:bold}
.chart svg text{font-size:12px;fill:#222}section{margin:1.5em 0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
th{background:#f3f3f3}.empty{color:#777}
"""
