"""Page content made from the knowledge base: plain functions, no MkDocs imports.

The MkDocs adapter gives each function a `Linker` (so links are relative to
the page being rendered) and puts the returned Markdown/HTML into pages.
"""
