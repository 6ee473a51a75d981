"""Photos as evidence of an entry: stored by content, checked by their magic bytes, served to who may see."""
