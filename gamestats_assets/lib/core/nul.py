"""The NUL character in delivered text: PostgreSQL keeps no NUL in `text` and refuses the escape `\\u0000` in
`jsonb`, so a record holding one could never be published as delivered. Readers reject such a record (or file) with
`NUL_REASON` rather than let it fail the publish of its whole partition."""

import re

ESCAPED_NUL = r"(?:^|[^\\])(?:\\\\)*\\u0000"
"""The escape `\\u0000` in JSON text, as a regular expression: a backslash not itself escaped (an odd number of them),
then `u0000`."""
NUL_REASON = "holds a NUL character (\\u0000), which PostgreSQL cannot store"

_ESCAPED_NUL_BYTES = re.compile(ESCAPED_NUL.encode())


def holds_nul(json_text: bytes) -> bool:
    """Whether JSON text holds a NUL character: a NUL byte, or the escape `\\u0000`. Cheaper searches go first: a
    backslash at all (most game files have none, and one byte is found far faster than six), then the six characters;
    the regular expression runs only on text holding them."""
    return b"\x00" in json_text or (b"\\" in json_text and b"\\u0000" in json_text
                                    and _ESCAPED_NUL_BYTES.search(json_text) is not None)
