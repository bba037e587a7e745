"""Everything with side effects: extraction, the per-file pipeline, reports, the CLI.

``scanner`` is the only package that imports ``markers`` and ``rules``; the data flows one way
(file → :func:`scanner.extract.extract` → blocks → marks and findings → :class:`FileReport`).
"""

__version__ = "0.1.0"
ENGINE = f"dingmi/{__version__}"
