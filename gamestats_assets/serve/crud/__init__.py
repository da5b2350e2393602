"""The API's writes: every SQL statement of `serve/` that changes rows, one module per resource (the reads are
`serve/queries/`)."""
