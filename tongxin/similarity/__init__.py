"""Chinese text intelligence on top of tongxin.textsim: similar proposals, 并案 clusters, copies,
handling-unit suggestions and full-text search, always filtered by the caller's visibility."""
