"""ZIP packages in archives: each member a file of its own in reports and the ledger, nested
packages opened two deep, Chinese names written without the UTF-8 flag, and every way a package
or member can be bad (damaged, empty, too deep, encrypted, a bomb, a name climbing out) gives a
report saying why, never a crash and never a silently skipped file."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import struct
import time
import zipfile
from pathlib import Path

import pytest
from builders import DocSpec, make_docx

from scanner.cli import main

AS_OF = "2026-11-30"
MARKED = DocSpec(body=["000123", "秘密★5年", "某局发〔2025〕5号", "关于某事项的通知",
                       "知悉范围：本局领导班子成员", "某局", "2025年3月22日"])
DOC = Path(__file__).resolve().parents[1] / "data" / "real" / "copilot_master_template.doc"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def gbk_named(name: str, data: bytes) -> bytes:
    """A package whose one member's name is GBK without the UTF-8 flag, as Chinese Windows
    tools write it (written under an ASCII name of the same length, then renamed in place)."""
    raw = name.encode("gbk")
    placeholder = "a" * len(raw)
    packed = zip_bytes({placeholder: data})
    assert packed.count(placeholder.encode()) == 2  # the local header and the directory
    return packed.replace(placeholder.encode(), raw)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    root.mkdir()
    docx = make_docx(tmp_path / "marked.docx", MARKED).read_bytes()
    inner = gbk_named("内层/通知.docx", docx)
    (root / "box.zip").write_bytes(zip_bytes({
        "发文/通知.docx": docx, "old/template.doc": DOC.read_bytes(), "inner.zip": inner,
        "~$lock.docx": b"x", "../../escape.txt": "机密★5年\n关于某事的通知\n".encode(),
        "folder/": b""}))
    shutil.copy(tmp_path / "marked.docx", root / "plain.docx")
    return root


def reports(out: Path) -> dict[str, dict]:
    return {json.loads(p.read_text("utf-8"))["source"]["relative"]: json.loads(
        p.read_text("utf-8")) for p in out.rglob("*.report.json")}


def test_scan_reports_each_member(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = (archive / "box.zip").read_bytes()
    assert main(["scan", str(archive), "--out", str(out), "--as-of", AS_OF, "-q"]) in (0, 1)
    got = reports(out)
    assert set(got) == {"plain.docx", "box.zip!发文/通知.docx", "box.zip!old/template.doc",
                        "box.zip!inner.zip!内层/通知.docx", "box.zip!escape.txt"}
    direct = got["plain.docx"]
    for name in ("box.zip!发文/通知.docx", "box.zip!inner.zip!内层/通知.docx"):
        r = got[name]
        assert r["status"] == "ok"
        assert r["marking"]["raw"] == direct["marking"]["raw"] == "秘密★5年"
        assert [f["code"] for f in r["findings"]] == [f["code"] for f in direct["findings"]]
        assert r["source"]["sha256"] == direct["source"]["sha256"]
        assert r["source"]["path"] == f"{archive / 'box.zip'}!{name.partition('!')[2]}"
    assert got["box.zip!old/template.doc"]["marking"]["raw"] == "机密★5年"
    assert got["box.zip!old/template.doc"]["source"]["kind"] == "doc"
    # the name that climbed out of the package is placed under it, inside the report folder
    assert (out / "box.zip!escape.txt.report.json").is_file()
    assert not (tmp_path / "escape.txt.report.json").exists()
    assert (archive / "box.zip").read_bytes() == before  # the source is never modified


def test_bad_packages_and_members_get_reports(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    doc = b"\xe7\xa7\x98\xe5\xaf\x86\xe2\x98\x85" + "1年\n".encode()
    (root / "damaged.zip").write_bytes(b"PK\x03\x04" + os.urandom(200))
    (root / "empty.zip").write_bytes(zip_bytes({}))
    (root / "deep.zip").write_bytes(zip_bytes({"a.zip": zip_bytes({"b.zip": zip_bytes(
        {"c.txt": doc})})}))
    (root / "bomb.zip").write_bytes(zip_bytes({"zeros.txt": b"\0" * (8 * 1024 * 1024)}))
    locked = bytearray(zip_bytes({"secret.txt": doc}))
    for magic, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the encrypted flag
        where = locked.index(magic) + at
        locked[where] |= 0x1
    (root / "locked.zip").write_bytes(bytes(locked))
    (root / "gone.zip").symlink_to(root / "nowhere.zip")  # a dangling link
    out = tmp_path / "out"
    assert main(["scan", str(root), "--out", str(out), "--as-of", AS_OF, "-q",
                 "--lang", "en"]) == 3
    got = reports(out)
    reason = {k: v["reason_en"] for k, v in got.items()}
    assert set(got) == {"damaged.zip", "empty.zip", "deep.zip!a.zip!b.zip", "bomb.zip!zeros.txt",
                        "locked.zip!secret.txt", "gone.zip"}
    assert all(r["status"] == "unreadable" for r in got.values())
    assert "damaged" in reason["damaged.zip"]
    assert "no file to check" in reason["empty.zip"]
    assert "nested more than 2 deep" in reason["deep.zip!a.zip!b.zip"]
    assert "likely zip bomb" in reason["bomb.zip!zeros.txt"]
    assert "encrypted" in reason["locked.zip!secret.txt"]
    assert "deleted or moved" in reason["gone.zip"]  # a file, not "the folder cannot be listed"


def test_check_gives_a_verdict_a_member(archive: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    code = main(["check", str(archive / "box.zip"), "--as-of", AS_OF, "-q", "--lang", "en"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert any("box.zip!inner.zip!内层/通知.docx" in line and "PASS" in line for line in lines)
    assert code == 1  # the template's MARK_CONFLICT is an error


def test_audit_rows_per_member_and_reuse(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit"
    args = ["audit", str(archive), "--out", str(out), "--as-of", AS_OF, "--jobs", "1",
            "--lang", "en"]
    assert main(args) in (0, 1)
    with (out / "ledger.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["path"]: r for r in csv.DictReader(fh)}
    assert set(rows) == {"plain.docx", "box.zip!发文/通知.docx", "box.zip!old/template.doc",
                         "box.zip!inner.zip!内层/通知.docx", "box.zip!escape.txt"}
    assert rows["box.zip!inner.zip!内层/通知.docx"]["mark"] == "秘密★5年"
    assert json.loads((out / "stats.json").read_text("utf-8"))["files"] == 5

    def processed(capsys_out: str) -> int:
        return int(capsys_out.split("processed ")[1].split(",", maxsplit=1)[0])

    buf = io.StringIO()
    from contextlib import redirect_stdout  # noqa: PLC0415
    with redirect_stdout(buf):
        main(args)
    assert processed(buf.getvalue()) == 0  # nothing changed: every member reused
    st = (archive / "box.zip").stat()
    os.utime(archive / "box.zip", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    buf = io.StringIO()
    with redirect_stdout(buf):
        main(args)
    assert processed(buf.getvalue()) == 4  # the package changed: its members again


def test_a_real_file_named_like_a_member_stays_distinct(tmp_path: Path) -> None:
    """``pkg.zip`` holding ``a.txt`` beside a real file named ``pkg.zip!a.txt``: two files, two
    reports, two ledger rows, two database rows, each with its own mark (the member is shown as
    ``pkg.zip!a (2).txt``, the real file keeps its name)."""
    import sqlite3  # noqa: PLC0415

    root = tmp_path / "archive"
    root.mkdir()
    (root / "pkg.zip").write_bytes(zip_bytes({"a.txt": "机密★5年\n关于甲事的通知\n".encode()}))
    (root / "pkg.zip!a.txt").write_bytes("秘密★1年\n关于乙事的通知\n".encode())
    out = tmp_path / "audit"
    assert main(["audit", str(root), "--out", str(out), "--as-of", AS_OF, "--jobs", "1",
                 "--lang", "en"]) in (0, 1)
    with (out / "ledger.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    marks = {r["path"]: r["mark"] for r in rows}
    assert len(rows) == 2 and marks == {"pkg.zip!a.txt": "秘密★1年",
                                        "pkg.zip!a (2).txt": "机密★5年"}, rows
    got = reports(out / "reports")
    assert {k: v["marking"]["raw"] for k, v in got.items()} == marks
    assert got["pkg.zip!a.txt"]["source"]["path"] == str(root / "pkg.zip!a.txt")
    assert got["pkg.zip!a (2).txt"]["source"]["path"] == f"{root / 'pkg.zip'}!a (2).txt"
    with sqlite3.connect(out / "audit.sqlite") as db:
        paths = sorted(bytes(p).decode() for (p,) in db.execute("SELECT path FROM files"))
    assert paths == sorted([str(root / "pkg.zip!a.txt"), f"{root / 'pkg.zip'}!a (2).txt"])
    # given directly from two folders: still two reports (their report names made unique)
    other = tmp_path / "other"
    other.mkdir()
    (root / "pkg.zip!a.txt").rename(other / "pkg.zip!a.txt")
    scanned = tmp_path / "scanned"
    assert main(["scan", str(root / "pkg.zip"), str(other / "pkg.zip!a.txt"), "--out",
                 str(scanned), "--as-of", AS_OF, "-q"]) in (0, 1)
    got = reports(scanned)
    assert sorted(v["marking"]["raw"] for v in got.values()) == ["机密★5年", "秘密★1年"], got
    assert {v["source"]["path"] for v in got.values()} == {f"{root / 'pkg.zip'}!a.txt",
                                                           str(other / "pkg.zip!a.txt")}


def test_a_package_is_listed_once(tmp_path: Path) -> None:
    """20,000 one-byte members read one after another: the directory is parsed once, not once
    a member (which took about 0.13 s a member here, 40 minutes in all)."""
    from scanner.containers import members, read_member  # noqa: PLC0415
    from scanner.limits import DEFAULT  # noqa: PLC0415

    package = tmp_path / "many.zip"
    with zipfile.ZipFile(package, "w") as zf:
        for i in range(20_000):
            zf.writestr(f"d{i % 7}/m{i:05d}.txt", str(i % 10).encode())
    found = members(package, DEFAULT, lambda _: False)
    assert len(found) == 20_000
    start = time.monotonic()
    for i, member in enumerate(found):
        assert read_member(package, member.chain, DEFAULT) == str(i % 10).encode()
        assert time.monotonic() - start < 20, f"{i} members read in 20 s"
    # the package changed in place: its new content is read, not the old listing's
    with zipfile.ZipFile(package, "w") as zf:
        zf.writestr("d0/m00000.txt", b"new")
    assert read_member(package, found[0].chain, DEFAULT) == b"new"


def overlapped(payload: bytes, copies: int) -> bytes:
    """A package whose directory names the one member ``copies`` times (same name, same data):
    every entry passes the per-member limits, together they inflate ``copies`` times the data."""
    data = zip_bytes({"a.txt": payload})
    eocd = data.rindex(b"PK\x05\x06")
    start = struct.unpack("<L", data[eocd + 16:eocd + 20])[0]
    entry = data[start:eocd]
    directory = entry * copies
    return (data[:start] + directory + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, copies,
                                                   copies, len(directory), start, 0))


def test_a_package_is_limited_as_a_whole(tmp_path: Path) -> None:
    """Entries pointing at one member's data (a bomb of 200 x 3 MB, ratio far under the
    limit), members inflating past --max-package-mb together (also inside a package inside it),
    and more entries than the limit across nested packages: each package is one report."""
    root = tmp_path / "in"
    root.mkdir()
    text = "秘密★1年\n" + "".join(f"第{i}条 关于某事项的说明。\n" for i in range(120_000))
    payload = text[:1_000_000].encode()
    (root / "overlap.zip").write_bytes(overlapped(payload, 200))
    half, other = text[:240_000].encode(), text[240_000:480_000].encode()
    (root / "big.zip").write_bytes(zip_bytes({"a.txt": half, "b.txt": other}))
    (root / "nested.zip").write_bytes(zip_bytes({"ok.txt": "秘密★1年\n".encode(),
                                                 "inner.zip": zip_bytes({"a.txt": half,
                                                                         "b.txt": other})}))
    (root / "fine.zip").write_bytes(zip_bytes({"a.txt": half}))
    # a member refused by its own size is never inflated: it does not count against the package
    (root / "single.zip").write_bytes(zip_bytes({"long.txt": payload, "a.txt": half}))
    out = tmp_path / "out"
    assert main(["scan", str(root), "--out", str(out), "--as-of", AS_OF, "-q", "--lang", "en",
                 "--max-package-mb", "1", "--max-file-mb", "2"]) == 3
    got = reports(out)
    assert set(got) == {"overlap.zip", "big.zip", "nested.zip", "fine.zip!a.txt",
                        "single.zip!long.txt", "single.zip!a.txt"}
    assert "(--max-file-mb)" in got["single.zip!long.txt"]["reason_en"]
    assert got["single.zip!a.txt"]["status"] == "ok"
    reason = {k: v["reason_en"] for k, v in got.items() if k != "fine.zip!a.txt"}
    assert "share or overlap the same data" in reason["overlap.zip"]
    assert "above the limit of 1 MB (--max-package-mb)" in reason["big.zip"]
    assert "above the limit of 1 MB (--max-package-mb)" in reason["nested.zip"]
    assert got["fine.zip!a.txt"]["status"] == "ok", got["fine.zip!a.txt"]["reason_en"]
    assert got["fine.zip!a.txt"]["marking"]["raw"] == "秘密★1年"
    assert "压缩炸弹" in got["overlap.zip"]["reason_zh"]
    assert "1 MB" in got["big.zip"]["reason_zh"]
    # entries counted across the packages inside: two of 60,000 are above 100,000 together
    crowd = tmp_path / "crowd"
    crowd.mkdir()
    many = zip_bytes({f"e{i}": b"" for i in range(60_000)})
    (crowd / "crowd.zip").write_bytes(zip_bytes({"one.zip": many, "two.zip": many}))
    assert main(["scan", str(crowd), "--out", str(tmp_path / "out2"), "--as-of", AS_OF, "-q",
                 "--lang", "en"]) == 3
    (only,) = reports(tmp_path / "out2").values()
    assert "lists 120002 entries, above the limit of 100000" in only["reason_en"]


def test_listing_a_package_has_a_time_limit(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner import containers  # noqa: PLC0415

    (tmp_path / "a.zip").write_bytes(zip_bytes({"a.txt": b"x"}))
    monkeypatch.setattr(containers, "LIST_SECONDS", -1.0)  # already past it
    with pytest.raises(containers.ContainerError) as caught:
        containers.members(tmp_path / "a.zip", containers.Limits(), lambda _: False)
    assert "took longer than -1 s" in caught.value.msg.en
    assert "秒" in caught.value.msg.zh
