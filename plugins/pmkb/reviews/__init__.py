"""Monthly incident reviews: months, the month index, the review model and its assembly, the text taken from postmortems, and its rendering."""
