"""Hardened XML parsing of untrusted messages: no DTD, no entity expansion, no network, a size
limit and a depth limit, before anything looks at the content."""

from __future__ import annotations

import io

from lxml import etree

from eakte.exchange.model import MessageRejection, RejectionCode
from eakte.settings import MAX_MESSAGE_BYTES, MAX_MESSAGE_DEPTH


def parse_message(data: bytes, max_bytes: int = MAX_MESSAGE_BYTES,
                  max_depth: int = MAX_MESSAGE_DEPTH) -> etree._Element:
    """The message's root element; raises MessageRejection (malformed, DTD, too large, too deep)."""
    if len(data) > max_bytes:
        raise MessageRejection(RejectionCode.TOO_LARGE, "/", f"{len(data)} bytes; at most {max_bytes}")
    # resolve_entities=False: an entity reference stays a reference (no billion laughs, no XXE);
    # load_dtd=False + no_network=True: nothing is fetched; huge_tree=False keeps libxml2's limits.
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), resolve_entities=False,
                             no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    depth = 0
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth > max_depth:
                    raise MessageRejection(RejectionCode.TOO_DEEP, element.getroottree().getpath(element),
                                           f"elements nested deeper than {max_depth} levels")
            else:
                depth -= 1
        root = events.root
    except etree.XMLSyntaxError as e:
        raise MessageRejection(RejectionCode.MALFORMED_XML, "/", f"not well-formed XML: {e}") from e
    if root is None:
        raise MessageRejection(RejectionCode.MALFORMED_XML, "/", "no root element")
    if root.getroottree().docinfo.doctype or root.getroottree().docinfo.internalDTD is not None:
        raise MessageRejection(RejectionCode.DTD_FORBIDDEN, "/",
                               "XML with a DOCTYPE (DTD, entity declarations) is not accepted")
    return root
