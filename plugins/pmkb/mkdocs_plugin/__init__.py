"""The MkDocs adapter: thin hooks over pmkb's plain modules."""
