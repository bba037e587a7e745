"""The local web server: the review app on an audit (``dingmi review``) and the pre-issue check
API (``dingmi serve``; ``review`` offers it too).

Security: it binds to 127.0.0.1 by default; any other address needs a token (``--token``, or one
generated and printed), checked on every request as ``Authorization: Bearer T`` (a browser gets
it once through ``/login?token=T``, which sets an HttpOnly cookie). Requests that change state
need the page's CSRF token in a header, and any POST whose ``Origin`` is another site is refused,
so a cross-site form cannot reach it. Files are addressed by their number in the list, never by a
path; only the package's own assets are served; no source document is ever served. Errors are
short pages or JSON, never a traceback. Templates are auto-escaped; every asset ships in the
package (no CDN: it works air-gapped).
"""

from __future__ import annotations

import datetime as dt
import hmac
import io
import ipaddress
import secrets
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from markers.lines import parse_mark_line
from rules import Catalog
from scanner import ENGINE, __version__, names
from scanner.decisions import (
    CONCLUSIONS,
    FILE,
    REASONS,
    WITH_MARK,
    Decision,
    Decisions,
    dump,
    now,
    validate,
)
from scanner.gate import DEFAULT_PRE_ISSUE
from scanner.gate import parse as parse_fail_on
from scanner.review.checker import Busy, Checker
from scanner.review.links import register as register_links
from scanner.review.store import (
    AuditStore,
    FileEntry,
    conclusion,
    copies,
    finding_views,
    review_state,
    stale,
)
from scanner.review.text import LABELS

HERE = Path(__file__).resolve().parent
ASSETS = {"review.js": "text/javascript", "review.css": "text/css"}
COOKIE = "dingmi_token"


@dataclass
class ServerSettings:
    """What the server does and how it is guarded."""

    reviewer: str = ""
    token: str | None = None
    max_body_mb: int = 50
    audit: AuditStore | None = None
    checker: Checker | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    catalogs: tuple[dict[str, Any], ...] = ()  # what catalogue_view shows, never a path
    page_size: int = 200  # files on one list page
    host: str = "127.0.0.1"  # the address the server is bound to
    allowed_hosts: tuple[str, ...] = ()  # further names it may be reached by (--allow-host)
    lang: str = "zh"  # the pages' language (--lang): one language, never both


def catalog_view(catalog: Catalog) -> dict[str, Any]:
    """What the server says about a catalogue it uses: its id, version, content hash and whether
    it is fictional; never where it lies on the server."""
    return {"id": catalog.id, "version": catalog.version, "sha256": catalog.sha256,
            "fictional": catalog.fictional}


LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def _host_name(header: str) -> str:
    """The name or address of a ``Host`` header, without its port, brackets or final dot."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def _is_loopback(name: str) -> bool:
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_names(settings: ServerSettings) -> frozenset[str]:
    """The names a request's ``Host`` may carry: the bound address, the loopback names when it
    is loopback or every address, the machine's own name when it is not loopback, and the names
    given with ``--allow-host``."""
    bound = _host_name(settings.host)
    names = {bound, *(_host_name(h) for h in settings.allowed_hosts)}
    if bound in WILDCARDS or _is_loopback(bound):
        names |= LOOPBACK_NAMES
    if not _is_loopback(bound):  # reachable from elsewhere: by the machine's name too
        names.add(socket.gethostname().lower())
    return frozenset(n for n in names if n not in WILDCARDS)  # 0.0.0.0 names no one


def host_allowed(header: str, names: frozenset[str], local: str | None) -> bool:
    """Whether a request whose ``Host`` is ``header`` was meant for this server: one of its
    names, or the very address the connection reached (``local``). A page that rebinds its own
    name to this address still sends its own name, which is refused (DNS rebinding)."""
    name = _host_name(header)
    if not name:
        return False
    if name in names:
        return True
    if local is None:
        return False
    try:
        return _plain(ipaddress.ip_address(name)) == _plain(
            ipaddress.ip_address(local.split("%", 1)[0]))
    except ValueError:
        return False


def _plain(address: ipaddress.IPv4Address | ipaddress.IPv6Address
           ) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An IPv4 address mapped into IPv6 (a dual-stack socket's view) as the IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _highlight(text: str) -> Markup:
    """An evidence excerpt with its matched term (``【term】``) marked; everything escaped."""
    out = escape(text or "")
    return Markup(str(out).replace("【", "<mark>").replace("】", "</mark>"))


def raw_utf8(text: str) -> str:
    """A name sent as raw UTF-8 bytes (curl puts ``?name=发文稿.docx`` in the request line
    unescaped; a header is bytes too) arrives read as Latin-1: read it again as UTF-8."""
    try:
        return text.encode("latin-1").decode("utf-8") if not text.isascii() else text
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def fail(code: int, zh: str, en: str) -> Response:
    """An error as JSON (API) or a short page, never a traceback."""
    if request.path.startswith("/api/") or request.path.endswith(".yaml"):
        response = jsonify({"error": en, "error_zh": zh, "status": code})
    else:
        lang = current_app.config.get("DINGMI_LANG", "zh")
        response = Response(render_template("error.html", code=code,
                                            message=zh if lang == "zh" else en),
                            mimetype="text/html")
    response.status_code = code
    return response


class MeasuredInput(io.RawIOBase):
    """A chunked body (no length known), read whole on the first read, up to one byte past
    ``limit``: beyond it, 413, as for a body whose Content-Length says so (werkzeug's own limit
    on such a stream stops reading at the limit, which cuts the body instead)."""

    def __init__(self, stream: Any, limit: int) -> None:
        super().__init__()
        self.stream, self.limit = stream, limit
        self.body: io.BytesIO | None = None

    def readable(self) -> bool:
        return True

    def _body(self) -> io.BytesIO:
        if self.body is None:
            parts, size = [], 0
            while size <= self.limit:
                piece = self.stream.read(min(1 << 20, self.limit + 1 - size))
                if not piece:
                    break
                parts.append(piece)
                size += len(piece)
            if size > self.limit:
                raise RequestEntityTooLarge
            self.body = io.BytesIO(b"".join(parts))
        return self.body

    def readinto(self, buffer: Any) -> int:
        return self._body().readinto(buffer)


def measured_body(wsgi_app: Callable[[dict[str, Any], Any], Iterable[bytes]], limit: int
                  ) -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
    """``wsgi_app`` with a chunked body measured against ``limit`` when it is read (after the
    request's guards), not cut at it."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("wsgi.input_terminated"):  # chunked: any Content-Length is no length
            environ["wsgi.input"] = MeasuredInput(environ["wsgi.input"], limit)
        return wsgi_app(environ, start_response)

    return app


def create_app(settings: ServerSettings) -> Flask:
    """The Flask application for ``settings``."""
    if settings.token is not None and not settings.token.strip():
        raise ValueError("an empty token would let every request in")
    app = Flask("dingmi", template_folder=str(HERE / "templates"), static_folder=None)
    limit = settings.max_body_mb * 1024 * 1024
    app.config.update(MAX_CONTENT_LENGTH=limit,
                      PROPAGATE_EXCEPTIONS=False, TRAP_HTTP_EXCEPTIONS=False,
                      JSON_AS_ASCII=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.wsgi_app = measured_body(app.wsgi_app, limit)  # type: ignore[method-assign,assignment]
    app.jinja_env.filters["highlight"] = _highlight
    _words(app, settings.lang)
    app.jinja_env.autoescape = True
    _guards(app, settings)
    _api(app, settings)
    _review(app, settings)
    _decisions(app, settings)
    return app


def _words(app: Flask, lang: str) -> None:
    """The pages' words in ``lang``: ``t(key, ...)`` for a label, filters for the names of
    values, codes and locations (:mod:`scanner.names`)."""
    app.config["DINGMI_LANG"] = lang

    def label(name: str, /, **values: Any) -> str:
        text = LABELS[name].text(lang)
        return text.format(**values) if values else text

    app.jinja_env.globals.update(t=label, lang=lang, paren=PAREN[lang == "zh"],
                                 colon="：" if lang == "zh" else ": ")
    app.jinja_env.filters["named"] = lambda value, kind: names.value_name(kind, value or "", lang)
    app.jinja_env.filters["code_name"] = lambda code: names.code_name(code, lang)
    app.jinja_env.filters["level_name"] = lambda level: names.level_name(level or "", lang)
    app.jinja_env.filters["place"] = lambda location: names.place(location, lang)
    app.jinja_env.filters["mark"] = names.mark_text


PAREN = {True: ("（", "）"), False: (" (", ")")}  # by whether the page is in Chinese


def _page_words(lang: str) -> dict[str, Any]:
    """What the page's script says, in ``lang``: its messages and the names of decisions,
    reasons and conclusions."""
    return {
        **{k: LABELS[k].text(lang) for k in ("saved", "not_saved", "saved_copies", "cancelled",
                                             "reason_prompt", "pick_first")},
        "paren": PAREN[lang == "zh"], "colon": "：" if lang == "zh" else ": ",
        "names": {v: names.value_name(kind, v, lang) for kind in ("decision", "reason",
                                                                  "conclusion")
                  for v in names.TABLES[kind]},
    }


FILTERS = ("level", "verdict", "code", "folder", "state")


def _filters() -> dict[str, str]:
    """The list's filters as the request gives them (the list page's form, carried on to each
    file page so that 下一个 stays within them)."""
    return {k: request.args.get(k, "") for k in FILTERS}


def _query(f: dict[str, str], **more: Any) -> str:
    """``?level=…&…`` for the filters that are set (and ``more``); "" when none is."""
    given = {**{k: v for k, v in f.items() if v}, **more}
    return "?" + urlencode(given) if given else ""


def _matching(files: list[FileEntry], decisions: Decisions, f: dict[str, str]
              ) -> list[tuple[FileEntry, str]]:
    """The files the filters ``f`` keep, each with its review state."""
    rows = []
    for entry in files:
        state = review_state(entry, decisions)
        if ((f["level"] and entry.level != f["level"])
                or (f["verdict"] and entry.verdict != f["verdict"])
                or (f["code"] and f["code"] not in entry.codes)
                or (f["folder"] and entry.folder != f["folder"])
                or (f["state"] and state != f["state"])):
            continue
        rows.append((entry, state))
    return rows


def _guards(app: Flask, settings: ServerSettings) -> None:
    """Errors, the token, cross-site requests, response headers, login and assets."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        messages = {404: ("没有这个页面", "not found"),
                    405: ("不允许的请求方法", "method not allowed"),
                    413: (f"上传内容超过上限 {settings.max_body_mb} MB",
                          f"the body is larger than {settings.max_body_mb} MB"),
                    400: ("请求无效", "bad request")}
        zh, en = messages.get(exc.code or 500, ("请求失败", exc.name))
        return fail(exc.code or 500, zh, en)

    @app.errorhandler(Exception)
    def internal(exc: Exception) -> Response:
        app.logger.error("request failed: %s", type(exc).__name__)
        return fail(500, "服务器内部错误", "internal error")

    names = host_names(settings)

    def local_address() -> str | None:
        sock = request.environ.get("dingmi.socket") or request.environ.get("werkzeug.socket")
        try:
            return str(sock.getsockname()[0]) if sock is not None else None
        except (OSError, IndexError, TypeError):
            return None

    @app.before_request
    def guard() -> Response | None:
        local = local_address()
        if not host_allowed(request.headers.get("Host", ""), names, local):
            return fail(421, "请求的主机名不是本服务器（Host 不符）",
                        "misdirected request: the Host header does not name this server")
        origin = request.headers.get("Origin")
        if origin and origin != "null":
            parts = urlsplit(origin)
            if (not host_allowed(parts.netloc, names, local)
                    or parts.netloc.lower() != request.host.lower()):
                return fail(403, "拒绝跨站请求", "cross-site request refused")
        elif origin == "null" and request.method == "POST":
            return fail(403, "拒绝跨站请求", "cross-site request refused")
        if settings.token is None or request.path == "/login":
            return None
        given = request.headers.get("Authorization", "")
        token = given[7:] if given.startswith("Bearer ") else request.cookies.get(COOKIE, "")
        if not hmac.compare_digest(token.encode(), settings.token.encode()):
            return fail(401, "需要令牌（Authorization: Bearer …）",
                        "a token is required (Authorization: Bearer …)")
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; form-action 'self'")
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/login")
    def login() -> Response:
        token = request.args.get("token", "")
        if settings.token is None or not hmac.compare_digest(token.encode(),
                                                             settings.token.encode()):
            return fail(401, "令牌不正确", "wrong token")
        response = make_response(redirect("/"))
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        return response

    @app.get("/assets/<name>")
    def asset(name: str) -> Response:
        if name not in ASSETS:
            abort(404)
        return Response((HERE / "static" / name).read_bytes(), mimetype=ASSETS[name])



def _api(app: Flask, settings: ServerSettings) -> None:
    """``/api/v1/health`` and ``/api/v1/check``."""

    @app.get("/api/v1/health")
    def health() -> Response:
        return jsonify({"status": "ok", "engine": ENGINE, "version": __version__,
                        "catalogs": list(settings.catalogs),
                        "check": settings.checker is not None,
                        "review": settings.audit is not None})

    @app.post("/api/v1/check")
    def check() -> Response:
        if settings.checker is None:
            abort(404)
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("file")
            data, name = (upload.read(), upload.filename or "") if upload else (b"", "")
        else:  # the raw body, whatever its Content-Type (curl --data-binary sends a form's)
            data = request.get_data(cache=False, parse_form_data=False)
            name = raw_utf8(request.args.get("name") or request.headers.get("X-Filename") or "")
        if not data:
            return fail(400, "没有收到文件（multipart 字段 file 或请求体）",
                        "no document received (multipart field 'file' or the body)")
        try:
            as_of = (dt.date.fromisoformat(request.args["as_of"]) if "as_of" in request.args
                     else None)
        except ValueError:
            return fail(400, "as_of 应为 YYYY-MM-DD", "as_of must be YYYY-MM-DD")
        fail_on = request.args.get("fail_on") or (
            request.form.get("fail_on") if request.mimetype == "multipart/form-data" else None)
        try:
            policy = parse_fail_on(fail_on) if fail_on else DEFAULT_PRE_ISSUE
        except ValueError as exc:
            return fail(400, exc.args[0].zh, exc.args[0].en)
        try:
            return jsonify(settings.checker.check(data, name, as_of=as_of, fail_on=policy))
        except Busy:
            response = fail(503, "检查队列已满，请稍后重试", "busy: try again shortly")
            response.headers["Retry-After"] = "2"
            return response



def _store(settings: ServerSettings) -> AuditStore:
    if settings.audit is None:
        abort(404)
    return settings.audit


def _review(app: Flask, settings: ServerSettings) -> None:
    """The review app's pages: the file list and a file's page."""

    def store() -> AuditStore:
        return _store(settings)

    register_links(app, store, lambda: _query(_filters()))

    @app.get("/")
    def index() -> str | Response:
        if settings.audit is None:
            return render_template("serve.html", catalogs=settings.catalogs)
        audit = store()
        decisions = audit.decisions()
        files = audit.files
        f = _filters()
        rows = _matching(files, decisions, f)
        size = settings.page_size
        pages = max((len(rows) + size - 1) // size, 1)
        page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
        shown = rows[(page - 1) * size:page * size]

        def page_url(n: int) -> str:
            return _query(f, page=n)

        states = [review_state(e, decisions) for e in files]
        options = {
            "level": sorted({e.level for e in files if e.level}),
            "verdict": sorted({e.verdict for e in files}),
            "code": sorted({c for e in files for c in e.codes}),
            "folder": sorted({e.folder for e in files}),
            "state": ["open", "reviewed", "nothing"],
        }
        return render_template("list.html", rows=shown, filters=f, options=options,
                               query=_query(f), matched=len(rows), total=len(files),
                               reviewed=states.count("reviewed"),
                               waiting=len(states) - states.count("nothing"),
                               nothing=states.count("nothing"), decided=len(decisions),
                               page=page, pages=pages,
                               previous_url=page_url(page - 1) if page > 1 else None,
                               next_url=page_url(page + 1) if page < pages else None,
                               reviewer=settings.reviewer, csrf=settings.csrf)

    @app.get("/file/<int:n>")
    def file_page(n: int) -> str:
        audit = store()
        files = audit.files
        if not 0 <= n < len(files):
            abort(404)
        entry = files[n]
        report = audit.report(entry)
        decisions = audit.decisions()
        f = _filters()
        within = [e.n for e, _ in _matching(files, decisions, f)]
        if n not in within:  # a file outside the filter (reviewed since): its neighbours in it
            within = sorted([*within, n])
        at = within.index(n)
        query = _query(f)
        same = copies(entry, files)
        findings = finding_views(report, decisions, entry.relative)
        return render_template(
            "file.html", entry=entry, report=report, n=n, query=query,
            previous=f"/file/{within[at - 1]}{query}" if at > 0 else None,
            next=f"/file/{within[at + 1]}{query}" if at + 1 < len(within) else None,
            position=at + 1, count=len(within), copies=same,
            unmarked=any(v["code"] == "UNMARKED_MATCH" for v in findings),
            findings=findings,
            stale=stale(decisions, entry.relative, entry.sha256),
            conclusion=conclusion(decisions, entry.relative, entry.sha256),
            reasons=REASONS, conclusions=CONCLUSIONS, with_mark=WITH_MARK,
            words=_page_words(settings.lang), reviewer=settings.reviewer,
            csrf=settings.csrf)



class Refused(ValueError):
    """A decision the app does not save, with its reason in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _new_mark(chosen: str, given: str, current: str) -> str:
    """The mark a conclusion gives: 延长保密期限 may name the term alone (``20年``), which is
    put after the current level."""
    mark = given.strip()
    if chosen == "延长保密期限" and mark and current:
        level = parse_mark_line(current)
        if level is not None and level.level is not None and not mark.startswith(
                ("绝密", "机密", "秘密")):
            mark = f"{level.level}★{mark}"
    return mark


def _longer(new: str, current: str) -> bool | None:
    """Whether the term of ``new`` is longer than that of ``current`` (None: not comparable)."""
    a, b = parse_mark_line(new), parse_mark_line(current)
    if a is None or b is None:
        return None
    months_a, months_b = a.term.total_months(), b.term.total_months()
    if months_a is None or months_b is None:
        return None
    return months_a > months_b


def _decision(audit: AuditStore, entry: FileEntry, body: dict[str, Any], by: str,
              decisions: Decisions) -> list[Decision]:
    """The decisions ``body`` makes on ``entry`` (the last is the one asked for; 定密 confirms
    the open UNMARKED_MATCH findings first); Refused when it is not one the app saves."""
    report = audit.report(entry)
    views = finding_views(report, decisions, entry.relative)
    out: list[Decision] = []
    if body.get("decision") == "conclusion":
        chosen = str(body.get("conclusion") or "")
        current = (report.get("marking") or {}).get("raw") or ""
        mark = _new_mark(chosen, str(body.get("mark") or ""), current) \
            if chosen in WITH_MARK else ""
        if chosen == "定密":
            unmarked = [v for v in views if v["code"] == "UNMARKED_MATCH"]
            if not unmarked or all(v["decision"] is not None
                                   and v["decision"].decision == "dismissed" for v in unmarked):
                raise Refused("定密只用于有“可能应定未定”（UNMARKED_MATCH）发现且未被忽略的文件",
                              "定密 is for a file with an UNMARKED_MATCH finding not dismissed")
            out.extend(Decision(entry.relative, entry.sha256, v["code"], "confirmed", by, now(),
                                item=v["item"], location=v.get("location") or "",
                                terms=tuple(v["terms"]))
                       for v in unmarked if v["decision"] is None)
        if chosen == "延长保密期限":
            if not current:
                raise Refused("延长保密期限只用于已有国家秘密标志的文件",
                              "延长保密期限 is for a file that carries a mark")
            new, old = parse_mark_line(mark), parse_mark_line(current)
            if new is not None and old is not None and new.level != old.level:
                raise Refused(f"延长保密期限不改变密级（现为{old.level}）",
                              f"延长保密期限 keeps the level ({old.level})")
            if _longer(mark, current) is False:
                raise Refused(f"延长保密期限：新期限应长于现有标志“{current}”",
                              f"延长保密期限: the new term must be longer than '{current}'")
        d = Decision(entry.relative, entry.sha256, FILE, "conclusion", by, now(),
                     note=str(body.get("note") or ""), conclusion=chosen, mark=mark)
    else:
        view = {v["fingerprint"]: v for v in views}.get(str(body.get("fingerprint")))
        if view is None:
            abort(404)
        d = Decision(entry.relative, entry.sha256, view["code"], str(body.get("decision")),
                     by, now(), item=view["item"], location=view.get("location") or "",
                     reason=str(body.get("reason") or ""), note=str(body.get("note") or ""),
                     terms=tuple(view["terms"]))
    try:
        validate(d)
    except ValueError as exc:
        given = f"（现为“{d.mark[:40]}”）" if d.mark else ""
        zh = (f"{d.conclusion}须填写规范的新标志，如 机密★10年{given}"
              if d.conclusion in WITH_MARK else str(exc))
        raise Refused(zh, str(exc)) from exc
    return [*out, d]


def _decisions(app: Flask, settings: ServerSettings) -> None:
    """Saving a decision; exporting the decisions and the review sheet."""

    def store() -> AuditStore:
        return _store(settings)

    @app.post("/api/v1/decisions")
    def decide() -> Response:
        audit = store()
        given = request.headers.get("X-CSRF-Token", "")
        if not hmac.compare_digest(given.encode(), settings.csrf.encode()):
            return fail(403, "缺少或错误的 CSRF 令牌", "missing or wrong CSRF token")
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return fail(400, "请求体应为 JSON", "the body must be JSON")
        n = body.get("file")
        files = audit.files
        if type(n) is not int or not 0 <= n < len(files):  # true is not file 1
            abort(404)
        entry = files[n]
        decisions = audit.decisions()
        try:
            made = _decision(audit, entry, body, settings.reviewer, decisions)
        except Refused as exc:
            return fail(400, f"决定无效：{exc.zh}", f"invalid decision: {exc.en}")
        # the same decision on identical copies, when asked (offered, never forced)
        also: list[Decision] = []
        if body.get("copies") is True:
            for other in copies(entry, files):
                try:
                    also.extend(_decision(audit, other, body, settings.reviewer, decisions))
                except (Refused, HTTPException):
                    continue  # a copy whose report differs (another run): left to decide
        for d in [*made, *also]:
            audit.save(d)
        return jsonify({"saved": made[-1].to_yaml(), "copies": len(also)})

    @app.get("/api/v1/decisions/count")
    def decision_count() -> Response:
        return jsonify({"count": len(store().decisions())})

    @app.get("/decisions.yaml")
    def export() -> Response:
        text = dump(store().decisions())
        return Response(text, mimetype="application/x-yaml", headers={
            "Content-Disposition": "attachment; filename=decisions.yaml"})

    @app.get("/review.xlsx")
    def review_sheet() -> Response:
        path = store().folder / "review.xlsx"
        if not path.is_file():
            abort(404)
        return Response(path.read_bytes(), mimetype="application/vnd.openxmlformats-"
                        "officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": "attachment; filename=review.xlsx"})
