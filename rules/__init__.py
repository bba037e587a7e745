"""Catalogue rules (保密事项范围 / 定密细目): loading YAML catalogues and matching documents.

May import :mod:`markers` models, never :mod:`scanner`.
"""
