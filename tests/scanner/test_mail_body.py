"""A mail's body and subject (scanner.mail): the subject is the mail's title, a property, not the
body's first line, so the 份号 and the mark on the body's first lines stand in its top block; a
mark written only in the subject is found and said to be out of place; a forwarded mail's own
body (below the forwarding line and its header fields) has a top block of its own. Mails built
with the standard library's ``email`` package, read as packages (``scan``) and on their own."""

from __future__ import annotations

import datetime as dt
import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from markers.models import Marking
from scanner.catalogs import DEMO
from scanner.cli import main
from scanner.mail import mail_document
from scanner.outcome import EXIT_FINDINGS
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
TITLE = "关于做好某型装备试验保障工作的通知"
NOTICE = [TITLE, "各有关单位：", "　　试验定于三月进行，请做好保障工作。",
          "知悉范围：局领导班子成员", "某局", "2026年3月2日"]
HEAD = ["000343", "机密★10年"]
Report = dict[str, Any]  # a report's JSON


def _mail(subject: str, lines: list[str], *, charset: str = "utf-8", cte: str | None = None,
          html: bool = False) -> bytes:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = "office@example.invalid"
    msg["To"] = "chief@example.invalid"
    if html:
        msg.set_content("".join(f"<p>{line}</p>" for line in lines), subtype="html",
                        charset=charset, cte=cte)
    else:
        msg.set_content("\n".join(lines) + "\n", charset=charset, cte=cte)
    return msg.as_bytes()


MAILS = {  # name: (subject, body lines, options)
    "plain.eml": (TITLE, [*HEAD, *NOTICE], {}),
    "gbk_base64.eml": (TITLE, [*HEAD, *NOTICE], {"charset": "gbk", "cte": "base64"}),
    "qp.eml": (TITLE, [*HEAD, *NOTICE], {"cte": "quoted-printable"}),
    "html.eml": (TITLE, [*HEAD, *NOTICE], {"html": True}),
    "subject_and_body.eml": (f"机密★10年 {TITLE}", [*HEAD, *NOTICE], {}),
    "mark_first.eml": (TITLE, ["机密★10年", *NOTICE[1:]], {}),
    "subject_only.eml": (f"【机密★10年】{TITLE}", NOTICE, {}),
    "subject_conflict.eml": (f"秘密★1年 {TITLE}", [*HEAD, *NOTICE], {}),
    "gmail_forward.eml": (f"Fwd: {TITLE}", [
        "请阅处。", "", "---------- Forwarded message ---------",
        "From: 市政府办公室 <office@example.invalid>", "Date: 2026年3月2日 10:12",
        f"Subject: {TITLE}", "To: chief@example.invalid", "", *HEAD, *NOTICE], {}),
    "outlook_original.eml": (f"转发：{TITLE}", [
        "李科长：", "　　转发市政府办公室文件，请阅处。", "", "-----原始邮件-----",
        "发件人: 市政府办公室", "发送时间: 2026年3月2日 10:12", "收件人: 王某某", f"主题: {TITLE}",
        "", *HEAD, *NOTICE], {}),
    "cn_forward.eml": (f"转发：{TITLE}", [
        "-------- 转发的邮件 --------", "发件人：\"市政府办公室\" <office@example.invalid>",
        "发送日期：2026年3月2日 10:12", f"主题：{TITLE}", "", *HEAD, *NOTICE], {}),
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    """The body member's JSON report of every mail, scanned as a package."""
    root = tmp_path_factory.mktemp("mail")
    (root / "in").mkdir()
    for name, (subject, lines, kw) in MAILS.items():
        (root / "in" / name).write_bytes(_mail(subject, lines, **kw))
    assert main(["scan", str(root / "in"), "--out", str(root / "out"), "--as-of", "2026-11-22",
                 "-q", "--lang", "en"]) == EXIT_FINDINGS  # every body read
    got = {}
    for path in (root / "out").rglob("*.report.json"):
        report = json.loads(path.read_text("utf-8"))
        mail, _, member = report["source"]["relative"].partition("!")
        assert member == "正文.txt"
        got[mail] = report
    return got


def _codes(report: Report) -> list[str]:
    return [f["code"] for f in report["findings"]]


@pytest.mark.parametrize("name", ["plain.eml", "gbk_base64.eml", "qp.eml", "html.eml",
                                  "subject_and_body.eml"])
def test_the_bodys_first_lines_are_its_top_block(scanned: dict[str, Report],
                                                 name: str) -> None:
    report = scanned[name]
    assert report["status"] == "ok"
    assert (report["marking"]["raw"], report["marking"]["location"]) == ("机密★10年", "body.l2")
    assert report["copy_number"] == "000343"  # line 1 of the body, above the mark
    assert "MARK_POSITION" not in _codes(report)  # the subject is no line above the mark
    assert "COPY_NO_MISSING" not in _codes(report)
    assert "MARK_CONFLICT" not in _codes(report)  # the subject's mark is the body's


def test_a_mark_on_the_first_line_is_in_place(scanned: dict[str, Report]) -> None:
    report = scanned["mark_first.eml"]
    assert report["marking"]["location"] == "body.l1"
    assert "MARK_POSITION" not in _codes(report)


def test_a_mark_only_in_the_subject_is_found_out_of_place(
        scanned: dict[str, Report]) -> None:
    report = scanned["subject_only.eml"]
    assert report["marking"]["raw"] == "机密★10年"
    assert report["marking"]["location"] == "props.mail.subject"
    position = [f for f in report["findings"] if f["code"] == "MARK_POSITION"]
    assert len(position) == 1 and "subject" in position[0]["message_en"]


def test_a_subject_that_disagrees_with_the_body_is_a_conflict(
        scanned: dict[str, Report]) -> None:
    report = scanned["subject_conflict.eml"]
    assert report["marking"]["location"] == "body.l2"  # the body's top block decides
    assert "MARK_CONFLICT" in _codes(report)


@pytest.mark.parametrize("name", ["gmail_forward.eml", "outlook_original.eml", "cn_forward.eml"])
def test_a_forwarded_mails_body_has_its_own_top_block(
        scanned: dict[str, Report], name: str) -> None:
    report = scanned[name]
    assert report["marking"]["raw"] == "机密★10年"
    assert report["marking"]["location"].startswith("forwarded1.l")
    assert report["copy_number"] == "000343"
    assert {"MARK_POSITION", "COPY_NO_MISSING"}.isdisjoint(_codes(report))


def test_a_mail_read_on_its_own_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "mail.eml"
    path.write_bytes(_mail(f"机密★10年 {TITLE}", [*HEAD, *NOTICE]))
    blocks = {b.location: (b.text, b.region) for b in mail_document(path).blocks}
    assert blocks["body.l1"] == ("000343", "top") and blocks["body.l2"] == ("机密★10年", "top")
    assert blocks["props.mail.subject"] == (f"机密★10年 {TITLE}", "props")
    report = scan_file(path, OPTIONS)
    eff: Marking | None = report.marks.effective if report.marks else None
    assert eff is not None and eff.location == "body.l2"
    assert report.marks is not None and report.marks.copy_number is not None
    assert report.marks.copy_number.value == "000343"
    assert "MARK_POSITION" not in {f.code for f in report.findings}


def test_subject_words_are_no_mark(tmp_path: Path) -> None:
    """Prose about marks in a subject (a 启用前 notice, 机密 in a title) is not a mark."""
    for subject in ("关于绝密★启用前试卷保管工作的通知", "关于机密文件清理工作的通知",
                    "回复：机密"):
        path = tmp_path / "prose.eml"
        path.write_bytes(_mail(subject, NOTICE[1:]))
        report = scan_file(path, OPTIONS)
        assert report.marks is not None and report.marks.effective is None, subject


def test_the_subject_is_still_content_for_the_catalogue(tmp_path: Path) -> None:
    """The subject, a property of the mail now, is matched against the catalogue as the body is
    (it was the body's first line before)."""
    path = tmp_path / "guard.eml"
    path.write_bytes(_mail("警卫路线及沿线警力部署", ["请阅。"]))
    report = scan_file(path, ScanOptions(as_of=OPTIONS.as_of, catalogs=(str(DEMO),)))
    assert any(t.location == "props.mail.subject" for h in report.hits for t in h.terms)
    assert "UNMARKED_MATCH" in {f.code for f in report.findings}
