"""Lineage 2M data code: pure polars functions from landing JSONL through ETL, STD and CONS to KPIs."""
