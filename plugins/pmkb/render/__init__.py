"""Rendering every layer shares: the Jinja templates (`templates.Renderer`) and value formatting (`format`).

The site, the review deck and `pmkb review` render through the same templates, so they cannot disagree.
"""
