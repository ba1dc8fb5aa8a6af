"""Feeds: what each feed shows, its documents in RSS, Atom and JSON Feed, and the render."""
