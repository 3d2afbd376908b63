"""Literals against their datatype: the OWL 2 datatype map, lexical forms, value spaces and
the facets of a datatype range."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD

from cartkg.rules.expressions import DatatypeRange
from cartkg.rules.show import show

# https://www.w3.org/TR/owl2-syntax/#Datatype_Maps
_XSD_IN_OWL2 = """
    decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long
    int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float string
    normalizedString token language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI
    dateTime dateTimeStamp
"""
OWL2_DATATYPES = frozenset(
    [str(OWL.real), str(OWL.rational), str(RDF.PlainLiteral), str(RDF.XMLLiteral)]
    + [str(RDFS.Literal)]
    + [str(XSD) + name for name in _XSD_IN_OWL2.split()]
)
_INTEGER_NAMES = """integer nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger
    long int short byte unsignedLong unsignedInt unsignedShort unsignedByte"""
_INTEGERS = frozenset(str(XSD) + name for name in _INTEGER_NAMES.split())
_NUMERIC = _INTEGERS | {str(XSD.decimal), str(OWL.real), str(OWL.rational)}
_STRING_NAMES = "string normalizedString token language Name NCName NMTOKEN"
_STRING_TYPES = frozenset(str(XSD) + name for name in _STRING_NAMES.split())
_BOUNDS = {  # the value spaces of the integer subtypes
    str(XSD.nonNegativeInteger): (0, None),
    str(XSD.positiveInteger): (1, None),
    str(XSD.nonPositiveInteger): (None, 0),
    str(XSD.negativeInteger): (None, -1),
    str(XSD.unsignedByte): (0, 255),
    str(XSD.unsignedShort): (0, 65535),
    str(XSD.unsignedInt): (0, 4294967295),
    str(XSD.unsignedLong): (0, 18446744073709551615),
    str(XSD.byte): (-128, 127),
    str(XSD.short): (-32768, 32767),
    str(XSD.int): (-2147483648, 2147483647),
    str(XSD.long): (-9223372036854775808, 9223372036854775807),
}
CHECKED_LEXICAL = _NUMERIC | {str(XSD.boolean)}


def _effective(literal: ox.Literal) -> str:
    """The datatype the reasoner sees (``cartkg.reason`` turns the others into strings)."""
    if literal.language:
        return str(RDF.PlainLiteral)
    datatype = literal.datatype.value
    return datatype if datatype in OWL2_DATATYPES else str(XSD.string)


def ill_typed(literal: ox.Literal) -> str:
    """Why a literal's lexical form is not in its datatype, or ''."""
    datatype = _effective(literal)
    if datatype in _NUMERIC:
        number = _number(literal)
        if number is None:
            return f"has an ill-typed value {literal}"
        low, high = _BOUNDS.get(datatype, (None, None))
        if (low is not None and number < low) or (high is not None and number > high):
            return f"has an ill-typed value {literal}"
    elif datatype == str(XSD.boolean) and literal.value not in ("true", "false", "1", "0"):
        return f"has an ill-typed value {literal}"
    return ""


def outside(literal: ox.Literal, allowed: DatatypeRange) -> str:
    """Why a well-typed ``literal`` is not in the datatype range, or '' when it is.

    As in OWL 2, the numeric datatypes share one value space: "5"^^xsd:decimal is an integer.
    """
    datatype, base = _effective(literal), str(allowed.base)
    if base in (str(RDFS.Literal), str(RDF.PlainLiteral)):
        return ""
    if base in _NUMERIC:
        number = _number(literal) if datatype in _NUMERIC else None
        if number is None:
            return f"expects a number, not {literal}"
        if base in _INTEGERS and number != number.to_integral_value():
            return f"expects an integer, not {literal}"
        low, high = _BOUNDS.get(base, (None, None))
        lows = [b for b in (low, allowed.low) if b is not None]
        highs = [b for b in (high, allowed.high) if b is not None]
        if any(number < b for b in lows) or any(number > b for b in highs):
            return f"value {literal.value} is outside the range"
        return ""
    if base == str(XSD.string):
        return "" if datatype in _STRING_TYPES else f"expects a string, not {literal}"
    return "" if datatype == base else f"expects {show(ox.NamedNode(base))}, not {literal}"


def _number(literal: ox.Literal) -> Decimal | None:
    text = literal.value.strip()
    if literal.datatype.value in _INTEGERS:
        try:
            return Decimal(int(text))
        except ValueError:
            return None
    if "e" in text.lower():
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def value_key(literal: ox.Literal) -> object:
    number = _number(literal) if _effective(literal) in _NUMERIC else None
    if number is not None:
        return ("number", number)
    return (literal.value, _effective(literal), literal.language)
