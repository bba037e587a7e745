"""Everything with side effects: extraction, the per-file pipeline, reports, the CLI.

``scanner`` is the only package that imports ``markers`` and ``rules``; the data flows one way
(file → :func:`scanner.extract.extract` → blocks → marks and findings → :class:`FileReport`).
"""

__version__ = "0.1.0"
ENGINE = f"dingmi/{__version__}"


def progress_seconds() -> float:
    """Seconds between progress lines of long runs: 2, or ``$DINGMI_PROGRESS_SECONDS`` (a
    positive number; tests use a short one so a quick run still shows its progress)."""
    import os  # noqa: PLC0415 - the package's only import, for this knob alone

    try:
        value = float(os.environ.get("DINGMI_PROGRESS_SECONDS", "2"))
    except ValueError:
        return 2.0
    return value if value > 0 else 2.0
