"""Extraction: news reports in, ACLED-style event records out. It knows nothing of the
store, the web service, the alerts or the command line.

    read ──> detect ──> nlp (spaCy, candidate sentences only)
                           │
           ┌───────────────┼──────────────┬─────────────┐
        actors        places/ (gazetteer,  timex      toll, numbers
                       geocoder, import)   (dates)    (dead, claims)
           └───────────────┴──────────────┴─────────────┘
                           │
                assemble (segment, classify by the codebook) ──> merge

`pipeline.Extractor` holds the models and knowledge bases, loaded once; `parallel` runs it
across processes or a Dask cluster.
"""
