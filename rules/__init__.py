"""Catalogue rules (保密事项范围 / 定密细目): loading YAML catalogues and matching documents.

May import :mod:`markers` models, never :mod:`scanner`.
"""

from rules.errors import CatalogError
from rules.load import load_catalog, load_catalogs, parse_catalog
from rules.matcher import Matcher
from rules.model import Catalog, Hit, Item, MatchSpec, Near, TermHit

__all__ = ["Catalog", "CatalogError", "Hit", "Item", "MatchSpec", "Matcher", "Near", "TermHit",
           "load_catalog", "load_catalogs", "parse_catalog"]
