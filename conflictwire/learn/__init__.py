"""The learning step (`conflictwire learn`): adapt the extractor to the user's own coded data.

From coded events (ACLED CSV exports, current or older layout; JSON Lines with ACLED's
column names; UCDP GED CSV) it learns, into a model directory on the user's machine:
places (a gazetteer supplement), actors (names, types and the aliases notes use) and a
type and sub-type classifier over the notes. Nothing learned ships in the package: ACLED's
terms forbid redistribution, so the shipped default stays the rules.
"""
