"""Mail files (.eml) as packages: the body and each attachment are members, like a ZIP's.

A mail is parsed with the standard library's ``email`` package. Its members are the body,
shown as ``mail.eml!正文.txt`` (the mail without its attachments: the subject and the plain-text
body, or the HTML body's text when there is no plain one), and every attachment under its own
file name (``mail.eml!附件.docx``; RFC 2047/2231 names decoded, made safe and unique as ZIP
members' are), the attachments of a mail attached to the mail included. A ZIP attached to a mail
is not opened (it is named, with the reason). A member is addressed by its index among the mail's
leaf parts and its raw name, so a mail changed since it was listed says so instead of giving
another part.

The subject is the mail's title, a property of the mail (``props.mail.subject``), not a line of
its body: the body's own first lines are its top block, where the 份号 and the mark stand. A
forwarded mail (a ``---------- Forwarded message ---------``, ``-----原始邮件-----`` or ``转发的
邮件`` line, then the forwarded mail's header fields) continues with the forwarded body, whose
first lines are the top block of the forwarded document (``forwarded1.l12``), its subject a
property of its own (``props.mail.forwarded1.subject``).

:func:`mail_document` reads a mail on its own (uploaded to ``check``, found inside a ZIP, or a
mail's body member): the body's lines as blocks, the subject as a property, and the attachments'
names noted as not read there.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage, Message
from pathlib import Path

from markers import Block
from scanner.document import Document
from scanner.errors import ExtractError
from scanner.messages import Msg

BODY = "正文.txt"
BODY_INDEX = -1
MAX_PARTS = 10_000

NOT_A_MAIL = Msg("不是邮件文件（没有邮件头）", "not a mail file (no mail headers)")
ZIP_IN_MAIL = Msg("邮件附件中的压缩包不展开，请将其取出单独检查",
                  "a ZIP attached to a mail is not opened: check it on its own")
TOO_MANY_PARTS = Msg("邮件包含 {n} 个部分，超过上限 {limit}，未打开",
                     "the mail has {n} parts, above the limit of {limit}: not opened")


def parse(data: bytes) -> EmailMessage:
    """The mail, or :class:`ExtractError` when the bytes hold no mail headers."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(msg, EmailMessage) or not msg.keys():
        raise ExtractError(NOT_A_MAIL.zh, NOT_A_MAIL.en)
    return msg


def leaves(msg: EmailMessage) -> list[Message]:
    """The mail's leaf parts in order (attached mails opened)."""
    out: list[Message] = [p for p in msg.walk() if not p.is_multipart()]
    if len(out) > MAX_PARTS:
        raise ExtractError(TOO_MANY_PARTS.zh.format(n=len(out), limit=MAX_PARTS),
                           TOO_MANY_PARTS.en.format(n=len(out), limit=MAX_PARTS))
    return out


def is_attachment(part: Message) -> bool:
    return part.get_filename() is not None or part.get_content_disposition() == "attachment"


def attachments(msg: EmailMessage) -> list[tuple[int, str]]:
    """(index among the leaf parts, raw file name) of each attachment."""
    out = []
    for k, part in enumerate(leaves(msg)):
        if is_attachment(part):
            name = str(part.get_filename() or f"附件{k}.bin")
            out.append((k, name))
    return out


def _decoded(part: Message) -> str:
    from scanner.extract.web import decode_page  # noqa: PLC0415 - the page decoder

    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return str(part.get_payload())
    return decode_page(raw, (part.get_content_charset() or "").lower() or None)


def subject(msg: Message) -> str:
    """The mail's subject on one line."""
    return " ".join(str(msg.get("subject", "") or "").split())


def body_text(msg: EmailMessage) -> str:
    """The body: the first plain-text part that is not an attachment, else the text of the
    first HTML one."""
    from scanner.extract.web import read_page  # noqa: PLC0415

    parts = [p for p in leaves(msg) if not is_attachment(p)]
    plain = next((p for p in parts if p.get_content_type() == "text/plain"), None)
    html = next((p for p in parts if p.get_content_type() == "text/html"), None)
    if plain is not None:
        return _decoded(plain)
    if html is not None:
        blocks, _ = read_page(_decoded(html))
        return "\n".join(b.text for b in blocks if b.region != "props")
    return ""


def body_mail(msg: EmailMessage) -> bytes:
    """The mail without its attachments: its subject and its body as UTF-8 text (what the body
    member holds, read by :func:`mail_document`)."""
    out = EmailMessage(policy=email.policy.default)
    title = subject(msg)
    if title:
        out["Subject"] = title
    out.set_content(body_text(msg), charset="utf-8")
    return out.as_bytes()


def member_bytes(data: bytes, index: int, raw: str) -> bytes | None:
    """The bytes of the member at ``index`` named ``raw`` (for :data:`BODY_INDEX`, the mail
    without its attachments: :func:`body_mail`); None when the mail no longer has it."""
    msg = parse(data)
    if index == BODY_INDEX:
        return body_mail(msg)
    found = leaves(msg)
    if index >= len(found) or str(found[index].get_filename() or f"附件{index}.bin") != raw:
        return None
    payload = found[index].get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    return str(payload or "").encode("utf-8")


SUBJECT = "props.mail.subject"
# A forwarded (or quoted original) mail starts at a line of its own: ``---------- Forwarded
# message ---------`` (Gmail), ``-----Original Message-----`` (Outlook), ``-----原始邮件-----``,
# ``------------ 原始邮件 ------------`` (QQ, Foxmail), ``-------- 转发的邮件 --------``, ``Begin
# forwarded message:`` (Apple Mail); or at Outlook's rule followed by its header fields.
FORWARD_LINE = re.compile(
    r"\s*(?:[-=_—\s]{2,}\s*(?:forwarded message|original message|转发的?邮件|原始邮件|邮件原文)"
    r"\s*[-=_—\s]*|begin forwarded message\s*[:：]?)\s*", re.IGNORECASE)
RULE_LINE = re.compile(r"\s*_{10,}\s*")
HEADER_FIELD = re.compile(
    r"\s*(?P<name>发件人|发送人|发送时间|发件时间|发送日期|日期|时间|收件人|抄送|主题|标题|from|sent|"
    r"date|to|cc|subject)\s*[:：]\s*(?P<value>.*)", re.IGNORECASE)
SUBJECT_FIELDS = ("主题", "标题", "subject")
MAX_FORWARDS = 50


def body_blocks(text: str, title: str = "") -> list[Block]:
    """The body's lines as blocks (``body.lN``, N the line of the body) and the subject as the
    mail's property. The first short lines of the body are its top block; below a forwarding
    line and the forwarded mail's header fields, the forwarded body's first short lines are the
    top block of ``forwardedK`` (the K-th forwarded mail), its subject a property of its own."""
    from scanner.extract.text import LINE_END, LONG_LINE, TOP_LINES  # noqa: PLC0415

    lines = LINE_END.split(text)
    blocks: list[Block] = []
    props: list[Block] = []
    container, seen, top_open = "body", 0, True
    forwards = 0
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line:
            continue
        header = _forward_header(lines, i - 1) if forwards < MAX_FORWARDS else None
        if header is not None:
            forwards += 1
            for n in range(i - 1, header):
                field = lines[n].strip()
                if field:
                    blocks.append(Block(field, f"{container}.l{n + 1}", "body", len(blocks)))
                found = HEADER_FIELD.fullmatch(field)
                if found and found["name"].lower() in SUBJECT_FIELDS and found["value"].strip():
                    props.append(Block(found["value"].strip(),
                                       f"props.mail.forwarded{forwards}.subject", "props"))
            container, seen, top_open, i = f"forwarded{forwards}", 0, True, header
            continue
        region = "body"
        if top_open:
            seen += 1
            top_open = seen <= TOP_LINES and len(line) <= LONG_LINE
            region = "top" if top_open else "body"
        blocks.append(Block(line, f"{container}.l{i}", region, len(blocks)))  # type: ignore[arg-type]
    if title:
        props.insert(0, Block(title, SUBJECT, "props"))
    return blocks + [b._replace(order=len(blocks) + k) for k, b in enumerate(props)]


def _forward_header(lines: list[str], at: int) -> int | None:
    """Where the forwarded body starts when line ``at`` opens a forwarded mail (after its header
    fields and the blank line below them), else None."""
    line = lines[at]
    ruled = RULE_LINE.fullmatch(line) is not None
    if FORWARD_LINE.fullmatch(line) is None and not ruled:
        return None
    n = at + 1
    while n < len(lines) and not lines[n].strip():
        n += 1
    fields = 0
    while n < len(lines) and HEADER_FIELD.fullmatch(lines[n]) is not None:
        fields += 1
        n += 1
    if ruled and not fields:  # a rule alone is no forwarding line
        return None
    return n if fields else at + 1


def mail_document(path: Path, data: bytes | None = None) -> Document:
    """A mail read on its own: the body's lines as blocks (the first short lines the ``top``),
    the subject as the mail's property (:func:`body_blocks`), the attachments named in the note
    (they are read when the mail is scanned as a package, by ``scan``, ``audit`` and
    ``watch``)."""
    msg = parse(data if data is not None else path.read_bytes())
    title = subject(msg)
    blocks = body_blocks(body_text(msg), title)
    meta: dict[str, str] = {}
    if title:
        meta["title"] = title
    names = [name for _, name in attachments(msg)]
    if names:
        listed = "、".join(names[:10])
        meta["note_zh"] = f"邮件附件未在此检查（{listed}）：用 scan 或 audit 检查邮件时逐个检查"
        meta["note_en"] = (f"the mail's attachments are not read here ({', '.join(names[:10])}): "
                           "scan or audit the mail to check each")
    return Document(path=path, kind="eml", blocks=tuple(blocks), meta=meta)
