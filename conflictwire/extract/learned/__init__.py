"""A learned model as the extractor reads it: the user's places, actors and type classifier
(`conflictwire learn` writes them; `conflictwire.learn` is that step), and the formats of the
coded data they are learned from. Nothing here ships data: the model lives on the user's
machine."""
