"""The human report: one self-contained HTML page per file, Chinese by default.

No external resources: styles are inline, nothing is fetched. A report about a classified document
quotes it, so its own classification is shown first, in a banner.
"""

from __future__ import annotations

from html import escape
from typing import Any

from markers.models import LEVEL_EN

TEXT = {
    "zh": {
        "title": "定密检查报告", "file": "文件", "status": "状态", "mark": "密级标志",
        "none": "未发现国家秘密标志", "copy": "份号", "urgency": "紧急程度", "scope": "知悉范围",
        "date": "成文日期", "expires": "解密日期", "findings": "检查发现", "clean": "未发现问题",
        "error": "错误", "warning": "警告", "info": "提示", "evidence": "依据", "where": "位置",
        "banner": "本报告引用{level}级文件内容，按{level}级管理",
        "banner_none": "未发现密级标志；如文件实际涉密，本报告应按相应密级管理",
        "reason": "原因", "all_marks": "全部标志出现位置", "engine": "检查引擎",
        "as_of": "基准日期", "sha": "SHA-256", "verdict": "结论",
        "suggested": "建议标志（依据目录，仅供参考）", "hits": "匹配的保密事项（可能）",
        "item": "事项", "level": "密级", "score": "得分", "terms": "命中词及位置",
        "vetoed": "已被排除词否决", "catalogs": "使用的目录",
        "no_catalog": "未使用保密事项目录，未做目录匹配（定密依据未检查）",
    },
    "en": {
        "title": "Classification mark report", "file": "File", "status": "Status", "mark": "Mark",
        "none": "no state-secret mark found", "copy": "Copy number", "urgency": "Urgency",
        "scope": "Scope", "date": "Document date", "expires": "Expires on",
        "findings": "Findings", "clean": "no findings", "error": "Errors",
        "warning": "Warnings", "info": "Notes", "evidence": "Evidence", "where": "Location",
        "banner": "This report quotes a {level} document and is {level} itself",
        "banner_none": "No mark found; if the document is in fact classified, so is this report",
        "reason": "Reason", "all_marks": "Every mark occurrence", "engine": "Engine",
        "as_of": "As of", "sha": "SHA-256", "verdict": "Verdict",
        "suggested": "Suggested mark (from the catalogue; a suggestion only)",
        "hits": "Likely matching catalogue items", "item": "Item", "level": "Level",
        "score": "Score", "terms": "Terms found and where", "vetoed": "vetoed by",
        "catalogs": "Catalogues used",
        "no_catalog": "No catalogue was used: no catalogue matching (the basis was not checked)",
    },
}

STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
.banner{background:#b00020;color:#fff;padding:.6em 1em;font-weight:bold;font-size:1.1em}
.banner.none{background:#555}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;
text-align:left;vertical-align:top}h2{margin-top:1.5em}.error{color:#b00020}.warning{color:#a15c00}
.info{color:#1a5fb4}code,pre{background:#f4f4f4;padding:.1em .3em;white-space:pre-wrap}
"""


def _row(label: str, value: object) -> str:
    shown = "—" if value in (None, "") else escape(str(value))
    return f"<tr><th>{escape(label)}</th><td>{shown}</td></tr>"


def render(data: dict[str, Any], lang: str = "zh") -> str:
    """The HTML page of a report, from its JSON form ``data`` (built for the same ``lang``, and
    redacted already where excerpts must not appear)."""
    t = TEXT[lang]
    level = data["classification"]
    if level:
        shown = level if lang == "zh" else LEVEL_EN[level]
        banner = f'<div class="banner">{escape(t["banner"].format(level=shown))}</div>'
    else:
        banner = f'<div class="banner none">{escape(t["banner_none"])}</div>'
    mark = data["marking"]
    rows = [
        _row(t["file"], data["source"]["path"]), _row(t["sha"], data["source"]["sha256"]),
        _row(t["status"], data["status"]), _row(t["verdict"], data["verdict"]),
        _row(t["mark"], mark["raw"] if mark else t["none"]),
        _row(t["where"], mark["location"] if mark else None),
        _row(t["copy"], data["copy_number"]), _row(t["urgency"], data["urgency"]),
        _row(t["scope"], data["scope"]), _row(t["date"], data["document_date"]),
        _row(t["expires"], data["expires_on"]), _row(t["as_of"], data["as_of"]),
        _row(t["engine"], data["engine"]),
    ]
    if data["status"] != "ok":
        rows.insert(3, _row(t["reason"], data["reason"]))
    parts = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
             f"<title>{escape(t['title'])}</title><style>{STYLE}</style></head><body>", banner,
             f"<h1>{escape(t['title'])}</h1><table>{''.join(rows)}</table>",
             f"<h2>{escape(t['findings'])}</h2>"]
    parts.append(_findings(data["findings"], t, lang))
    parts.append(_rules(data, t))
    if len(data["markings"]) > 1:
        parts.append(f"<h2>{escape(t['all_marks'])}</h2><table>")
        parts.extend(f"<tr><td>{escape(m['location'])}</td><td><code>{escape(m['raw'])}</code>"
                     f"</td></tr>" for m in data["markings"])
        parts.append("</table>")
    parts.append(banner + "</body></html>")
    return "".join(parts)


def _rules(data: dict[str, Any], t: dict[str, str]) -> str:
    """Suggested mark, catalogue hits with their evidence, catalogues used."""
    if not data["catalogs"]:  # (a file that was not read was matched against nothing anyway)
        return f"<p>{escape(t['no_catalog'])}</p>" if data["status"] == "ok" else ""
    s = data["suggested_marking"]
    out = [f"<h2>{escape(t['suggested'])}</h2><p><b>{escape(s['text'])}</b>"]
    if s["scope"]:
        out.append(f" — {escape(t['scope'])}：{escape(s['scope'])}")
    if s["item"]:
        out.append(f"（{escape(s['item'])}）")
    out.append("</p>")
    if data["hits"]:
        out.append(f"<h2>{escape(t['hits'])}</h2><table><tr><th>{escape(t['item'])}</th>"
                   f"<th>{escape(t['level'])}</th><th>{escape(t['score'])}</th>"
                   f"<th>{escape(t['terms'])}</th></tr>")
        for h in data["hits"]:
            terms = "".join(f"<li>{escape(x['location'])}{_excerpt(x['excerpt'])}</li>"
                            for x in h["terms"][:6])
            veto = "".join(f"<li>{escape(t['vetoed'])} {escape(x['term'])}"
                           f"{_excerpt(x['excerpt'])}</li>" for x in h["vetoed_by"])
            out.append(f"<tr><td>{escape(h['item'])} {escape(h['title'])}</td>"
                       f"<td>{escape(h['level'])}★{escape(h['term'])}</td><td>{h['score']}</td>"
                       f"<td><ul>{terms}{veto}</ul></td></tr>")
        out.append("</table>")
    cats = ", ".join(f"{c['id']} {c['version']} ({c['sha256'][:12]})"
                     + (" [虚构 fictional]" if c["fictional"] else "") for c in data["catalogs"])
    out.append(f"<p>{escape(t['catalogs'])}：{escape(cats)}</p>")
    return "".join(out)


def _excerpt(text: object) -> str:
    """``: <code>excerpt</code>``, or nothing when redacted."""
    return "" if text is None else f": <code>{escape(str(text))}</code>"


def _findings(findings: list[dict[str, object]], t: dict[str, str], lang: str) -> str:
    if not findings:
        return f"<p>{escape(t['clean'])}</p>"
    out = []
    for severity in ("error", "warning", "info"):
        group = [f for f in findings if f["severity"] == severity]
        if not group:
            continue
        out.append(f'<h3 class="{severity}">{escape(t[severity])}（{len(group)}）</h3><ul>')
        for f in group:
            message = f["message_zh"] if lang == "zh" else f["message_en"]
            ev = f["evidence"]
            assert isinstance(ev, list)
            excerpts = "".join(f"<li>{escape(str(e['location']))}{_excerpt(e['excerpt'])}</li>"
                               for e in ev)
            out.append(f'<li class="{severity}"><b>{escape(str(f["code"]))}</b> '
                       f"{escape(str(message))}<ul>{excerpts}</ul></li>")
        out.append("</ul>")
    return "".join(out)
