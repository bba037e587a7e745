"""Derived classification (派生定密): what each document copies or cites, across an archive.

A stage of its own after the per-file pipeline: :mod:`.fingerprint` turns a document's text into
winnowed fingerprints, :mod:`.cite` finds the 文号 and 《titles》 it cites, :mod:`.index` keeps both
in the audit's state database, :mod:`.links` finds each document's sources and :mod:`.judge` turns
links and marks into findings, which :mod:`.stage` adds to the reports.
"""
