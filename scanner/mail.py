"""Mail files (.eml) as packages: the body and each attachment are members, like a ZIP's.

A mail is parsed with the standard library's ``email`` package. Its members are the body,
shown as ``mail.eml!正文.txt`` (the subject on the first line, then the plain-text body, or the
HTML body's text when there is no plain one), and every attachment under its own file name
(``mail.eml!附件.docx``; RFC 2047/2231 names decoded, made safe and unique as ZIP members' are),
the attachments of a mail attached to the mail included. A ZIP attached to a mail is not opened
(it is named, with the reason). A member is addressed by its index among the mail's leaf parts
and its raw name, so a mail changed since it was listed says so instead of giving another part.

:func:`mail_document` reads a mail on its own (uploaded to ``check`` or found inside a ZIP): the
body's lines as blocks, and the attachments' names noted as not read there.
"""

from __future__ import annotations

import email
import email.policy
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


def body_text(msg: EmailMessage) -> str:
    """The subject, then the body: the first plain-text part that is not an attachment, else
    the text of the first HTML one."""
    from scanner.extract.web import read_page  # noqa: PLC0415

    parts = [p for p in leaves(msg) if not is_attachment(p)]
    subject = str(msg.get("subject", "") or "").strip()
    plain = next((p for p in parts if p.get_content_type() == "text/plain"), None)
    html = next((p for p in parts if p.get_content_type() == "text/html"), None)
    if plain is not None:
        body = _decoded(plain)
    elif html is not None:
        blocks, _ = read_page(_decoded(html))
        body = "\n".join(b.text for b in blocks if b.region != "props")
    else:
        body = ""
    return f"{subject}\n{body}" if subject else body


def member_bytes(data: bytes, index: int, raw: str) -> bytes | None:
    """The bytes of the member at ``index`` named ``raw`` (the body's UTF-8 text for
    :data:`BODY_INDEX`); None when the mail no longer has it."""
    msg = parse(data)
    if index == BODY_INDEX:
        return body_text(msg).encode("utf-8")
    found = leaves(msg)
    if index >= len(found) or str(found[index].get_filename() or f"附件{index}.bin") != raw:
        return None
    payload = found[index].get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    return str(payload or "").encode("utf-8")


def mail_document(path: Path, data: bytes | None = None) -> Document:
    """A mail read on its own: the subject and body as blocks (the first short lines the
    ``top``), the attachments named in the note (they are read when the mail is scanned as a
    package, by ``scan``, ``audit`` and ``watch``)."""
    from scanner.extract.text import LONG_LINE, TOP_LINES  # noqa: PLC0415

    msg = parse(data if data is not None else path.read_bytes())
    blocks: list[Block] = []
    top = True
    for n, line in enumerate(body_text(msg).splitlines(), 1):
        text = line.strip()
        if not text:
            continue
        top = top and len(blocks) < TOP_LINES and len(text) <= LONG_LINE
        blocks.append(Block(text, f"正文.p{n}", "top" if top else "body", len(blocks)))
    meta: dict[str, str] = {}
    subject = str(msg.get("subject", "") or "").strip()
    if subject:
        meta["title"] = subject
    names = [name for _, name in attachments(msg)]
    if names:
        listed = "、".join(names[:10])
        meta["note_zh"] = f"邮件附件未在此检查（{listed}）：用 scan 或 audit 检查邮件时逐个检查"
        meta["note_en"] = (f"the mail's attachments are not read here ({', '.join(names[:10])}): "
                           "scan or audit the mail to check each")
    return Document(path=path, kind="eml", blocks=tuple(blocks), meta=meta)
