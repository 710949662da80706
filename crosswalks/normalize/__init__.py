"""Normalisation of values as partners write them: languages, dates, ISBN/ISSN, ISBD punctuation."""
