"""The 派生关系 table: one row per link between a derived document and a source, in
``derived.csv`` and as a sheet of ``ledger.xlsx``. Values are shown by name (复制内容, 是, the
findings' names with their codes), Chinese by default."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from scanner.audit.ledger import csv_safe
from scanner.derived.archive import LinkRow
from scanner.names import code_labels, value_name

HEADERS = {"zh": ["派生文件", "派生文件标志", "来源文件", "来源标志", "来源有效", "关联方式",
                  "覆盖比例", "引用", "派生定密发现"],
           "en": ["derived", "derived mark", "source", "source mark", "source live", "by",
                  "share", "citations", "derived findings"]}


def derived_table(rows: Sequence[LinkRow], lang: str) -> list[list[str]]:
    """The table's rows as a person reads them (the header first)."""
    unmarked = "未标密级" if lang == "zh" else "unmarked"
    out = [HEADERS["zh" if lang == "zh" else "en"]]
    for derived, mark, source, source_mark, live, by, share, cites, codes in rows:
        out.append([derived, mark or unmarked, source, source_mark or unmarked,
                    value_name("yes_no", live, lang), value_name("link", by, lang),
                    f"{float(share):.0%}", cites,
                    code_labels([c for c in codes.split(",") if c], lang)])
    return out


def derived_csv(rows: Sequence[LinkRow], lang: str) -> bytes:
    """``derived.csv`` (UTF-8 with BOM, for Excel and WPS)."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    for row in derived_table(rows, lang):
        out.writerow([csv_safe(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8", "backslashreplace")
