"""Builders: pure functions from queried figures and records to `tongxin.gongwen.spec.OfficialDocument`.

No database access here: `tongxin.documents.queries` gathers the data, a builder only words and lays it
out, so a builder's output can be checked against the same figures the pages and the API show.
"""
