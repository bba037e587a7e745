"""Binary presentations (PowerPoint 97 and later; WPS .dps is the same format) as blocks at
``幻灯片N.pK``, read from the records of the ``PowerPoint Document`` stream with olefile, in the
shape :mod:`scanner.extract.slides` gives an OOXML deck: the text atoms of each slide and its
notes, of each main master, and the header and footer atoms. PowerPoint keeps a slide's
placeholder text in the slide list and its other shapes' text (text boxes, tables) in the slide's
drawing; LibreOffice keeps it all in the drawing. A table is a group of shapes (its group shape
flagged ``tableProperties``), each cell a text box placed by its child anchor: the cells are put
back into rows by their anchors (top, then left), a row a block. Word 95 era PowerPoint files (no
such stream) are refused with what they are.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path

import olefile

from markers import Block
from scanner.document import Document
from scanner.errors import ExtractError
from scanner.extract.oleprops import ole_properties
from scanner.extract.slides import MASTER, MAX_SLIDES, NOTES, SLIDE, TOP_BAND_MASTER, SlideBlocks

CONTAINER_VER = 0xF
SLWT, SLIDE_PERSIST = 0x0FF0, 0x03F3
TEXT_CHARS, TEXT_BYTES, CSTRING = 0x0FA0, 0x0FA8, 0x0FBA
SLIDE_REC, NOTES_REC, NOTES_ATOM, HEADERS_FOOTERS = 0x03EE, 0x03F0, 0x03F1, 0x0FD9
SHAPE, CLIENT_ANCHOR = 0xF004, 0xF010
GROUP, CHILD_ANCHOR, TERTIARY_OPT, TEXTBOX = 0xF003, 0xF00F, 0xF122, 0xF00D
TABLE_PROPERTIES = 0x039F  # a group shape's property: the group is a table
DOCUMENT_ATOM, SLIDE_ATOM, MAIN_MASTER, PLACEHOLDER = 0x03E9, 0x03EF, 0x03F8, 0x0BC3
TEXT_HEADER, OUTLINE_TEXT_REF, PERSIST_DIRECTORY = 0x0F9F, 0x0F9E, 0x1772
MASTER_OBJECTS = 0x0001  # SlideAtom.slideFlags: the slide shows its master's shapes
# A master's placeholders (OEPlaceholderAtom.placementId): the date, footer and header ones show
# their text on the slides; the others (title, body, slide number...) hold only a prompt.
PLACEHOLDER_REGIONS = {0x07: "footer", 0x09: "footer", 0x0A: "header"}
MAX_RECORDS = 1_000_000
MAX_DEPTH = 32


def _records(data: bytes, start: int, end: int, depth: int,
             count: list[int]) -> list[tuple[int, int, int, int, int]]:
    """(type, instance, first byte of the body, end byte, depth) of every record between
    ``start`` and ``end``, containers before their children; a damaged length stops the walk at
    that record."""
    out = []
    at = start
    while at + 8 <= end:
        count[0] += 1
        if count[0] > MAX_RECORDS:
            raise ExtractError("演示文稿记录过多，疑似损坏或恶意构造，未读取",
                               "too many records in the presentation: damaged or hostile")
        ver_inst, typ, size = struct.unpack_from("<HHI", data, at)
        body, stop = at + 8, at + 8 + size
        if stop > end:
            break
        out.append((typ, ver_inst >> 4, body, stop, depth))
        if ver_inst & 0xF == CONTAINER_VER and depth < MAX_DEPTH:
            out.extend(_records(data, body, stop, depth + 1, count))
        at = stop
    return out


def _is_table(data: bytes, count: int, body: int, stop: int) -> bool:
    """Whether a shape's tertiary property table sets ``tableProperties``: the group it heads
    is a table."""
    for at in range(body, min(body + 6 * count, stop - 5), 6):
        pid, value = struct.unpack_from("<HI", data, at)
        if pid & 0x3FFF == TABLE_PROPERTIES and value and not pid & 0x8000:
            return True
    return False


class _Table:
    """An open table group of a slide's drawing: its end and its cells' places and texts."""

    def __init__(self, stop: int) -> None:
        self.stop = stop
        self.is_table = False
        # a cell shape's end → its top, left and paragraphs
        self.places: dict[int, tuple[int, int]] = {}
        self.cells: dict[int, list[str]] = {}  # only shapes with a text box (not the borders)
        self.shape = -1  # the end of the cell shape being read

    def rows(self) -> list[tuple[str, ...]]:
        """The cells in rows: by top (a row's cells within a few units of each other), each row
        by left; a merged cell stands in the row it starts in."""
        placed = sorted((*self.places[end], " ".join(t for t in texts if t))
                        for end, texts in self.cells.items() if end in self.places)
        rows: list[list[tuple[int, str]]] = []
        last = None
        for top, left, text in placed:
            if last is None or top - last > ROW_SLACK:
                rows.append([])
            rows[-1].append((left, text))
            last = top
        return [tuple(text for _, text in sorted(row)) for row in rows]


ROW_SLACK = 8  # master units (576 an inch) between the tops of cells of one row


def _atom_text(data: bytes, typ: int, body: int, stop: int) -> str:
    raw = data[body:stop]
    if typ == TEXT_BYTES:
        return raw.decode("latin-1")
    return raw[:len(raw) // 2 * 2].decode("utf-16-le", "replace")


def extract_ppt(path: Path, data: bytes | None = None) -> Document:
    """Read a binary presentation (PowerPoint 97 and later, WPS .dps)."""
    content = data if data is not None else path.read_bytes()
    try:
        ole = olefile.OleFileIO(io.BytesIO(content))
    except Exception as exc:  # olefile raises many kinds on a damaged file
        raise ExtractError(f"演示文稿已损坏（不是可读的 OLE 文件）：{exc}",
                           f"damaged presentation: not a readable OLE file ({exc})") from exc
    with ole:
        streams = {"/".join(s) for s in ole.listdir()}
        if "EncryptedSummary" in streams or _encrypted_ppt(ole, streams):
            raise ExtractError("演示文稿已加密（受密码保护），无法读取",
                               "the presentation is encrypted (password-protected)")
        if "PowerPoint Document" not in streams:
            if "WordDocument" in streams or "Workbook" in streams or "Book" in streams:
                raise ExtractError("OLE 文件中没有 PowerPoint 演示文稿流（是 Word 或 Excel 文件）",
                                   "an OLE file without a PowerPoint document stream (a Word or "
                                   "Excel file)")
            raise ExtractError("OLE 文件中没有 PowerPoint 演示文稿流（可能是 PowerPoint 95 "
                               "或更早的格式）",
                               "an OLE file without a PowerPoint document stream (PowerPoint 95 "
                               "or older?)")
        stream = ole.openstream("PowerPoint Document").read()
    walk = _Walk(stream)
    walk.run()
    slides, notes, headers = walk.slides, walk.notes, walk.headers
    out = SlideBlocks()
    seen = set()
    for region, text in headers:
        if (region, text) not in seen:
            seen.add((region, text))
            out.add(text, f"{SLIDE}.{'页眉' if region == 'header' else '页脚'}{len(seen)}", region)
    for m, shapes in enumerate(walk.master_shapes(), 1):
        out.add_master(shapes, f"{MASTER}{m}")
    for n, texts in enumerate(slides[:MAX_SLIDES], 1):
        _binary_slide(texts, f"{SLIDE}{n}", out)
        if n - 1 < len(notes):
            _binary_slide(notes[n - 1], f"{SLIDE}{n}.{NOTES}", out)
    props, meta = ole_properties(content)
    for where, value in props:
        out.blocks.append(Block(value, where, "props", len(out.blocks)))
    return Document(path=path, kind="ppt", blocks=tuple(out.blocks), pages=len(slides),
                    meta=meta)


ENCRYPTED_TOKEN, USER_EDIT = 0xF3D1C4DF, 0x0FF5


def _encrypted_ppt(ole: olefile.OleFileIO, streams: set[str]) -> bool:
    """Whether a presentation is encrypted (MS-PPT 2.3.7): its CurrentUserAtom carries the
    encrypted header token, or its current UserEditAtom names an encryption session (the
    CryptSession10Container); the summary stream may still be plain."""
    if "Current User" not in streams or "PowerPoint Document" not in streams:
        return False
    user = ole.openstream("Current User").read(64)
    if len(user) < 20:
        return False
    token, offset = struct.unpack_from("<II", user, 12)
    if token == ENCRYPTED_TOKEN:
        return True
    stream = ole.openstream("PowerPoint Document")
    if offset + 8 + 0x20 > ole.get_size("PowerPoint Document"):
        return False
    stream.seek(offset)
    atom = stream.read(8 + 0x20)
    typ, size = struct.unpack_from("<HI", atom, 2)
    session = struct.unpack_from("<I", atom, 8 + 0x1C)[0]  # encryptSessionPersistIdRef
    return bool(typ == USER_EDIT and size >= 0x20 and session)


@dataclass(frozen=True)
class _Ref:
    """A placeholder of a slide's drawing whose text is the slide's ``index``-th text in the
    slide list (an OutlineTextRefAtom)."""

    index: int


Item = str | tuple[str, ...] | _Ref  # a text, a table row's cells (empty: a table starts), a ref


class _Walk:
    """The texts of each slide and each notes page, and the header and footer texts, gathered
    from the records of a ``PowerPoint Document`` stream in one pass. PowerPoint keeps the text
    of a slide's placeholders (title, body) in the slide list and that of its other shapes (text
    boxes, tables) in the slide's drawing, where each placeholder refers to its text in the list;
    LibreOffice keeps it all in the drawing. A slide's texts are put in its drawing's order, the
    placeholders' taken from the list by slide (through the persist directory, which says where
    each slide's record is); on the title slide the shapes anchored in its top band come
    first."""

    def __init__(self, stream: bytes) -> None:
        self.stream = stream
        self.slides: list[list[Item]] = []
        self.notes: list[list[Item]] = []
        self.headers: list[tuple[str, str]] = []
        self.drawn: list[list[Item]] = []  # each slide record's texts, in the stream's order
        self.drawn_at: list[int] = []  # where each slide record starts in the stream
        self.bands: list[list[Item]] = []  # each slide record's texts in its top band
        self.slide_refs: list[int] = []  # the slide list's slides' persist ids, in order
        self.persist: dict[int, int] = {}  # persist id → where its record starts
        self.header_open = False  # a TextHeaderAtom of the slide list waits for its text
        self.groups: list[_Table] = []  # the open groups of the slide's drawing
        self.slide_ids: list[int] = []  # the slides' ids, in the presentation's order
        # notes text by the id of its slide
        self.drawn_notes: dict[int, list[Item]] = {}
        self.current: list[Item] | None = None  # the slide list's open slide
        self.note: list[Item] | None = None
        self.ends = {"slwt": -1, "slide": -1, "hf": -1, "notes": -1, "shape": -1, "band": -1,
                     "master": -1}
        self.slwt_instance = -1
        self.width = 5760  # the slide's width in master units (576 an inch): 10 inches
        # each main master's shapes: (a placeholder's region, or None for a shape placed by its
        # anchor; the anchor's top and left; the paragraphs)
        self.masters: list[list[tuple[str | None, int | None, int, list[str]]]] = []
        self.shape: tuple[str | None, int | None, int, list[str]] | None = None
        # the open shape's kind ("" a shape, a placeholder's region, None a placeholder whose
        # text is a prompt), top and left
        self.shape_place: tuple[str | None, int | None, int] = (None, None, 0)
        self.first_shows_master = True  # the first slide shows its master's shapes

    def run(self) -> None:
        for typ, inst, body, stop, _ in _records(self.stream, 0, len(self.stream), 0, [0]):
            for key, end in self.ends.items():
                if body >= end:
                    self.ends[key] = -1
            if self.ends["slwt"] < 0:
                self.current = None
            if self.ends["notes"] < 0:
                self.note = None
            while self.groups and body >= self.groups[-1].stop:
                self.close_group()
            self.record(typ, inst, body, stop)
        while self.groups:
            self.close_group()
        self.slides = self.slide_texts()
        if not any(self.notes) and self.drawn_notes:
            self.notes = [self.drawn_notes.get(i, []) for i in self.slide_ids]

    def record(self, typ: int, inst: int, body: int, stop: int) -> None:
        ends = self.ends
        if ends["master"] >= 0 and self.master_record(typ, body, stop):
            return
        if typ == DOCUMENT_ATOM and stop - body >= 8:
            self.width = struct.unpack_from("<i", self.stream, body)[0] or self.width
        elif typ == MAIN_MASTER:
            ends["master"] = stop
            self.masters.append([])
            self.shape, self.shape_place = None, (None, None, 0)
        elif typ == PERSIST_DIRECTORY:
            self.persist_directory(body, stop)
        elif typ == SLIDE_ATOM and ends["slide"] >= 0 and len(self.drawn) == 1 and (
                stop - body >= 22):
            flags = struct.unpack_from("<H", self.stream, body + 20)[0]
            self.first_shows_master = bool(flags & MASTER_OBJECTS)
        elif typ == SLWT:
            ends["slwt"], self.slwt_instance = stop, inst
        elif typ == SLIDE_PERSIST and ends["slwt"] >= 0 and self.slwt_instance in (0, 2):
            self.current = []
            (self.slides if self.slwt_instance == 0 else self.notes).append(self.current)
            if self.slwt_instance == 0 and stop - body >= 16:
                self.slide_ids.append(struct.unpack_from("<I", self.stream, body + 12)[0])
                self.slide_refs.append(struct.unpack_from("<I", self.stream, body)[0])
        elif typ == TEXT_HEADER and self.current is not None:
            self.current.append("")  # the text that follows, if any, is this one's
            self.header_open = True
        elif typ == OUTLINE_TEXT_REF and ends["slide"] >= 0 and self.drawn and (
                stop - body >= 4):
            self.add_drawn(_Ref(struct.unpack_from("<i", self.stream, body)[0]))
        elif typ == SLIDE_REC:
            self.drawn.append([])
            self.bands.append([])
            self.drawn_at.append(body - 8)
            ends["slide"] = stop
        elif typ in (GROUP, TERTIARY_OPT, CHILD_ANCHOR, TEXTBOX):
            self.table_record(typ, inst, body, stop)
        elif typ in (NOTES_REC, HEADERS_FOOTERS, SHAPE):
            ends[{NOTES_REC: "notes", HEADERS_FOOTERS: "hf", SHAPE: "shape"}[typ]] = stop
        elif typ == NOTES_ATOM and ends["notes"] >= 0 and stop - body >= 4:
            ref = struct.unpack_from("<I", self.stream, body)[0]
            self.note = self.drawn_notes.setdefault(ref, [])
        elif (typ == CLIENT_ANCHOR and ends["slide"] >= 0 and stop - body == 8
              and body < ends["shape"]
              and struct.unpack_from("<h", self.stream, body)[0] < TOP_BAND_MASTER):
            ends["band"] = ends["shape"]
        elif typ in (TEXT_CHARS, TEXT_BYTES):
            self.text(_atom_text(self.stream, typ, body, stop))
        elif typ == CSTRING and ends["hf"] >= 0 and inst in (1, 2):
            text = _atom_text(self.stream, TEXT_CHARS, body, stop).strip()
            if text:
                self.headers.append(("header" if inst == 1 else "footer", text))

    def table_record(self, typ: int, inst: int, body: int, stop: int) -> None:
        """Read a record of a slide's groups: a group opens, is a table, a cell's place and its
        text box (the table's borders are shapes without one)."""
        shape = self.ends["shape"]
        table = self.groups[-1] if self.groups else None
        if typ == GROUP and self.ends["slide"] >= 0:
            self.groups.append(_Table(stop))
        elif table is None:
            return
        elif typ == TERTIARY_OPT and _is_table(self.stream, inst, body, stop):
            table.is_table = True
        elif typ == CHILD_ANCHOR and table.is_table and stop - body == 16 and body < shape:
            left, top = struct.unpack_from("<ii", self.stream, body)
            table.shape = shape
            table.places[shape] = (top, left)
        elif typ == TEXTBOX and table.is_table and table.shape == shape:
            table.cells[shape] = []

    def master_record(self, typ: int, body: int, stop: int) -> bool:
        """Read a record inside a main master: its shapes' places, placeholders and text (True
        when the record was the master's)."""
        data = self.stream
        if typ == SHAPE:
            self.ends["shape"] = stop
            self.shape, self.shape_place = None, ("", None, 0)
        elif typ == CLIENT_ANCHOR and body < self.ends["shape"] and stop - body in (8, 16):
            top, left = struct.unpack_from("<hh" if stop - body == 8 else "<ii", data, body)
            self.shape_place = (self.shape_place[0], top, left)
        elif typ == PLACEHOLDER and body < self.ends["shape"] and stop - body >= 5:
            kind = data[body + 4]
            region = PLACEHOLDER_REGIONS.get(kind, None if kind else "")
            self.shape_place = (region, *self.shape_place[1:])
        elif typ in (TEXT_CHARS, TEXT_BYTES):
            text = _atom_text(data, typ, body, stop)
            region, top, left = self.shape_place
            if region is None or text.strip() == "*":  # a prompt, or a field's placeholder
                return True
            if self.shape is None:
                self.shape = (region or None, top, left, [])
                self.masters[-1].append(self.shape)
            self.shape[3].extend(text.split("\r"))
        else:
            return False
        return True

    def master_shapes(self) -> list[list[tuple[str, list[str]]]]:
        """Each master's shapes as (region, paragraphs): a placeholder's region; a shape in the
        top band ``top`` (``top_right`` on the right half) when the first slide shows its
        master's shapes, else ``body``."""
        out = []
        for shapes in self.masters:
            found = []
            for placeholder, top, left, paras in shapes:
                region = placeholder or "body"
                if placeholder is None and self.first_shows_master and top is not None and (
                        top < TOP_BAND_MASTER):
                    region = "top_right" if left >= self.width // 2 else "top"
                found.append((region, paras))
            out.append(found)
        return out

    def persist_directory(self, body: int, stop: int) -> None:
        """Read a PersistDirectoryAtom: runs of persist ids from a first one, each with where
        its record starts (a later save's directory overrides an earlier one's)."""
        at = body
        while at + 4 <= stop:
            entry = struct.unpack_from("<I", self.stream, at)[0]
            first, count = entry & 0xFFFFF, entry >> 20
            at += 4
            for k in range(count):
                if at + 4 > stop:
                    return
                self.persist[first + k] = struct.unpack_from("<I", self.stream, at)[0]
                at += 4

    def slide_texts(self) -> list[list[Item]]:
        """Each slide's texts in the presentation's order: its drawing's, each placeholder's
        text taken from the slide list (any text of the list no placeholder refers to first);
        a slide with no record found keeps the list's texts. Without a slide list, the drawings
        in the stream's order."""
        listed = [s for s in self.slides if any(s)]
        if not listed:
            slides, bands = list(self.drawn), list(self.bands)
        else:
            where = {at: i for i, at in enumerate(self.drawn_at)}
            slides, bands = [], []
            for n, texts in enumerate(self.slides):
                ref = self.slide_refs[n] if n < len(self.slide_refs) else None
                i = where.get(self.persist.get(ref, -1)) if ref is not None else None
                if i is None and not self.persist and n < len(self.drawn):
                    i = n  # no persist directory: the records in the slides' order
                if i is None:
                    slides.append(texts)
                    bands.append([])
                    continue
                taken = {item.index for item in self.drawn[i] if isinstance(item, _Ref)}
                own = [t for k, t in enumerate(texts) if k not in taken]
                slides.append(own + [self._resolve(item, texts) for item in self.drawn[i]])
                bands.append([self._resolve(item, texts) for item in self.bands[i]])
        if slides and bands and bands[0]:  # the title slide's top band first
            band = bands[0]
            slides[0] = band + [t for t in slides[0] if t not in band]
        return slides

    @staticmethod
    def _resolve(item: Item, texts: list[Item]) -> Item:
        if isinstance(item, _Ref):
            return texts[item.index] if 0 <= item.index < len(texts) else ""
        return item

    def add_drawn(self, item: Item) -> None:
        """A text (or a placeholder's reference, a table's rows) of the open slide record."""
        self.drawn[-1].append(item)
        if self.ends["band"] >= 0:
            self.bands[-1].append(item)

    def close_group(self) -> None:
        table = self.groups.pop()
        if table.is_table and table.cells and self.drawn:
            self.drawn[-1].append(())  # a table starts
            self.drawn[-1].extend(table.rows())

    def text(self, text: str) -> None:
        if text.strip() == "*":  # a slide number's placeholder
            return
        table = self.groups[-1] if self.groups else None
        if (table is not None and table.is_table and self.current is None
                and table.shape == self.ends["shape"] and table.shape in table.cells):
            table.cells[table.shape].extend(p.strip() for p in text.split("\r"))
            return
        if self.current is not None:
            if self.header_open and self.current:
                self.current[-1] = text
            else:
                self.current.append(text)
            self.header_open = False
        elif self.ends["slide"] >= 0 and self.drawn:
            self.add_drawn(text)
        elif self.note is not None:
            self.note.append(text)


def _binary_slide(texts: list[Item], prefix: str, out: SlideBlocks) -> None:
    k = 0
    tables = 0
    row = 0
    for text in texts:
        if isinstance(text, _Ref):  # a placeholder whose text was not found
            continue
        if text == ():  # a table starts
            tables += 1
            row = 0
            continue
        if isinstance(text, tuple):  # a table row
            row += 1
            cells = [" ".join(c.replace("\x0b", " ").split()) for c in text]
            if any(cells):
                out.blocks.append(Block("\t".join(cells), f"{prefix}.table{tables}.r{row}",
                                        "table", len(out.blocks)))
            continue
        for para in text.split("\r"):
            k += 1
            out.add(para, f"{prefix}.p{k}", "body")
