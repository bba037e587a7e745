"""Helper for writing document specifications."""


def D(stem, ext, kind, title, head, unit, date, keys, verdicts, clean, why, to=None, intro=(), **kw):
    d = {
        "stem": stem,
        "ext": ext,
        "kind": kind,
        "title": title,
        "head": [x for x in head.split("|")] if head else [],
        "unit": unit,
        "date": date,
        "keys": keys,
        "verdicts": verdicts,
        "clean": clean,
        "why": why,
        "to": to,
        "intro": list(intro),
    }
    d.update(kw)
    return d
