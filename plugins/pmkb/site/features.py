"""The site's features, in the order their sections appear on a page."""

from __future__ import annotations

from .action_items import ActionItems
from .blameless_note import BlamelessNote
from .feature import Feature
from .incident_types import IncidentTypes
from .metrics_reviews import MetricsAndReviews
from .oncall import OncallLoad
from .index_pages import IndexPages
from .explorer import IncidentExplorer
from .search_index import SearchIndexTrim
from .similar_incidents import SimilarIncidents

__all__ = ["FEATURES", "new_features"]

# One line per capability.
FEATURES: tuple[type[Feature], ...] = (
    IndexPages,
    IncidentTypes,
    ActionItems,
    OncallLoad,  # before MetricsAndReviews: reviews read ctx.shared['oncall']
    MetricsAndReviews,
    BlamelessNote,
    SimilarIncidents,
    IncidentExplorer,
    SearchIndexTrim,
)


def new_features() -> list[Feature]:
    """Fresh feature objects for one build."""
    return [feature() for feature in FEATURES]
