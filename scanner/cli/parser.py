"""The argument parser of the ``dingmi`` command line: every command, its options and help text.

The ``--format`` choices come from the output registry (:mod:`scanner.report.outputs`); a test keeps
the README's command reference in step with this parser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import NoReturn

from scanner import __version__
from scanner.config import NAME as CONFIG_NAME
from scanner.config import Settings
from scanner.gate import parse as parse_fail_on
from scanner.limits import OCR_MODES, Limits
from scanner.outcome import EXIT_USAGE
from scanner.report.outputs import DEFAULT_FORMATS, FILE_OUTPUTS
from scanner.verdicts import parse_authority

DEFAULT_OUT = "dingmi-reports"


def fail_on_arg(value: str) -> str:
    """A ``--fail-on`` policy (:mod:`scanner.gate`), kept as written."""
    try:
        parse_fail_on(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc.args[0].zh} / {exc.args[0].en}") from None
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"dingmi: 参数错误 / usage error: {message}\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"日期应为 YYYY-MM-DD / date must be YYYY-MM-DD: {text!r}") from exc


FORMATS = ",".join(FILE_OUTPUTS)


def _formats(text: str) -> tuple[str, ...]:
    items = tuple(x.strip() for x in text.split(",") if x.strip())
    bad = [x for x in items if x not in FILE_OUTPUTS]
    if bad or not items:
        raise argparse.ArgumentTypeError(
            f"格式只能是 {'、'.join(FILE_OUTPUTS)} / formats are {FORMATS}: {text!r}")
    return items


def _format_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--format", type=_formats, default=DEFAULT_FORMATS, dest="formats",
                   metavar=FORMATS,
                   help=f"{what}: " + "; ".join(f"{o.name}: {o.what.en}"
                                                for o in FILE_OUTPUTS.values()))


def _authority(text: str) -> str:
    try:
        parse_authority(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            "定密权限应为 central、provincial、city、county 或 county:秘密 / authority is central, "
            f"provincial, city, county or county:LEVEL: {text!r}") from exc
    return text


def _config_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", dest="dingmi_config", default=argparse.SUPPRESS, metavar="FILE",
                   help=f"设置文件（默认从当前目录向上查找 {CONFIG_NAME}）/ settings file "
                        f"(default: the nearest {CONFIG_NAME} from the working folder up)")


def _rules_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--catalog", action="append", default=[], metavar="FILE",
                   help="保密事项目录（可重复；demo 为内置示例目录）/ catalogue YAML, repeatable "
                        "(demo: the bundled fictional one; default: catalogs in dingmi.yaml, "
                        "else none)")
    p.add_argument("--no-catalog", action="store_true",
                   help="不做目录匹配 / no catalogue matching")
    p.add_argument("--authority", type=_authority, default=None, metavar="LEVEL",
                   help="本单位定密权限 / unit authority: central|provincial|city|county[:LEVEL]")
    p.add_argument("--derived", action="store_true",
                   help="文件为派生定密，不检查权限 / derived classification: skip authority")


class _Against(argparse.Action):
    """``--against``: the folder, given on the command line (not by ``reference`` in
    ``dingmi.yaml``, whose place ``against_place`` names)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        setattr(namespace, self.dest, values)
        namespace.against_place = None


def _against_option(p: argparse.ArgumentParser) -> None:
    p.set_defaults(against_place=None)  # ``dingmi.yaml:LINE: reference`` when it comes from there
    p.add_argument("--against", type=Path, default=None, metavar="AUDIT_DIR", action=_Against,
                   help="对照审核输出目录的派生索引检查（只读；默认 dingmi.yaml 的 reference）/ "
                        "check against the derived index of an audit's output folder "
                        "(read-only; default: reference in dingmi.yaml): sources copied or "
                        "cited")


def _catalog_parser(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                    leaves: dict[str, argparse.ArgumentParser]) -> None:
    cat = sub.add_parser("catalog", help="保密事项目录工具 / catalogue tools")
    cat_sub = cat.add_subparsers(dest="catalog_command", required=True, parser_class=_Parser)
    for name, text in (("validate", "检查目录文件 / validate catalogue files"),
                       ("test", "运行事项例句 / run every item's examples"),
                       ("stats", "目录统计 / catalogue statistics")):
        p = cat_sub.add_parser(name, help=text)
        p.add_argument("files", nargs="+", type=Path, metavar="FILE")
        p.add_argument("--lang", choices=("zh", "en"), default="zh")
        if name == "stats":
            p.add_argument("--decisions", type=Path, default=None, metavar="FILE",
                           help="按审核决定统计每个事项和发现代码的准确率 / per item and per "
                                "finding code: confirmed, dismissed and the precision")
        leaves[f"catalog {name}"] = p
    imp = cat_sub.add_parser("import", help="从表格导入 / import a spreadsheet (.xlsx/.csv)")
    imp.add_argument("sheet", type=Path, metavar="SHEET")
    imp.add_argument("--out", type=Path, required=True, help="输出 YAML / output catalogue YAML")
    imp.add_argument("--id", default="unit", dest="catalog_id", help="目录编号 / catalogue id")
    imp.add_argument("--title", default="本单位国家秘密事项一览表", help="目录名称 / title")
    imp.add_argument("--sheet-name", default=None, help="工作表名 / worksheet name")
    for field in ("title", "level", "term", "scope", "id", "tier", "basis"):
        imp.add_argument(f"--col-{field}", default=None, metavar="HEADER",
                         help=f"{field} 列的表头 / header of the {field} column")
    imp.add_argument("--keep-good", action="store_true",
                     help="有误的行报告后跳过，只导入正确的行 / report the bad rows and import the "
                          "good ones")
    imp.add_argument("--lang", choices=("zh", "en"), default="zh")
    leaves["catalog import"] = imp


def _executor(text: str) -> str:
    if text == "local" or re.match(r"^(dask|tcp|tls)://[^\s/]+:\d+$", text):
        return text
    raise argparse.ArgumentTypeError(f"应为 local 或 dask://HOST:PORT / must be local or "
                                     f"dask://HOST:PORT: {text}")


def _path_map(text: str) -> tuple[str, str]:
    local, sep, remote = text.partition("=")
    if not sep or not local or not remote:
        raise argparse.ArgumentTypeError(f"应为 本地路径=远端路径 / must be LOCAL=REMOTE: {text}")
    return str(Path(local).absolute()), remote


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"应为非负整数 / must be a whole number >= 0: {text!r}")
    return value


def _one_or_more(text: str) -> int:
    value = _positive(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数 / must be a whole number >= 1: {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 86400:
        raise argparse.ArgumentTypeError(f"应为正的秒数 / must be seconds > 0: {text!r}")
    return value


def _worker_options(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--jobs", type=_positive, default=0, metavar="N",
                   help=f"并行进程数，0 为每核一个 / worker processes for {what} "
                        "(default 0: one a core)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="单个文件的时间限制 / time limit per file (default 60)")
    p.add_argument("--memory-mb", type=_positive, default=3072, metavar="MB",
                   help="单个文件的内存限制，0 为不限 / memory limit per file (default 3072)")


def _limit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--decisions", type=Path, default=None, metavar="FILE",
                   help="审核决定文件（dingmi review 导出）：已忽略的发现不计入判定 / "
                        "reviewers' decisions (exported by dingmi review): dismissed findings are "
                        "marked suppressed and no longer count")
    p.add_argument("--redact", action="store_true",
                   help="报告中的证据只给位置，不摘录原文 / evidence as locations only, no "
                        "excerpts of the document")
    d = Limits()
    for flag, field, text in (
            ("--max-file-mb", "max_file_mb", "不读取超过此大小的文件 / larger files are not read"),
            ("--max-pages", "max_pages", "PDF 页数上限 / most PDF pages read"),
            ("--max-unzipped-mb", "max_unzipped_mb",
             "DOCX 解压后总大小上限 / most a DOCX may inflate to"),
            ("--max-ratio", "max_ratio", "压缩比上限 / highest compression ratio of a part"),
            ("--max-xml-depth", "max_xml_depth",
             "XML 嵌套层数上限（8-256）/ deepest XML nesting (8-256)"),
            ("--max-package-mb", "max_package_mb",
             "ZIP 压缩包全部文件解压后总大小上限 / most all members of a ZIP package may "
             "inflate to together"),
            ("--max-megapixels", "max_megapixels",
             "OCR 时图像或页面解码、渲染的像素上限（百万）/ most megapixels an image or page is "
             "decoded or rendered to for OCR")):
        p.add_argument(flag, type=_positive, default=getattr(d, field), dest=field,
                       metavar="N", help=f"{text} (default {getattr(d, field)})")
    p.add_argument("--ocr", choices=OCR_MODES, default=d.ocr,
                   help="无文字层的页面与图像的 OCR（需安装 dingmi[ocr]）/ OCR of pages without a "
                        "text layer and of images (needs dingmi[ocr]): top = the top of page 1, "
                        "then the rest of it when no mark is there (default)")


def _audit_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    audit: argparse.ArgumentParser = sub.add_parser(
        "audit", help="档案定密审核（台账、统计、解密清单）/ audit archives")
    audit.add_argument("paths", nargs="+", type=Path, metavar="ARCHIVE")
    audit.add_argument("--out", type=Path, required=True,
                       help="输出目录（台账、汇总、报告、状态库）/ output folder")
    _worker_options(audit, "the audit")
    _limit_options(audit)
    audit.add_argument("--executor", type=_executor, default="local", metavar="WHERE",
                       help="在哪里处理文件：local（本机工作进程，默认）或 dask://HOST:PORT（Dask "
                            "集群）/ where files are processed: local (worker processes here, "
                            "the default) or dask://HOST:PORT (a Dask cluster; tls:// too)")
    audit.add_argument("--path-map", action="append", type=_path_map, default=[],
                       metavar="LOCAL=REMOTE", dest="path_map",
                       help="集群工作进程在别处挂载档案时的路径映射（可重复）/ where cluster "
                            "workers mount the archive (repeatable)")
    audit.add_argument("--batch", type=_positive, default=8, metavar="N",
                       help="每个集群任务的文件数 / files per cluster task (default 8)")
    audit.add_argument("--window-months", type=_positive, default=3, metavar="N",
                       help="到期提醒窗口（月）/ months ahead for the declassification list "
                            "(default 3)")
    _format_option(audit, "单文件报告格式 / per-file report formats")
    audit.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                       help="基准日期 / date for expiry checks (default: today)")
    audit.add_argument("--lang", choices=("zh", "en"), default="zh", help="输出语言 / language")
    audit.add_argument("--fail-on", type=fail_on_arg, default="never", metavar="POLICY",
                       help="达到此级别或为这些代码的发现时退出码为 1 / findings that make exit "
                            "code 1: error|warning|info|never|pre-issue or codes, "
                            "comma-separated (default never)")
    _rules_options(audit)
    return audit


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                   help="基准日期，用于判断是否到期 / date for expiry checks (default: today)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="输出语言 / language")
    p.add_argument("--fail-on", type=fail_on_arg, default="error", metavar="POLICY",
                   help="达到此级别或为这些代码的发现时退出码为 1 / findings that make exit "
                        "code 1: error|warning|info|never|pre-issue or codes, comma-separated")
    p.add_argument("--soon-days", type=int, default=92, metavar="N",
                   help="到期提醒窗口（天）/ EXPIRY_SOON window in days (default 92)")
    p.add_argument("-q", "--quiet", action="store_true", help="少输出 / less output")


def build_parser(settings: Settings | None = None) -> argparse.ArgumentParser:
    """The argument parser, its defaults taken from ``settings`` (a ``dingmi.yaml``) where they
    say (also used by the test that checks every command is documented)."""
    parser = _Parser(prog="dingmi", description="定密检查：国家秘密标志检查与定密审核 / "
                     "checks state-secret classification marks")
    parser.add_argument("--version", action="version", version=f"dingmi {__version__}")
    parser.add_argument("--config", dest="dingmi_config", default=None, metavar="FILE",
                        help=f"设置文件 / settings file (default: the nearest {CONFIG_NAME} "
                             "from the working folder up)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="发文前检查单个文件 / pre-issue check of files")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--out", type=Path, default=None,
                       help="同时写出报告到此目录 / also write reports here")
    _format_option(check, "与 --out 一起写出的报告格式 / reports written with --out")
    _common(check)
    _rules_options(check)
    _against_option(check)
    _limit_options(check)
    scan = sub.add_parser("scan", help="扫描文件和文件夹并写出报告 / scan files and folders")
    scan.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    scan.add_argument("--out", type=Path, default=Path(DEFAULT_OUT),
                      help=f"报告目录 / report folder (default ./{DEFAULT_OUT})")
    _format_option(scan, "报告格式 / report formats")
    _common(scan)
    _rules_options(scan)
    _against_option(scan)
    _worker_options(scan, "the scan")
    _limit_options(scan)
    leaves = {"check": check, "scan": scan, "audit": _audit_parser(sub)}
    _catalog_parser(sub, leaves)
    watch = sub.add_parser("watch", help="监视文件夹 / watch folders (watch_dirs.yaml)")
    watch.add_argument("--config", type=Path, default=Path("watch_dirs.yaml"),
                       help="监视配置 / the watched folders' configuration (default "
                            f"./watch_dirs.yaml; {CONFIG_NAME} goes before the command: "
                            "dingmi --config FILE watch)")
    watch.add_argument("--lang", choices=("zh", "en"), default="zh",
                       help="日志与报告的语言 / language of log lines and reports")
    watch.add_argument("--log-excerpts", action="store_true",
                       help="日志中写出找到的密级标志（默认日志不含文件内容）/ put the mark found "
                            "into log lines (by default logs hold no document text)")
    _against_option(watch)
    for name in ("review", "serve"):
        leaves[name] = _server_parser(sub, name)
    for leaf in leaves.values():
        _config_option(leaf)
    leaves["watch"] = watch
    if settings is not None:
        _apply(settings, leaves)
    return parser


def _server_parser(sub: argparse._SubParsersAction, name: str  # type: ignore[type-arg]
                   ) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser
    if name == "review":
        p = sub.add_parser("review", help="在浏览器中审核一次审核的发现 / review an audit's "
                           "findings in a local web app (also serves the check API)")
        p.add_argument("audit_dir", type=Path, metavar="AUDIT_DIR",
                       help="dingmi audit 的输出目录 / the output folder of a dingmi audit")
        p.add_argument("--reviewer", default=None, metavar="NAME",
                       help="审核人姓名，记入每个决定 / the reviewer's name, kept with each "
                            "decision (default: the login name)")
        p.add_argument("--export", type=Path, default=None, metavar="FILE",
                       help="把审核决定写入此文件后退出 / write the decisions to FILE and exit")
        p.add_argument("--import", dest="import_file", type=Path, default=None, metavar="FILE",
                       help="先导入此审核决定文件 / import this decisions file first")
    else:
        p = sub.add_parser("serve", help="发文前检查接口 / the pre-issue check API "
                           "(POST /api/v1/check)")
    p.add_argument("--host", default="127.0.0.1",
                   help="监听地址（默认仅本机）/ address to bind (default 127.0.0.1; any other "
                        "needs a token)")
    p.add_argument("--port", type=int, default=0,
                   help="端口（默认任一空闲端口）/ port (default: a free one)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="请求头 Host 还可以是这个名字（可重复；默认只接受监听地址及其名字）/ a "
                        "further name requests may carry in their Host header (repeatable; by "
                        "default only the bound address and its names)")
    p.add_argument("--token", default=None,
                   help="访问令牌（Authorization: Bearer）；非本机地址时不给则自动生成 / the "
                        "access token; generated when binding beyond loopback without one")
    p.add_argument("--max-body-mb", type=_positive, default=50, metavar="MB",
                   help="上传大小上限 / largest upload (default 50 MB)")
    p.add_argument("--queue", type=int, default=8, metavar="N",
                   help="等待检查的请求上限 / requests that may wait for a worker (default 8)")
    p.add_argument("--max-connections", type=_one_or_more, default=64, metavar="N",
                   help="同时打开的连接上限，超出的连接得到 503 / connections open at once; "
                        "more get 503 at once (default 64)")
    p.add_argument("--idle-timeout", type=_seconds, default=30.0, metavar="S",
                   help="连接在此秒数内无收发即关闭 / a connection that sends or reads nothing for "
                        "S seconds is closed (default 30)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言 / language")
    p.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                   help="判断日期（默认今天；请求可用 as_of 参数）/ the date to judge by (default "
                        "today; a request may give as_of)")
    p.add_argument("--soon-days", type=int, default=92, metavar="N", help=argparse.SUPPRESS)
    _rules_options(p)
    _against_option(p)
    _worker_options(p, "the server's checks")
    _limit_options(p)
    return p


AUDIT_OWN = {"fail_on"}  # an audit's threshold stays ``never`` unless its command line says


def _apply(settings: Settings, leaves: dict[str, argparse.ArgumentParser]) -> None:
    """Make the settings file's values the defaults of the commands that have those options."""
    for name, leaf in leaves.items():
        dests = {a.dest for a in leaf._actions} | {"config_catalogs"}
        values = {k: v for k, v in settings.values.items() if k in dests
                  and not (name == "audit" and k in AUDIT_OWN)}
        if "against" in values:
            values["against_place"] = settings.places.get("against")
        leaf.set_defaults(**values)
