"""What the site shows, as plain features over the knowledge base.

The MkDocs adapter (`pmkb.mkdocs_plugin`) drives every feature listed in
`site.features.FEATURES` through the hooks of `site.feature.Feature`; a new
capability adds one module and one line there, and never touches the adapter.
"""
