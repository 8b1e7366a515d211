"""Postal addresses: split printed address lines into AddressValue parts.

US-looking input (``City, ST 12345``) is tagged with usaddress; everything else goes through
per-country postal-code/city patterns (UK, CA, NL, PT, 4/5-digit codes before the city as in
DE/AT/CH/FR/ES/IT/BE/MY, and codes after the city) and a street-line grammar with the house
number before (``12 rue de la Paix``) or after (``Musterstraße 12``) the road.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields

from .country import country_alpha3
from .text import strip_accents

__all__ = ["Address", "address_score", "parse_address"]


@dataclass(slots=True)
class Address:
    """Address parts as printed (fields mirror the REST ``AddressValue``)."""

    house_number: str | None = None
    po_box: str | None = None
    road: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country_region: str | None = None
    street_address: str | None = None
    unit: str | None = None
    city_district: str | None = None
    state_district: str | None = None
    suburb: str | None = None
    house: str | None = None
    level: str | None = None

    def is_empty(self) -> bool:
        """True when no part is set."""
        return all(getattr(self, f.name) is None for f in fields(self))


# fmt: off
_US_STATES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP", "MH", "FM", "PW", "AA",
    "AE", "AP",
))
# fmt: on
_CA_PROVINCES = frozenset("AB BC MB NB NL NS NT NU ON PE QC SK YT".split())  # noqa: SIM905

# Road type words (whole words, accents stripped, casefolded) in many languages.
_STREET_WORDS = frozenset(
    """
    street st str road rd avenue ave av blvd boulevard lane ln drive dr way court ct place pl
    square sq parkway pkwy highway hwy terrace crescent close circle cir row mews hill
    junction extension village crossing trail loop pike ridge causeway expressway freeway
    turnpike alley bypass gardens grove heights meadows plains walk squares mall cove creek
    hollow manor point summit vista harbor park path pass
    rue bd chemin impasse allee quai route cours passage
    strasse gasse weg allee platz ring damm ufer chaussee
    calle c avenida avda paseo plaza carrera carretera camino ronda travesia pasaje pasadizo
    callejon glorieta rambla cuesta urbanizacion poligono
    via viale piazza corso vicolo largo piazzale strada contrada
    straat laan plein gracht kade singel dijk markt steenweg dreef lei baan
    rua r travessa tv praca estrada alameda quadra rodovia ladeira viela vereda esplanada patio
    vial acceso
    jalan jln lorong lrg persiaran lebuh lebuhraya taman tmn jl
    """.split()  # noqa: SIM905
)
_STREET_SUFFIXES = (
    "strasse",
    "straße",
    "str.",
    "weg",
    "gasse",
    "allee",
    "platz",
    "ring",
    "damm",
    "ufer",
    "straat",
    "laan",
    "gracht",
    "kade",
    "plein",
    "singel",
    "dijk",
    "markt",
    "steig",
    "pad",
    "steenweg",
    "dreef",
    "hof",
    "baan",
    "pfad",
)
# Road words that never end/start a city name; used to refuse "1234 Main Street" as "code city".
_CITY_REJECT = frozenset(
    """
    street road rd avenue ave blvd boulevard lane ln drive dr strasse str gasse weg platz calle
    avenida avda via viale piazza corso rue straat laan rua jalan jln lorong
    """.split()  # noqa: SIM905
)
# Document label words: a "city" containing one is a key-value line ("Customer ID 10023").
_LABEL_WORDS = frozenset(
    """
    customer client invoice inv order receipt member account acct ref reference no nr num number
    tax vat gst sst tin id total subtotal amount date tel phone fax page item store table room
    batch version project payment qty quantity code serial card visa cashier bill due balance
    rechnung kunde kundennummer bestell auftrag seite datum facture commande numero
    factura pedido fattura ordine cliente fatura encomenda
    """.split()  # noqa: SIM905
)
_SUBURB_WORDS = frozenset({"taman", "tmn", "kampung", "kg", "bandar", "desa", "seksyen"})

_PO_BOX = re.compile(
    r"^(?:P\.?\s?O\.?\s?Box|Post\s?Office\s?Box|Postfach|Apartado(?:\s+de\s+correos)?|"
    r"B\.?P\.?|Bo[iî]te\s+postale|Case\s+postale|Casella\s+postale|Caixa\s+postal|Postbus|"
    r"Peti\s+Surat|P\.?\s?O\.?\s?Box)\s*\.?\s*(?:No\.?\s*)?\d[\w\-]*$",
    re.I,
)
_UNIT = re.compile(
    r"^(?:Suite|Ste\.?|Apt\.?|Apartment|Apartamento|Appartamento|Unit|Room|Rm\.?|Flat|Studio|"
    r"Bldg\.?|"
    r"Building|Block|Blk|Puerta|Dpto\.?|Interno|Wohnung|Whg\.?|Bus|Boîte)"
    r"\s*[#.:]?\s*[\w\-/]+$|^#\s?\d[\w\-]*$",
    re.I,
)
_LEVEL = re.compile(
    r"^(?:Floor|Fl\.?|Level|Lvl\.?|Etage|Stock|Piso|Planta|Piano|\d+(?:st|nd|rd|th)\s+Floor|"
    r"\d+(?:er|e|\.)?\s*(?:[ée]tage|Stock|OG))\b.*$",
    re.I,
)
_NUM_FIRST = re.compile(
    r"^(?P<no>(?:No\.?\s*|#\s?)?\d+[A-Za-z]?(?:\s?[-/]\s?\d+[A-Za-z]?)?)\s*,?\s+"
    r"(?P<road>.*[^\W\d_].*)$",
    re.I,
)
_NUM_LAST = re.compile(
    r"^(?P<road>.*[^\W\d_].*?)\s*,?\s+(?P<no>(?:No\.?\s*|n\.?\s?[º°o]?\s*|nº\s*)?\d+[A-Za-z]?"
    r"(?:\s?[-/]\s?\d+[A-Za-z]?)?)$",
    re.I,
)
_NUM_ONLY = re.compile(
    r"^(?:No\.?\s*|#\s?|Lot\s+|PT\s+)?\d+[A-Za-z]?(?:\s?[-/]\s?[\dA-Za-z]{1,4})*$", re.I
)

_CITY = r"[^\W\d_][^\d,;:#=@]*?"
_POSTAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # "Redmond, WA 98052" (US) / "Toronto, ON M5V 2T6" (CA)
    (
        "US",
        re.compile(
            rf"^(?P<city>{_CITY}),?\s+(?P<state>[A-Z]{{2}})\.?,?\s+(?P<pc>\d{{5}}(?:-\d{{4}})?)$"
        ),
    ),
    (
        "CA",
        re.compile(
            rf"^(?P<city>{_CITY}),?\s+(?P<state>[A-Z]{{2}})\.?,?\s+(?P<pc>[A-Z]\d[A-Z]\s?\d[A-Z]\d)$"
        ),
    ),
    # "London SW1A 2AA"
    (
        "GB",
        re.compile(rf"^(?P<city>{_CITY}),?\s+(?P<pc>[A-Z]{{1,2}}\d[A-Z\d]?\s?\d[A-Z]{{2}})$", re.I),
    ),
    ("GB", re.compile(r"^(?P<pc>[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})$")),
    # "1015 CJ Amsterdam"
    ("NL", re.compile(rf"^(?P<pc>\d{{4}}\s?[A-Z]{{2}})\s+(?P<city>{_CITY})$")),
    # "01310-100 São Paulo / SP", "01310-100 São Paulo - SP"
    (
        "BR",
        re.compile(
            rf"^(?P<pc>\d{{5}}-?\d{{3}})\s+(?P<city>{_CITY})(?:\s*[/\-–]\s*(?P<prov>[A-Z]{{2}}))?$"
        ),
    ),
    # "1015 CJ" or "1015CJ" alone: the city is the next segment
    (">", re.compile(r"^(?P<pc>\d{4}\s?[A-Z]{2})$")),
    # "1100-053 Lisboa"
    ("PT", re.compile(rf"^(?P<pc>\d{{4}}-\d{{3}})\s+(?P<city>{_CITY})$")),
    # "D-10115 Berlin", "75002 Paris", "00184 Roma RM", "00184 Roma (RM)", "81100 JOHOR BAHRU"
    (
        "",
        re.compile(
            rf"^(?:(?P<cc>[A-Z]{{1,2}})\s?[-‐]\s?)?(?P<pc>\d{{4,6}})\s+(?P<city>{_CITY})"
            rf"(?:\s+\(?(?P<prov>[A-Z]{{2}})\)?)?$"
        ),
    ),
    # "10115" alone (city on the next segment) — weak, needs a street before it
    (">~", re.compile(r"^(?P<pc>\d{4,5})$")),
    # "Kuala Lumpur 50450", "Singapore 123456" — weak ("~"): also matches "Invoice 12345"
    ("~", re.compile(rf"^(?P<city>{_CITY})\s+(?P<pc>\d{{5,6}})$")),
)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+\.?|c/", strip_accents(text).casefold())


def _city_ok(city: str) -> bool:
    words = [w.rstrip(".") for w in _words(city)]
    if not words or len(city) > 40:
        return False
    if any(w in _CITY_REJECT or w in _LABEL_WORDS for w in words):
        return False
    return not (words[-1] == "st" and len(words) > 1)


def _has_street_word(text: str) -> bool:
    for w in _words(text):
        bare = w.rstrip(".")
        if bare in _STREET_WORDS:
            return True
        if len(bare) > 5 and any(w.endswith(suf) for suf in _STREET_SUFFIXES):
            return True
    return False


@dataclass(slots=True)
class _Seg:
    text: str
    line: int
    glue: str = ", "  # separator before this segment when on the same line as the previous


def _segments(lines: Sequence[str]) -> list[_Seg]:
    """Split lines at commas, except a line that is a whole "City, ST 12345"-like unit."""
    out: list[_Seg] = []
    for i, line in enumerate(lines):
        if "," in line and _match_postal1(line.strip(), None) is not None:
            out.append(_Seg(line.strip(), i))
            continue
        for part in line.split(","):
            p = part.strip(" \t;")
            if p:
                out.append(_Seg(p, i))
    return out


def _join(segs: Sequence[_Seg]) -> str | None:
    if not segs:
        return None
    parts = [segs[0].text]
    for prev, seg in itertools.pairwise(segs):
        parts.append((seg.glue if seg.line == prev.line else " ") + seg.text)
    return "".join(parts)


def _match_postal(text: str, country: str | None) -> tuple[str, re.Match[str]] | None:
    got = _match_postal1(text, country)
    if got is None and "," in text:
        # "Madrid, 02857" / "56011, Gabella (PI)"
        got = _match_postal1(re.sub(r"\s*,\s*", " ", text), country)
    return got


def _match_postal1(text: str, country: str | None) -> tuple[str, re.Match[str]] | None:
    for cc, pat in _POSTAL_PATTERNS:
        if cc == "US" and country not in (None, "USA"):
            continue
        if cc == "CA" and country not in (None, "CAN"):
            continue
        m = pat.match(text)
        if m is None:
            continue
        city = m.groupdict().get("city")
        if city and not _city_ok(city):
            continue
        if cc == "US" and m.group("state") not in _US_STATES:
            continue
        if cc == "CA" and m.group("state") not in _CA_PROVINCES:
            continue
        return cc, m
    return None


def _find_postal(
    segs: Sequence[_Seg], country: str | None
) -> tuple[int, int, str, re.Match[str]] | None:
    """Last segment (or pair of segments on one line) holding a postal code + city.

    Returns (first segment, last segment, pattern kind, match).
    """
    for i in range(len(segs) - 1, -1, -1):
        got = _match_postal1(segs[i].text, country)
        if got is not None:
            cc, m = got
            if cc.startswith(">"):
                if i + 1 < len(segs) and segs[i + 1].line == segs[i].line:
                    # "56011, Gabella (PI)": read code and city together (province, cedex ...)
                    both = _match_postal1(segs[i].text + " " + segs[i + 1].text, country)
                    if both is not None and both[1].groupdict().get("city"):
                        return i, i + 1, both[0], both[1]
                nxt = i + 1 < len(segs) and _city_ok(segs[i + 1].text)
                if nxt and (cc == ">" or i > 0):
                    return i, i + 1, cc, m
            elif m.groupdict().get("city") is None:
                if i > 0 and _city_ok(segs[i - 1].text):
                    return i - 1, i, cc, m  # UK postcode alone: city on the previous segment
                return i, i, cc, m
            else:
                return i, i, cc, m
    for i in range(len(segs) - 1, 0, -1):
        if segs[i - 1].line == segs[i].line:
            pair = segs[i - 1].text + " " + segs[i].text  # "Madrid, 02857"
            got = _match_postal1(pair, country)
            if got is not None and got[1].groupdict().get("city"):
                return i - 1, i, got[0], got[1]
    return None


def _looks_us(lines: Sequence[str], country: str | None) -> bool:
    if country not in (None, "USA"):
        return False
    tail = " ".join(lines[-2:])
    m = re.search(r"\b([A-Z]{2})\.?,?\s+\d{5}(?:-\d{4})?\b", tail)
    return m is not None and m.group(1) in _US_STATES


def _parse_us(lines: Sequence[str], country_line: str | None) -> Address | None:
    import usaddress

    text = ", ".join(lines)
    try:
        tagged, _kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        return None
    if "ZipCode" not in tagged or "StateName" not in tagged:
        return None
    a = Address()
    a.house_number = tagged.get("AddressNumber")
    road_parts = [
        tagged.get(k)
        for k in (
            "StreetNamePreModifier",
            "StreetNamePreDirectional",
            "StreetNamePreType",
            "StreetName",
            "StreetNamePostType",
            "StreetNamePostDirectional",
        )
    ]
    road = " ".join(p for p in road_parts if p)
    a.road = road or None
    occ = " ".join(p for p in (tagged.get("OccupancyType"), tagged.get("OccupancyIdentifier")) if p)
    a.unit = occ or None
    if "USPSBoxID" in tagged:
        a.po_box = " ".join(p for p in (tagged.get("USPSBoxType"), tagged["USPSBoxID"]) if p)
    a.city = tagged.get("PlaceName")
    a.state = tagged.get("StateName")
    a.postal_code = tagged.get("ZipCode")
    a.house = tagged.get("BuildingName") or tagged.get("LandmarkName")
    a.country_region = country_line or tagged.get("CountryName")
    street = " ".join(p for p in (a.house_number, a.road, a.unit) if p)
    a.street_address = street or None
    if a.city is None and a.road is None and a.po_box is None:
        return None
    if a.city is not None and not _city_ok(a.city):
        return None  # "Customer ID 10023" is a key-value line, not "City, ST ZIP"
    return a


_UNIT_TAIL = re.compile(
    r"^(?P<street>.*?\d.*?)\s+(?P<unit>(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Piso|Puerta|"
    r"Dpto\.?|Apartamento|Appartamento|Interno|Int\.|Wohnung|Whg\.?|Piano|Planta|Etage|Stock|"
    r"Floor|Level|Bus|Boîte)\s*#?\s*[\w\-/º°ª]+)$",
    re.I,
)


def _split_units(segs: list[_Seg]) -> list[_Seg]:
    """Split a trailing unit off a street line: "Calle Mayor 5 Piso 3" -> street + "Piso 3"."""
    out: list[_Seg] = []
    for seg in segs:
        m = _UNIT_TAIL.match(seg.text)
        if m is not None and not _UNIT.match(seg.text):
            out.append(_Seg(m.group("street").rstrip(" ,"), seg.line))
            out.append(_Seg(m.group("unit"), seg.line, " "))
        else:
            out.append(seg)
    return out


def _parse_street(segs: list[_Seg], a: Address) -> None:
    """Fill house number/road/unit/po box/level/house/suburb from the segments before the city."""
    segs = _split_units(segs)
    street_segs: list[_Seg] = []
    pending_no: _Seg | None = None
    for k, seg in enumerate(segs):
        t = seg.text
        prev = segs[k - 1] if k else None
        if a.po_box is None and _PO_BOX.match(t):
            a.po_box = t
            continue
        if a.level is None and _LEVEL.match(t):
            a.level = t
            continue
        if a.unit is None and _UNIT.match(t):
            a.unit = t
            continue
        if a.road is None:
            if (
                a.house_number is None
                and a.house is not None
                and _NUM_ONLY.match(t)
                and prev is not None
                and prev.text == a.house
                and prev.line == seg.line
            ):
                # "Estação de Camargo, 202": the unrecognised segment before the number is the road
                a.road, a.house = a.house, None
                a.house_number = t
                street_segs.extend([prev, seg])
                continue
            if a.house_number is None and _NUM_ONLY.match(t):
                a.house_number = re.sub(r"^(?:No\.?\s*|#\s?)", "", t, flags=re.I)
                pending_no = seg
                continue
            m = _NUM_FIRST.match(t)
            if m is not None and a.house_number is None:
                a.house_number = re.sub(r"^(?:No\.?\s*|#\s?)", "", m.group("no"), flags=re.I)
                a.road = m.group("road").strip()
                street_segs.append(seg)
                continue
            m = _NUM_LAST.match(t)
            if m is not None and a.house_number is None:
                a.house_number = re.sub(
                    r"^(?:No\.?|n\.?\s?[º°o]?|nº)\s*", "", m.group("no"), flags=re.I
                )
                a.road = m.group("road").strip()
                street_segs.append(seg)
                continue
            if _has_street_word(t) or pending_no is not None:
                a.road = t
                if pending_no is not None:
                    street_segs.append(pending_no)
                street_segs.append(seg)
                continue
            if a.house is None:
                a.house = t
                continue
        else:
            if a.house_number is None and _NUM_ONLY.match(t):
                a.house_number = t  # "Strada Taliercio, 47"
                street_segs.append(seg)
                continue
            words = set(w.rstrip(".") for w in _words(t))
            if a.suburb is None and (words & _SUBURB_WORDS or not _has_street_word(t)):
                a.suburb = t
                continue
        if a.house is None:
            a.house = t
    if a.road is None and a.house is not None and a.po_box is None:
        # No road word, but an unrecognised segment before the city: the road ("Foo Plains").
        house_seg = next(s for s in segs if s.text == a.house)
        a.road, a.house = a.house, None
        street_segs.append(house_seg)
    if pending_no is not None and pending_no not in street_segs:
        street_segs.append(pending_no)
    if a.unit is not None:
        unit_seg = next((s for s in segs if s.text == a.unit), None)
        if unit_seg is not None:
            street_segs.append(unit_seg)
    street_segs.sort(key=segs.index)
    a.street_address = _join(street_segs)


@functools.lru_cache(maxsize=2048)
def _parse_address(lines: tuple[str, ...], country: str | None) -> Address | None:
    clean = [ln.strip() for ln in lines if ln and ln.strip()]
    if not clean:
        return None
    country3 = country_alpha3(country) if country else None
    if country and country3 is None and len(country) == 3:
        country3 = country.upper()
    segs = _segments(clean)
    country_line: str | None = None
    if segs and len(segs) > 1:
        last = segs[-1].text
        c3 = country_alpha3(last)
        if c3 is not None:
            country_line = last
            country3 = country3 or c3
            segs = segs[:-1]
            if segs and segs[-1].line == len(clean) - 1:
                clean[-1] = clean[-1][: clean[-1].rfind(",")].strip()
            else:
                clean = clean[:-1]
    if not segs:
        return None
    if _looks_us(clean, country3):
        got = _parse_us(clean, country_line)
        if got is not None:
            return got
    a = Address(country_region=country_line)
    found = _find_postal(segs, country3)
    if found is not None:
        lo, hi, cc, m = found
        gd = m.groupdict()
        a.postal_code = gd.get("pc")
        city = gd.get("city")
        if city:
            a.city = city.strip()
        elif hi > lo:
            a.city = segs[hi if cc.startswith(">") else lo].text
        if gd.get("state"):
            a.state = gd["state"]
        elif gd.get("prov"):
            a.state = gd["prov"]
        after = [s.text.rstrip(" .") for s in segs[hi + 1 :] if s.text.rstrip(" .")]
        if after:
            if a.state is None:
                a.state = after[0]
            if len(after) > 1:
                a.state_district = ", ".join(after[1:])
        _parse_street(list(segs[:lo]), a)
        if cc in ("~", ">~") and a.road is None and a.po_box is None:
            return None  # "Invoice 12345" alone is not an address
    else:
        _parse_street(list(segs), a)
        numbered_street = (
            a.road is not None and a.house_number is not None and _has_street_word(a.road)
        )
        if not (numbered_street or a.po_box is not None):
            return None  # no postal code: need a numbered street with a road word, or a PO box
    if a.city is None and a.road is None and a.po_box is None and a.postal_code is None:
        return None
    return a


def parse_address(lines: Sequence[str], *, country: str | None = None) -> Address | None:
    """Split printed address lines (recipient name removed) into :class:`Address` parts.

    ``["123 Main St, Suite 4", "Redmond, WA 98052"]``, ``["Musterstraße 12", "10115 Berlin"]``,
    ``["NO 12, JALAN ABC, 81100 JOHOR BAHRU, JOHOR"]``. ``country`` (name or ISO code) narrows
    the patterns; a trailing country line is returned as ``country_region`` as printed.
    ``street_address`` is house number + road (+ unit) in printed order. Returns ``None`` when
    nothing address-like is found.
    """
    got = _parse_address(tuple(lines), country)
    if got is None:
        return None
    # Hand out a copy: the cached instance must not be mutated by callers.
    return Address(**{f.name: getattr(got, f.name) for f in fields(got)})


_MONEYISH = re.compile(r"\d[.,]\d{2}(?!\d)|[$€£%@]|www\.|https?:")


@functools.lru_cache(maxsize=8192)
def _score(lines: tuple[str, ...]) -> float:
    clean = [ln.strip() for ln in lines if ln and ln.strip()]
    if not clean:
        return 0.0
    segs = _segments(clean)
    score = 0.0
    best = 0.0
    found = _find_postal(segs, None)
    postal_idx: set[int] = set()
    if found is not None:
        lo, hi, cc, m = found
        postal_idx = set(range(lo, hi + 1))
        if cc in ("~", ">~"):
            best = max(best, 0.2)
        elif cc == "" and len(m.group("pc")) == 4:
            best = max(best, 0.3)  # "1000 Bruxelles" but also "2024 Annual Report"
        else:
            best = max(best, 0.45)
    score += best
    street = False
    numbered = False
    bare_numbered = False
    for i, s in enumerate(segs):
        t = s.text
        if i in postal_idx:
            continue
        shaped = _NUM_FIRST.match(t) is not None or _NUM_LAST.match(t) is not None
        if _has_street_word(t):
            street = True
            numbered = numbered or shaped
        elif shaped and len(t) <= 50:
            bare_numbered = True
        if _PO_BOX.match(t):
            score += 0.3
    if street:
        score += 0.2
    if numbered:
        score += 0.2
    elif bare_numbered and best > 0:
        score += 0.15  # "Foo 12" next to a postal code, without a known road word
    if len(segs) > 1 and country_alpha3(segs[-1].text) is not None:
        score += 0.1
    text = " ".join(clean)
    if _MONEYISH.search(text):
        score -= 0.3
    if len(clean) > 6 or len(text) > 250:
        score -= 0.3
    return max(0.0, min(1.0, score))


def address_score(lines: Sequence[str]) -> float:
    """How address-like the lines look, 0..1.

    Evidence: a postal code + city pattern (0.45; 0.3 for 4-digit codes, 0.2 for a trailing
    code after a word), a street-type word in one of many languages
    (0.2), a house number next to it (0.2), a PO box (0.3), a trailing country (0.1); amounts,
    ``@``/URLs and very long texts count against it.
    """
    return _score(tuple(lines))
