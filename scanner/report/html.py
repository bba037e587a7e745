"""The human report: one self-contained HTML page per file, Chinese by default.

No external resources: styles are inline, nothing is fetched. A report about a classified document
quotes it (and the excerpts of its sources, with derived links), so its own classification is
shown first, in a banner.
"""

from __future__ import annotations

from html import escape
from typing import Any

from scanner.messages import Msg
from scanner.names import (
    CONTEXTS,
    code_name,
    held_text,
    mark_text,
    place,
    place_range,
    value_name,
)
from scanner.report.model import classification_text

TEXT = {  # the page's labels
    "title": Msg("定密检查报告", "Classification mark report"),
    "file": Msg("文件", "File"),
    "status": Msg("状态", "Status"),
    "mark": Msg("密级标志", "Mark"),
    "none": Msg("未发现国家秘密标志", "no state-secret mark found"),
    "copy": Msg("份号", "Copy number"),
    "urgency": Msg("紧急程度", "Urgency"),
    "scope": Msg("知悉范围", "Scope"),
    "date": Msg("成文日期", "Document date"),
    "expires": Msg("解密日期", "Expires on"),
    "findings": Msg("检查发现", "Findings"),
    "clean": Msg("未发现问题", "no findings"),
    "error": Msg("错误", "Errors"),
    "warning": Msg("警告", "Warnings"),
    "info": Msg("提示", "Notes"),
    "evidence": Msg("依据", "Evidence"),
    "where": Msg("位置", "Location"),
    "reason": Msg("原因", "Reason"),
    "all_marks": Msg("全部标志出现位置", "Every mark occurrence"),
    "engine": Msg("检查引擎", "Engine"),
    "as_of": Msg("基准日期", "As of"),
    "sha": Msg("SHA-256", "SHA-256"),
    "verdict": Msg("结论", "Verdict"),
    "suggested": Msg("建议标志（依据目录，仅供参考）",
                     "Suggested mark (from the catalogue; a suggestion only)"),
    "hits": Msg("匹配的保密事项（可能）", "Likely matching catalogue items"),
    "item": Msg("事项", "Item"),
    "level": Msg("密级", "Level"),
    "score": Msg("得分", "Score"),
    "terms": Msg("命中词及位置", "Terms found and where"),
    "vetoed": Msg("已被排除词否决", "vetoed by"),
    "discounted": Msg("未计入", "not counted"),
    "passage": Msg("所在段落", "passage"),
    "catalogs": Msg("使用的目录", "Catalogues used"),
    "fictional": Msg("虚构", "fictional"),
    "no_catalog": Msg("未使用保密事项目录，未做目录匹配（定密依据未检查）",
                      "No catalogue was used: no catalogue matching (the basis was not checked)"),
    "links": Msg("派生来源（复制或引用的涉密文件）",
                 "Sources (classified documents this one copies or cites)"),
    "source": Msg("来源", "Source"),
    "source_title": Msg("标题", "Title"),
    "live": Msg("来源有效", "Source live"),
    "by": Msg("关联方式", "Linked by"),
    "citations": Msg("引用", "Citations"),
    "share": Msg("共享段落覆盖本文件", "Shared passages cover"),
    "passages": Msg("共享段落", "Shared passages"),
    "pair": Msg("本文件 {here} ⇄ 来源 {there}", "here {here} ⇄ source {there}"),
    "unmarked": Msg("未标密级", "unmarked"),
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
    t = {key: m.text(lang) for key, m in TEXT.items()}
    stated = escape(classification_text(data, lang))  # the report's own classification
    banner = (f'<div class="banner">{stated}</div>' if data["classification"]
              else f'<div class="banner none">{stated}</div>')
    mark = data["marking"]
    rows = [
        _row(t["file"], data["source"]["path"]), _row(t["sha"], data["source"]["sha256"]),
        _row(t["status"], value_name("status", data["status"], lang)),
        _row(t["verdict"], value_name("verdict", data["verdict"], lang)),
        _row(t["mark"], mark["raw"] if mark else t["none"]),
        _row(t["where"], place(mark["location"], lang) if mark else None),
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
    parts.append(_links(data.get("links") or [], t, lang))
    parts.append(_decisions(data, lang))
    parts.append(_rules(data, t, lang))
    if len(data["markings"]) > 1:
        parts.append(f"<h2>{escape(t['all_marks'])}</h2><table>")
        parts.extend(f"<tr><td>{escape(place(m['location'], lang))}</td>"
                     f"<td><code>{escape(m['raw'])}</code>"
                     f"</td></tr>" for m in data["markings"])
        parts.append("</table>")
    parts.append(banner + "</body></html>")
    return "".join(parts)


DECIDED = {
    "suppressed": Msg("已由审核人忽略（不计入判定）", "Dismissed by a reviewer (not counted)"),
    "stale": Msg("文件已变更，以下审核决定未应用",
                 "The file changed: these decisions are not applied"),
    "conclusion": Msg("审核结论", "Reviewer's conclusion"),
}


def _decisions(data: dict[str, Any], lang: str) -> str:
    """Reviewers' decisions (``--decisions``): dismissed findings, stale decisions, the
    conclusion; nothing without them."""
    out = []
    if data.get("suppressed"):
        out.append(f"<h3>{escape(DECIDED['suppressed'].text(lang))}</h3><ul>")
        for f in data["suppressed"]:
            d = f["suppressed"]
            message = f["message_zh"] if lang == "zh" else f["message_en"]
            out.append(f"<li>{_code(f['code'], lang)} {escape(message)} — "
                       f"{escape(value_name('reason', d.get('reason', ''), lang))} · "
                       f"{escape(d.get('by', ''))} · "
                       f"{escape(d.get('at', ''))} {escape(d.get('note', ''))}</li>")
        out.append("</ul>")
    if data.get("stale_decisions"):
        out.append(f"<h3>{escape(DECIDED['stale'].text(lang))}</h3><ul>")
        out.extend(f"<li>{_code(d.get('code', ''), lang)} "
                   f"{escape(value_name('decision', d.get('decision', ''), lang))} · "
                   f"{escape(d.get('by', ''))} · {escape(d.get('at', ''))}</li>"
                   for d in data["stale_decisions"])
        out.append("</ul>")
    if data.get("conclusion"):
        c = data["conclusion"]
        out.append(f"<h3>{escape(DECIDED['conclusion'].text(lang))}</h3><p>"
                   f"{escape(value_name('conclusion', c.get('conclusion', ''), lang))} "
                   f"{escape(c.get('mark', ''))} · "
                   f"{escape(c.get('by', ''))} · {escape(c.get('at', ''))} "
                   f"{escape(c.get('note', ''))}</p>")
    return "".join(out)


def _rules(data: dict[str, Any], t: dict[str, str], lang: str) -> str:
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
            terms = "".join(f"<li>{escape(place(x['location'], lang))}{_excerpt(x['excerpt'])}</li>"
                            for x in h["terms"][:6] if x["context"] == "asserted")
            veto = "".join(f"<li>{escape(t['vetoed'])} {escape(x['term'])}"
                           f"{_excerpt(x['excerpt'])}</li>" for x in h["vetoed_by"])
            gone = "".join(f"<li class=discounted>{escape(t['discounted'])}"
                           f"（{escape(CONTEXTS[x['context']].text(lang))}："
                           f"{escape(x['trigger'] or '')}）{_excerpt(x['excerpt'])}</li>"
                           for x in h["discounted"][:8])
            why = held_text(h["held"], h.get("document_signal"), lang) if h["held"] else ""
            held = f"<p class=held>{escape(why)}</p>" if why else ""
            passage = (f"<p>{escape(t['passage'])}{_excerpt(h['passage'])}</p>"
                       if h["passage"] and h["live"] else "")
            out.append(f"<tr><td>{escape(h['item'])} {escape(h['title'])}{held}</td>"
                       f"<td>{escape(h['level'])}★{escape(h['term'])}</td><td>{h['score']}</td>"
                       f"<td>{passage}<ul>{terms}{veto}{gone}</ul></td></tr>")
        out.append("</table>")
    cats = ", ".join(f"{c['id']} {c['version']} ({c['sha256'][:12]})"
                     + (f" [{t['fictional']}]" if c["fictional"] else "") for c in data["catalogs"])
    out.append(f"<p>{escape(t['catalogs'])}：{escape(cats)}</p>")
    return "".join(out)


def _links(links: list[dict[str, Any]], t: dict[str, str], lang: str) -> str:
    """The sources this document derives from (``links``): each with its title, mark, whether
    it is live, how it is linked, the share, and every shared passage's place on both sides
    (with its excerpt, unless the report is redacted)."""
    if not links:
        return ""
    out = [f"<h2>{escape(t['links'])}</h2>"]
    for link in links:
        title = " ".join(x for x in (link.get("title"), link.get("doc_number")) if x)
        live = value_name("yes_no", "yes" if link.get("live") else "no", lang)
        if link.get("expires_on"):
            live += (f"（{t['expires']} {link['expires_on']}）" if lang == "zh"
                     else f" ({t['expires']} {link['expires_on']})")
        rows = [_row(t["source_title"], title), _row(t["mark"],
                                                     mark_text(link.get("mark")) or t["unmarked"]),
                _row(t["live"], live), _row(t["by"], value_name("link", link.get("by", ""), lang)),
                _row(t["share"], f"{float(link.get('share') or 0):.0%}")]
        if link.get("citations"):
            rows.append(_row(t["citations"], ("、" if lang == "zh" else ", ").join(
                link["citations"])))
        colon = "：" if lang == "zh" else ": "
        out.append(f'<h3 class="source">{escape(t["source"])}{colon}'
                   f'{escape(link.get("relative") or "")}</h3><table>{"".join(rows)}</table>')
        passages = link.get("passages") or []
        if passages:
            out.append(f"<p>{escape(t['passages'])}</p><ul class=\"passages\">")
            for p in passages:
                here, there = p["here"], p["there"]
                pair = t["pair"].format(
                    here=place_range(here.get("location"), here.get("end"), lang),
                    there=place_range(there.get("location"), there.get("end"), lang))
                out.append(f"<li>{escape(pair)}{_excerpt(here.get('excerpt') or None)}</li>")
            out.append("</ul>")
    return "".join(out)


def _code(code: str, lang: str) -> str:
    """A finding code by its name, the code itself beside it (what a reader may search for)."""
    return (f'<b>{escape(code_name(code, lang))}</b> <small class="code">{escape(code)}</small>'
            if code_name(code, lang) != code else f"<b>{escape(code)}</b>")


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
            excerpts = "".join(f"<li>{escape(place(str(e['location'] or ''), lang))}"
                               f"{_excerpt(e['excerpt'])}</li>" for e in ev)
            out.append(f'<li class="{severity}">{_code(str(f["code"]), lang)} '
                       f"{escape(str(message))}<ul>{excerpts}</ul></li>")
        out.append("</ul>")
    return "".join(out)
