"""PostgreSQL only: a character-bigram GIN index over each proposal's text, for full-text search.

Chinese needs no segmentation here: a term of two or more characters can only occur in a text that holds
all of its character bigrams, so `tongxin_bigrams(text) @> tongxin_bigrams(term)` narrows 100,000
proposals to a few candidates that the exact per-field match then checks (bench/similarity_bench.py).
pg_trgm was measured and rejected: it cannot use its index for two-character terms, the usual Chinese
word, and then scans the whole index (10 s for two such terms over 100,000 proposals). SQLite keeps the
LIKE scan (no such index there).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# Distinct lower-cased character bigrams, O(n) per text (substr(t, i, 2) would walk the UTF-8 string
# from the start for every i).
FUNCTION = """
CREATE OR REPLACE FUNCTION tongxin_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT coalesce(array_agg(DISTINCT g) FILTER (WHERE g IS NOT NULL), '{}')
  FROM (
    SELECT c || lead(c) OVER (ORDER BY i) AS g
    FROM unnest(regexp_split_to_array(lower(t), '')) WITH ORDINALITY AS u(c, i)
  ) AS grams
$$
"""
INDEX = """
CREATE INDEX IF NOT EXISTS similarity_proposal_bigrams ON proposals_proposal USING gin (
  tongxin_bigrams(title || ' ' || background || ' ' || analysis || ' ' || suggestions)
)
"""


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(INDEX)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS similarity_proposal_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS tongxin_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0002_imported_history")]

    operations = [migrations.RunPython(forwards, backwards)]
