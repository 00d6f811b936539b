"""Pure normalisers for Korean news text: dates, bylines, captions, boilerplate.

Every function here takes strings and returns plain values; nothing imports lxml,
Scrapy or SQLAlchemy, so each rule is tested with a table of inputs and outputs.
"""
