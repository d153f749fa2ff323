"""Monthly incident reviews: months, the review model, the text taken from postmortems, and its rendering."""
