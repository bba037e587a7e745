"""Reports: the per-file value and its JSON form (:mod:`.model`), the HTML page (:mod:`.html`),
the registry of per-file outputs (:mod:`.outputs`) and how they are written (:mod:`.write`)."""

from scanner.report.model import (
    SCHEMA_VERSION,
    FileReport,
    Source,
    encode_json,
    pack_json,
    to_json,
    unpack_json,
)
from scanner.report.outputs import DEFAULT_FORMATS, FILE_OUTPUTS, render_files
from scanner.report.write import OutputOptions, check_out_dir, write_rendered, write_report

__all__ = ["DEFAULT_FORMATS", "FILE_OUTPUTS", "SCHEMA_VERSION", "FileReport", "OutputOptions",
           "Source", "check_out_dir", "encode_json", "pack_json", "render_files", "to_json",
           "unpack_json", "write_rendered", "write_report"]
