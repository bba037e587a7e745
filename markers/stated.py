"""A document that states its own level or period in prose (本通知属机密级，保密期限10年).

Prose is never a mark (domain.md §7), but a text that declares itself classified and carries no
mark is exactly the defect an officer must catch (LEVEL_STATED_UNMARKED). Only a sentence about
*this* document counts: its subject is 本/此 + a document noun (本通知, 此件, 本报告…), the verb
gives it a level or a period, and nothing negates it. Texts about secrecy rules (本办法所称国家秘密
…, 国家秘密的密级分为…) and statements that a document is not secret do not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markers.models import Block, Field
from markers.normalize import compact

DOC_NOUNS = ("通知|通报|报告|请示|批复|意见|纪要|会议纪要|方案|函|复函|文件|材料|资料|件|文|清单|"
             "名单|表|汇编|决定|计划|规划|预案|稿|成果|图|数据|附件")
SELF = rf"(?:本|此|该)(?:{DOC_NOUNS})(?:及其附件|及附件)?"
LEVEL = r"(绝密|机密|秘密)(?:级)?"
# 本通知属机密级 / 本文件密级为秘密 / 此件按机密件管理 / 本报告为秘密级国家秘密
STATED_LEVEL = re.compile(
    rf"{SELF}[^。；;！？!?\n]{{0,12}}?(?<![不非未])(?:属于|属|为|定为|系|列为|按|密级为|密级是|定密为)"
    rf"[^。；;！？!?\n]{{0,6}}?{LEVEL}")
# 本通知保密期限为10年 / 本文件保密期限：5年
STATED_PERIOD = re.compile(
    rf"{SELF}[^。；;！？!?\n]{{0,10}}?保密期限(?:为|是|:)?(\d{{1,2}}(?:年|个月)|长期)")
NEGATION = re.compile(r"不属|不是|并非|非|不涉|未定|不定|无需|不作为|不按")


def stated_level(blocks: Sequence[Block]) -> Field | None:
    """The first sentence of the body or a table in which the document gives itself a level or
    a period, as a field (kind ``stated``, value ``机密`` or ``10年``); None when it says none."""
    for block in blocks:
        if block.region not in ("body", "table", "top", "textbox") or ("本" not in block.text \
                and "此" not in block.text and "该" not in block.text):
            continue
        if "密" not in block.text and "期限" not in block.text:
            continue
        text = compact(block.text).text
        for pattern in (STATED_LEVEL, STATED_PERIOD):
            for m in pattern.finditer(text):
                if NEGATION.search(m.group(0)):
                    continue
                return Field("stated", m.group(1), m.group(0), block.location, block.order,
                             block.region)
    return None
