"""The MkDocs hook of the manual: places the generated parts into the pages (`gamestats_assets/manual/hook.py`)."""

from gamestats_assets.manual.hook import on_env, on_page_markdown, on_pre_build

__all__ = ["on_env", "on_page_markdown", "on_pre_build"]
