"""Key-value pair cues of ``docintel.extract.kv`` on hand-placed lines (no OCR, no PDF)."""

from __future__ import annotations

import pytest

from docintel.extract.docview import DocView, SubToken
from docintel.extract.fields import ExtractContext, KeyValue, piece_text
from docintel.extract.kv import extract_key_values, glued_split, label_like, value_shape
from tests.helpers.extract import PlacedLine, view_from_lines

CTX = ExtractContext(api_version="2023-07-31")


def _text(pieces: object) -> str:
    return " ".join(piece_text(p) for p in pieces)  # type: ignore[attr-defined]


def pairs_of(view: DocView) -> list[KeyValue]:
    out = extract_key_values(view, CTX).key_value_pairs
    assert out is not None
    return out


def simple(lines: list[PlacedLine]) -> dict[str, str]:
    """Key text -> value text ("" when the key has no value)."""
    return {_text(kv.key): _text(kv.value) for kv in pairs_of(view_from_lines(lines))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/03/2024", 1.0),
        ("14. März 2023", 1.0),
        ("billing@example.com", 1.0),
        ("1.234,56", 0.9),
        ("+44 20 7946 0958", 0.9),
        ("INV-20931", 0.7),
        ("Blue", 0.0),
    ],
)
def test_value_shape(text: str, expected: float) -> None:
    assert value_shape(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Customer name:", True),
        ("Fecha de entrega", True),
        ("N° de client", True),
        ("12,480.00", False),
        ("J. K. Rowling", False),  # initials: a name, not a label
        ("the samples were sent to the", False),  # running text
        ("This sentence is finished.", False),
        ("x", False),
    ],
)
def test_label_like(text: str, expected: bool) -> None:
    assert label_like(text) is expected


def test_inline_colon_pair() -> None:
    got = simple([("Order number: 48213-B", 1.0, 1.0), ("Ship via: Rail freight", 1.0, 1.4)])
    assert got == {"Order number:": "48213-B", "Ship via:": "Rail freight"}


def test_time_and_urls_are_not_split() -> None:
    got = simple([("Doors open at 18:30 tonight", 1.0, 1.0), ("Check-in: 14:00", 1.0, 2.0)])
    assert got == {"Check-in:": "14:00"}


def test_value_right_of_colon_label() -> None:
    got = simple([("Telefon:", 1.0, 1.0), ("+49 30 901820", 3.0, 1.0)])
    assert got == {"Telefon:": "+49 30 901820"}


def test_label_grid_without_colons() -> None:
    got = simple(
        [
            ("Customer", 1.0, 1.0),
            ("Nordwind Handel", 3.0, 1.0),
            ("Account", 1.0, 1.35),
            ("K-4471", 3.0, 1.35),
        ]
    )
    assert got == {"Customer": "Nordwind Handel", "Account": "K-4471"}


def test_options_on_one_row_are_not_pairs() -> None:
    assert simple([("Oui", 1.0, 1.0), ("Non", 2.0, 1.0)]) == {}


def test_value_below_colon_label_and_continuation() -> None:
    got = simple(
        [
            ("Opmerkingen:", 1.0, 1.0),
            ("Levering aan de achterdeur", 1.0, 1.2),
            ("tussen negen en twaalf uur", 1.0, 1.38),
        ]
    )
    assert got == {"Opmerkingen:": "Levering aan de achterdeur tussen negen en twaalf uur"}


def test_multi_line_value_to_the_right() -> None:
    got = simple(
        [
            ("Descrizione:", 1.0, 1.0),
            ("Revisione annuale della caldaia", 2.6, 1.0),
            ("con sostituzione del filtro", 2.6, 1.18),
        ]
    )
    assert got == {"Descrizione:": "Revisione annuale della caldaia con sostituzione del filtro"}


def test_key_without_value_only_when_colon() -> None:
    got = simple([("Assinatura:", 1.0, 3.0), ("Resumo", 1.0, 1.0)])
    assert got == {"Assinatura:": ""}
    kv = pairs_of(view_from_lines([("Assinatura:", 1.0, 3.0)]))[0]
    assert kv.value == []


def test_enumerator_is_not_part_of_the_key() -> None:
    got = simple([("(3) Postcode:", 1.0, 1.0), ("75011", 3.0, 1.0)])
    assert got == {"Postcode:": "75011"}


def test_running_text_yields_no_pairs() -> None:
    got = simple(
        [
            ("the committee noted one thing: nothing had changed", 1.0, 1.0),
            ("since the previous meeting of the board members", 1.0, 1.18),
        ]
    )
    assert got == {}


def test_column_header_over_values() -> None:
    got = pairs_of(
        view_from_lines(
            [
                ("Quantity", 1.0, 1.0),
                ("1,250", 1.0, 1.3),
                ("3,400", 1.0, 1.6),
                ("980", 1.0, 1.9),
            ]
        )
    )
    assert [(_text(kv.key), _text(kv.value)) for kv in got] == [
        ("Quantity", "1,250"),
        ("Quantity", "3,400"),
        ("Quantity", "980"),
    ]


def test_confidence_reflects_cue_strength() -> None:
    view = view_from_lines(
        [
            ("Date: 2024-05-17", 1.0, 1.0),
            ("Colour", 1.0, 2.0),
            ("Teal", 3.0, 2.0),
            ("Finish", 1.0, 2.35),
            ("Matte", 3.0, 2.35),
        ]
    )
    conf = {_text(kv.key): kv.confidence for kv in pairs_of(view)}
    assert conf["Date:"] >= 0.8
    assert 0.0 < conf.get("Colour", 0.0) < conf["Date:"]


def test_empty_view() -> None:
    assert simple([]) == {}


def test_pairs_are_in_reading_order_and_pieces_are_view_tokens() -> None:
    view = view_from_lines([("Name: Ada", 1.0, 1.0), ("City: Lyon", 1.0, 1.4)])
    pairs = pairs_of(view)
    assert [_text(kv.key) for kv in pairs] == ["Name:", "City:"]
    ids = {id(t) for t in view.tokens}
    assert all(id(p) in ids for kv in pairs for p in [*kv.key, *kv.value])


def test_two_colon_pairs_on_one_line() -> None:
    got = simple([("Date: 2025-01-09 Ref: AX-310", 1.0, 1.0)])
    assert got == {"Date:": "2025-01-09", "Ref:": "AX-310"}


def _pairs(lines: list[PlacedLine]) -> set[tuple[str, str]]:
    return {(_text(kv.key), _text(kv.value)) for kv in pairs_of(view_from_lines(lines))}


def test_matrix_cells_pair_with_row_label_and_column_header() -> None:
    got = _pairs(
        [
            ("Orchard yield", 1.0, 0.6),
            ("North", 3.0, 1.0),
            ("South", 4.0, 1.0),
            ("Apples", 1.0, 1.3),
            ("120", 3.1, 1.3),
            ("340", 4.1, 1.3),
            ("Pears", 1.0, 1.55),
            ("75", 3.1, 1.55),
            ("210", 4.1, 1.55),
        ]
    )
    assert got == {
        ("North", "120"),
        ("North", "75"),
        ("South", "340"),
        ("South", "210"),
        ("Apples", "120"),
        ("Apples", "340"),
        ("Pears", "75"),
        ("Pears", "210"),
    }


def test_matrix_rows_labelled_by_ranges() -> None:
    got = _pairs(
        [
            ("Mean", 3.0, 1.0),
            ("Under 30", 1.0, 1.3),
            ("4.1", 3.0, 1.3),
            ("(52)", 4.0, 1.3),
            ("30-49", 1.0, 1.5),
            ("3.8", 3.0, 1.5),
            ("(61)", 4.0, 1.5),
            ("50-64", 1.0, 1.7),
            ("3.2", 3.0, 1.7),
            ("(40)", 4.0, 1.7),
        ]
    )
    assert {("30-49", "3.8"), ("30-49", "(61)"), ("50-64", "(40)"), ("Mean", "3.2")} <= got
    assert ("Under 30", "30-49") not in got


def test_matrix_header_codes_over_numbers() -> None:
    got = _pairs(
        [
            ("Strain", 1.0, 0.7),
            ("TA98", 3.0, 1.0),
            ("TA100", 4.0, 1.0),
            ("Dose 10", 1.0, 1.3),
            ("1.02", 3.0, 1.3),
            ("0.97", 4.0, 1.3),
            ("Dose 50", 1.0, 1.5),
            ("1.10", 3.0, 1.5),
            ("1.31", 4.0, 1.5),
            ("Dose 90", 1.0, 1.7),
            ("2.40", 3.0, 1.7),
            ("2.05", 4.0, 1.7),
        ]
    )
    assert {("TA98", "1.02"), ("TA98", "2.40"), ("TA100", "1.31"), ("Dose 50", "1.10")} <= got


def test_two_label_value_columns_are_not_a_matrix() -> None:
    got = _pairs(
        [
            ("Boxes", 1.0, 1.0),
            ("4", 2.2, 1.0),
            ("Pallets", 4.0, 1.0),
            ("2", 5.2, 1.0),
            ("Crates", 1.0, 1.2),
            ("9", 2.2, 1.2),
            ("Drums", 4.0, 1.2),
            ("1", 5.2, 1.2),
        ]
    )
    assert got == {("Boxes", "4"), ("Pallets", "2"), ("Crates", "9"), ("Drums", "1")}


def test_numbers_of_neighbouring_columns_are_separate_values() -> None:
    # each number is its own layout line, close enough to fall into one visual run
    got = _pairs(
        [
            ("Q1", 2.0, 1.0),
            ("Q2", 2.42, 1.0),
            ("Sales", 1.0, 1.3),
            ("4.12", 2.0, 1.3),
            ("3.90", 2.42, 1.3),
            ("Costs", 1.0, 1.5),
            ("2.75", 2.0, 1.5),
            ("2.61", 2.42, 1.5),
        ]
    )
    assert {("Sales", "4.12"), ("Sales", "3.90"), ("Q2", "2.61")} <= got


def test_copy_list_gives_one_pair_per_name() -> None:
    got = _pairs(
        [
            ("Memo", 1.0, 0.5),
            ("cc:", 1.0, 1.0),
            ("P. Okafor", 1.2, 1.15),
            ("J. Lindqvist", 3.0, 1.15),
            ("M. Duarte", 1.2, 1.32),
            ("S. Haddad", 3.0, 1.32),
            ("T. Nguyen", 1.2, 1.49),
        ]
    )
    names = ["P. Okafor", "J. Lindqvist", "M. Duarte", "S. Haddad", "T. Nguyen"]
    assert got == {("cc:", n) for n in names}


def test_address_block_is_not_a_list() -> None:
    got = _pairs(
        [
            ("Ship to:", 1.0, 1.0),
            ("Hotel Miramar", 2.2, 1.0),
            ("12 Ocean Drive", 2.2, 1.17),
            ("Miami FL 33139", 2.2, 1.34),
        ]
    )
    assert [v for k, v in got if k == "Ship to:"] == ["Hotel Miramar"]


def test_labels_ending_with_a_preposition() -> None:
    got = simple(
        [
            ("Prepared by", 1.0, 1.0),
            ("K. Osei", 3.0, 1.0),
            ("Checked by", 1.0, 1.35),
            ("L. Brandt", 3.0, 1.35),
        ]
    )
    assert got == {"Prepared by": "K. Osei", "Checked by": "L. Brandt"}
    assert label_like("Copies to") and not label_like("the report was sent to")


def test_dash_leader_ends_a_label() -> None:
    got = simple([("Closures--- Blue screw cap", 1.0, 1.0), ("Seal -- Green foil", 1.0, 1.3)])
    assert got == {"Closures---": "Blue screw cap", "Seal": "Green foil"}


def test_date_led_by_month_splits_from_its_label() -> None:
    got = simple([("Date recd. July 6, 1995", 1.0, 1.0), ("Start Aug. 1984", 1.0, 1.4)])
    assert got == {"Date recd.": "July 6, 1995"}  # a month and year alone stay one text


@pytest.mark.parametrize(
    ("word", "cut"),
    [
        ("ISSUED4/09/21", 6),  # a label run into a date
        ("START09:45", 5),  # ... into a time
        ("Phone:0171-55", 6),  # colon inside the word
        ("Tel.4471", 4),  # a number abbreviation run into the number
        ("Kundennr:Q-77", 9),
        ("https://x.example", 0),
        ("Okt.21", 0),  # a month, not a label
        ("HK4471", 0),  # a code
        ("10:45", 0),
        ("Remarks:", 0),
    ],
)
def test_glued_split(word: str, cut: int) -> None:
    assert glued_split(word) == cut


def test_glued_key_and_value_become_two_sub_tokens() -> None:
    view = view_from_lines(
        [("ISSUED4/09/21", 1.0, 1.0), ("Batch Nr.8812", 1.0, 1.4), ("Courier:Velox", 1.0, 1.8)]
    )
    kvs = pairs_of(view)
    got = {_text(kv.key): _text(kv.value) for kv in kvs}
    assert got == {"ISSUED": "4/09/21", "Batch Nr.": "8812", "Courier:": "Velox"}
    for kv in kvs:
        for p in [*kv.key, *kv.value]:
            if isinstance(p, SubToken):  # the part's span and box lie inside its word
                assert view.content[p.span.offset : p.span.offset + p.span.length] == p.text
                assert p.token.box[0] <= p.box[0] < p.box[2] <= p.token.box[2]
    assert any(isinstance(p, SubToken) for kv in kvs for p in kv.key)


def test_large_title_is_not_a_key() -> None:
    got = simple(
        [
            ("Field Survey Log", 2.0, 0.6, 0.4),  # a title printed large, a year beside it
            ("2024", 5.5, 0.6, 0.4),
            ("Surveyor", 1.0, 1.6),
            ("R-5531", 3.0, 1.6),
            ("Region", 1.0, 2.0),
            ("NW-12", 3.0, 2.0),
        ]
    )
    assert got == {"Surveyor": "R-5531", "Region": "NW-12"}
