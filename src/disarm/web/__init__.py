"""The public web pages' pure rendering functions (no server, no template environment here).

`treaty_map` draws the *Treaties and zones* world map as inline SVG with the same data as
table rows; `outlines` holds the country outlines, the projection and the simplification.
"""
