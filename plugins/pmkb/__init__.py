"""pmkb: a postmortem and learning knowledge base on MkDocs + Material.

The plain modules (models, loader, knowledge, ...) hold the logic; the MkDocs
plugin (`pmkb.mkdocs_plugin`) and the CLI (`pmkb.cli`) are thin adapters.
"""

__version__ = "0.1.0"
