"""``dingmi catalog validate|test|stats|import``: work on catalogues themselves."""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import TextIO

from rules import Catalog, CatalogError, Matcher
from rules.importer import ImportErrors, import_sheet
from scanner import catalogs
from scanner.decisions import Decisions
from scanner.decisions import load as load_decisions
from scanner.errors import ConfigError
from scanner.outcome import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE


def _load_each(files: list[Path], lang: str, out: TextIO) -> tuple[list[Catalog], bool]:
    loaded: list[Catalog] = []
    ok = True
    for path in files:
        try:
            loaded.extend(catalogs.load([str(path)]))
        except ConfigError as exc:
            ok = False
            print(f"✗ {exc.message(lang)}", file=out)
    return loaded, ok


def validate(files: list[Path], lang: str, out: TextIO | None = None) -> int:
    """Check the files (and that together they have no duplicate ids)."""
    out = out or sys.stdout
    loaded, ok = _load_each(files, lang, out)
    for cat in loaded:
        print(f"✓ {cat.path}: {len(cat.items)} " + ("个事项" if lang == "zh" else "items"),
              file=out)
    if ok and len(loaded) > 1:
        try:
            catalogs.load([c.path for c in loaded])
        except ConfigError as exc:
            print(f"✗ {exc.message(lang)}", file=out)
            ok = False
    return EXIT_CLEAN if ok else EXIT_USAGE


def test(files: list[Path], lang: str, out: TextIO | None = None) -> int:
    """Run every item's examples: ``match`` sentences must match it, ``no_match`` must not."""
    out = out or sys.stdout
    loaded, ok = _load_each(files, lang, out)
    if not ok:
        return EXIT_USAGE
    matcher = Matcher(loaded, catalogs.cache_dir())
    failed = total = 0
    for item in matcher.items:
        cases = [(s, True) for s in item.examples_match]
        cases += [(s, False) for s in item.examples_no_match]
        for sentence, expected in cases:
            total += 1
            ids = {h.item.id for h in matcher.match_text(sentence) if h.live}
            if (item.id in ids) != expected:
                failed += 1
                want = ("应匹配" if expected else "不应匹配") if lang == "zh" else (
                    "should match" if expected else "should not match")
                print(f"✗ {item.id} {want}: {sentence}", file=out)
    print(f"{total - failed}/{total} " + ("个例句通过" if lang == "zh" else "examples pass"),
          file=out)
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def stats(files: list[Path], lang: str, out: TextIO | None = None) -> int:
    """Counts by level, term kind and tier; items without examples."""
    out = out or sys.stdout
    loaded, ok = _load_each(files, lang, out)
    for cat in loaded:
        levels = Counter(i.level for i in cat.items)
        kinds = Counter("长期" if i.long_term else "解密时间" if i.until else
                        "解密条件" if i.condition else "期限" for i in cat.items)
        tiers = Counter(i.tier or "—" for i in cat.items)
        terms = {t for i in cat.items for t in (*i.match.all, *i.match.any, *i.match.none)}
        bare = [i.id for i in cat.items if not i.examples_match]
        print(f"{cat.id} {cat.title} ({cat.path})" + ("  [虚构/fictional]" if cat.fictional
                                                       else ""), file=out)
        print(f"  items {len(cat.items)}; terms {len(terms)}; sha256 {cat.sha256[:16]}", file=out)
        print("  level  " + ", ".join(f"{k} {v}" for k, v in levels.most_common()), file=out)
        print("  term   " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()), file=out)
        print("  tier   " + ", ".join(f"{k} {v}" for k, v in tiers.most_common()), file=out)
        print(f"  without examples: {len(bare)}" + (f" ({', '.join(bare[:10])})" if bare else ""),
              file=out)
    return EXIT_CLEAN if ok else EXIT_USAGE


def decision_stats(decisions: Decisions, lang: str, out: TextIO | None = None,
                   top: int = 5) -> None:
    """Per catalogue item and per finding code: confirmed, dismissed and the precision
    (confirmed / decided); and the terms most often shown by dismissed hits (tuning
    candidates)."""
    out = out or sys.stdout
    by_item: dict[str, Counter[str]] = defaultdict(Counter)
    by_code: dict[str, Counter[str]] = defaultdict(Counter)
    dismissed_terms: dict[str, Counter[str]] = defaultdict(Counter)
    for d in decisions:
        if d.decision not in ("confirmed", "dismissed"):
            continue
        by_code[d.code][d.decision] += 1
        for item in filter(None, d.item.split(",")):
            by_item[item][d.decision] += 1
            if d.decision == "dismissed":
                dismissed_terms[item].update(d.terms)

    def line(name: str, c: Counter[str]) -> str:
        decided = c["confirmed"] + c["dismissed"]
        precision = f"{c['confirmed'] / decided:.2f}" if decided else "-"
        return (f"  {name:24} confirmed {c['confirmed']:4d}  dismissed {c['dismissed']:4d}  "
                f"precision {precision}")

    print("审核决定（按事项）" if lang == "zh" else "decisions by item", file=out)
    for item in sorted(by_item):
        terms = "、".join(t for t, _ in dismissed_terms[item].most_common(top))
        print(line(item, by_item[item]) + (f"  dismissed terms: {terms}" if terms else ""),
              file=out)
    print("审核决定（按发现代码）" if lang == "zh" else "decisions by finding code", file=out)
    for code in sorted(by_code):
        print(line(code, by_code[code]), file=out)


def import_(sheet: Path, out_path: Path, *, catalog_id: str, title: str, sheet_name: str | None,
            override: dict[str, str], lang: str, out: TextIO | None = None,
            keep_good: bool = False) -> int:
    """Spreadsheet → catalogue YAML. Every bad row is reported with its row number; nothing is
    written unless ``keep_good`` (then the good rows are, and the exit code is 1)."""
    out = out or sys.stdout
    try:
        n = import_sheet(sheet, out_path, catalog_id=catalog_id, title=title, sheet=sheet_name,
                         override=override, cache_dir=catalogs.cache_dir(), keep_good=keep_good)
    except ImportErrors as exc:
        for line in exc.text(lang).splitlines():
            print(f"✗ {line}", file=out)
        bad = len(exc.errors)
        if keep_good:
            print((f"已导入 {exc.kept} 个事项到 {out_path}，{bad} 行有误未导入（见上）"
                   if lang == "zh" else f"imported {exc.kept} items into {out_path}; {bad} "
                   "rows with errors were left out (above)"), file=out)
            return EXIT_FINDINGS
        print((f"{bad} 行有误，未写入任何文件；改正后重试，或用 --keep-good 只导入正确的行"
               if lang == "zh" else f"{bad} rows have errors, nothing was written; correct "
               "them, or use --keep-good to import the good rows only"), file=out)
        return EXIT_USAGE
    except CatalogError as exc:
        print(f"✗ {exc.text(lang)}", file=out)
        return EXIT_USAGE
    except OSError as exc:
        print(f"✗ {sheet}: {exc.strerror}", file=out)
        return EXIT_USAGE
    print((f"已导入 {n} 个事项到 {out_path}；请核改 match 中的建议词后运行 dingmi catalog test"
           if lang == "zh" else f"imported {n} items into {out_path}; edit the proposed match "
           "terms, then run dingmi catalog test"), file=out)
    return EXIT_CLEAN


def command(args: argparse.Namespace) -> int:
    """``dingmi catalog validate|test|stats|import``."""
    name = args.catalog_command
    if name == "validate":
        return validate(args.files, args.lang)
    if name == "test":
        return test(args.files, args.lang)
    if name == "stats":
        code = stats(args.files, args.lang)
        if args.decisions is not None:
            decision_stats(load_decisions(args.decisions), args.lang)
        return code
    fields = ("title", "level", "term", "scope", "id", "tier", "basis")
    override = {f: getattr(args, f"col_{f}") for f in fields if getattr(args, f"col_{f}")}
    return import_(args.sheet, args.out, catalog_id=args.catalog_id, title=args.title,
                   sheet_name=args.sheet_name, override=override, lang=args.lang,
                   keep_good=args.keep_good)
