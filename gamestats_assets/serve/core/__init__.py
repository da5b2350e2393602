"""The plumbing of the API: its settings, the HTTP protocol and the doors every request passes, who a request acts
as and the budgets, the reader and the answers kept, the answer envelope and models, errors and the contract, the
metrics and alerts, the pages served and the pipeline's state; no route, no SQL of a resource."""
