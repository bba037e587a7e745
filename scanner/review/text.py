"""The review app's labels, each in Chinese and English; a page shows one language (``--lang``),
never both side by side. Values (status, verdict, codes, locations) are named by
:mod:`scanner.names`."""

from __future__ import annotations

from scanner.messages import Msg

LABELS = {
    "app": Msg("dingmi 审核", "dingmi review"),
    "reviewer": Msg("审核人：", "reviewer: "),
    "keys": Msg("键盘：j/k 下一条/上一条发现 · c 确认 · d 忽略（1 误报、2 接受、3 不适用） · "
                "n 备注 · ] [ 下一个/上一个文件",
                "keys: j/k next/previous finding · c confirm · d dismiss (1 false alarm, "
                "2 accepted, 3 not applicable) · n note · ] [ next/previous file"),
    "footer": Msg("本页引用涉密文件内容，按相应密级管理",
                  "this page quotes classified documents: handle it at their level"),
    "files": Msg("文件", "Files"),
    "counts": Msg("已审核 {reviewed} / {waiting} 个待审核文件 · 无需审核 {nothing} 个 · "
                  "共 {total} 个 · 当前筛选 {matched} 个",
                  "reviewed {reviewed} of {waiting} to review · nothing to review {nothing} · "
                  "{total} files · {matched} matching"),
    "level": Msg("密级", "Level"), "verdict": Msg("结论", "Verdict"),
    "code": Msg("发现", "Finding"), "folder": Msg("文件夹", "Folder"),
    "state": Msg("审核状态", "Review"), "all": Msg("全部", "all"),
    "filter": Msg("筛选", "Filter"),
    "export": Msg("导出审核决定（decisions.yaml）", "Export the decisions (decisions.yaml)"),
    "exported": Msg("已导出 {n} 条审核决定：decisions.yaml 已交给浏览器下载",
                    "exported {n} decisions: decisions.yaml handed to the browser's downloads"),
    "path": Msg("路径", "Path"), "mark": Msg("国家秘密标志", "Mark"),
    "findings": Msg("发现", "Findings"),
    "page": Msg("第 {page} / {pages} 页", "page {page} of {pages}"),
    "previous_page": Msg("上一页", "previous page"), "next_page": Msg("下一页", "next page"),
    "previous": Msg("← 上一个文件", "← previous file"), "next": Msg("下一个文件 →", "next file →"),
    "list": Msg("返回列表", "back to the list"),
    "position": Msg("当前筛选第 {i} / {n} 个", "{i} of {n} in the filter"),
    "status": Msg("状态", "Status"), "title": Msg("标题", "Title"),
    "none": Msg("无", "none"), "copy": Msg("份号", "Copy no."),
    "scope": Msg("知悉范围", "Scope"), "doc_number": Msg("文号", "Document no."),
    "date": Msg("成文日期", "Date"), "suggested": Msg("建议标志", "Suggested mark"),
    "no_findings": Msg("无发现", "no findings"),
    "open": Msg("待定", "open"),
    "confirm": Msg("确认 (c)", "Confirm (c)"),
    "dismiss": Msg("忽略：{reason} (d {key})", "Dismiss: {reason} (d {key})"),
    "note": Msg("备注 (n)", "Note (n)"),
    "note_hint": Msg("备注（Enter 保存）", "note (Enter saves)"),
    "save_note": Msg("保存备注", "Save the note"),
    "previous_finding": Msg("↑ 上一条发现 (k)", "↑ previous finding (k)"),
    "next_finding": Msg("↓ 下一条发现 (j)", "↓ next finding (j)"),
    "hits": Msg("目录匹配", "Catalogue hits"), "not_counted": Msg("未计入", "not counted"),
    "stale": Msg("过期的决定", "Stale decisions"),
    "stale_why": Msg("文件内容已变，以下决定未应用", "the file changed: these decisions are "
                     "shown, not applied"),
    "conclusion": Msg("文件结论", "Conclusion"),
    "new_mark": Msg("新标志（变更、定密、延长保密期限时填写，如 机密★10年；延长可只写期限）",
                    "new mark (for 变更, 定密, 延长保密期限, e.g. 机密★10年; an extension may "
                    "give the term alone)"),
    "save_conclusion": Msg("保存结论", "Save the conclusion"),
    "copies": Msg("相同内容的副本 {n} 个：", "{n} identical copies: "),
    "apply_copies": Msg("同时应用于这 {n} 个相同副本", "apply to these {n} identical copies too"),
    "saved": Msg("已保存", "saved"), "not_saved": Msg("保存失败", "not saved"),
    "saved_copies": Msg("已保存（另有 {n} 个副本）", "saved (and on {n} copies)"),
    "cancelled": Msg("已取消", "cancelled"),
    "reason_prompt": Msg("忽略理由：1 误报 · 2 接受 · 3 不适用",
                         "reason: 1 false alarm · 2 accepted · 3 not applicable"),
    "pick_first": Msg("请先用 j 或点击选择一条发现", "select a finding first (j or a click)"),
    "api_title": Msg("dingmi 发文前检查接口", "dingmi pre-issue check API"),
    "catalogs": Msg("目录", "Catalogues"),
}
