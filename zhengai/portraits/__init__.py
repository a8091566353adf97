"""Portraits (画像): what each role sees of the subjects in its scope — the home page, the student
and class pages, and (coming) a portrait per subject of every level, the level overviews and the
leaders' cockpit. It sits at the top of the layers: it reads core, the data center, indicators,
chains, monitoring and cycles; nothing below imports it."""
