"""Places: the gazetteer (GeoNames cities500 and divisions, plus imported country dumps),
its importer, and the geocoder that picks each event's scene among a report's toponyms."""
