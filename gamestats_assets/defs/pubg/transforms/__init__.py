"""PUBG table functions: pure polars functions, one per table, each with its definition in its docstring."""
