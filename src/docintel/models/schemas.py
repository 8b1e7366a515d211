"""Field schemas of the prebuilt docTypes (API_CONTRACT.md §7), as ``GET /documentModels/{id}``
reports them and as the extractors must fill them.

Each entry is ``name: (type, description, example)``; arrays name their item schema, objects
their properties. ``V31_ONLY`` lists fields absent from the 2022-08-31 schema.
"""

from __future__ import annotations

from typing import Any

Spec = tuple[str, str, str]

INVOICE_ITEM: dict[str, Spec] = {
    "Amount": ("currency", "The amount of the line item", "$60.00"),
    "Date": ("date", "Date corresponding to each line item (often ship date)", "3/4/2021"),
    "Description": (
        "string",
        "The text description for the invoice line item",
        "Consulting service",
    ),
    "Quantity": ("number", "The quantity for this invoice line item", "2"),
    "ProductCode": ("string", "Product code, product number, or SKU", "A123"),
    "Tax": (
        "currency",
        "Tax associated with each line item. Possible values include tax amount, tax %, "
        "and tax Y/N",
        "$6.00",
    ),
    "TaxRate": ("string", "Tax rate associated with each line item", "18 %"),
    "Unit": ("string", "The unit of the line item, e.g, kg, lb etc.", "hours"),
    "UnitPrice": (
        "currency",
        "The net or gross price (depending on the gross invoice setting of the invoice) "
        "of one unit of this item",
        "$30.00",
    ),
}

INVOICE: dict[str, Spec] = {
    "CustomerName": ("string", "Customer being invoiced", "Microsoft Corp"),
    "CustomerId": ("string", "Reference ID for the customer", "CID-12345"),
    "PurchaseOrder": ("string", "A purchase order reference number", "PO-3333"),
    "InvoiceId": ("string", "ID for this specific invoice (often 'Invoice Number')", "INV-100"),
    "InvoiceDate": ("date", "Date the invoice was issued", "11/15/2019"),
    "DueDate": ("date", "Date payment for this invoice is due", "12/15/2019"),
    "VendorName": ("string", "Vendor who has created this invoice", "CONTOSO LTD."),
    "VendorAddress": (
        "address",
        "Mailing address for the Vendor",
        "123 456th St New York, NY, 10001",
    ),
    "VendorAddressRecipient": (
        "string",
        "Name associated with the VendorAddress",
        "Contoso Headquarters",
    ),
    "CustomerAddress": (
        "address",
        "Mailing address for the Customer",
        "123 Other St, Redmond WA, 98052",
    ),
    "CustomerAddressRecipient": (
        "string",
        "Name associated with the CustomerAddress",
        "Microsoft Corp",
    ),
    "BillingAddress": (
        "address",
        "Explicit billing address for the customer",
        "123 Bill St, Redmond WA, 98052",
    ),
    "BillingAddressRecipient": (
        "string",
        "Name associated with the BillingAddress",
        "Microsoft Services",
    ),
    "ShippingAddress": (
        "address",
        "Explicit shipping address for the customer",
        "123 Ship St, Redmond WA, 98052",
    ),
    "ShippingAddressRecipient": (
        "string",
        "Name associated with the ShippingAddress",
        "Microsoft Delivery",
    ),
    "SubTotal": ("currency", "Subtotal field identified on this invoice", "$100.00"),
    "TotalDiscount": ("currency", "Total discount field identified on this invoice", "$5.00"),
    "TotalTax": ("currency", "Total tax field identified on this invoice", "$10.00"),
    "InvoiceTotal": ("currency", "Total new charges associated with this invoice", "$110.00"),
    "AmountDue": ("currency", "Total Amount Due to the vendor", "$610.00"),
    "PreviousUnpaidBalance": ("currency", "Explicit previously unpaid balance", "$500.00"),
    "RemittanceAddress": (
        "address",
        "Explicit remittance or payment address for the customer",
        "123 Remit St New York, NY, 10001",
    ),
    "RemittanceAddressRecipient": (
        "string",
        "Name associated with the RemittanceAddress",
        "Contoso Billing",
    ),
    "ServiceAddress": (
        "address",
        "Explicit service address or property address for the customer",
        "123 Service St, Redmond WA, 98052",
    ),
    "ServiceAddressRecipient": (
        "string",
        "Name associated with the ServiceAddress",
        "Microsoft Services",
    ),
    "ServiceStartDate": (
        "date",
        "First date for the service period (for example, a utility bill service period)",
        "10/14/2019",
    ),
    "ServiceEndDate": (
        "date",
        "End date for the service period (for example, a utility bill service period)",
        "11/14/2019",
    ),
    "VendorTaxId": ("string", "The government ID number associated with the vendor", "123456-7"),
    "CustomerTaxId": (
        "string",
        "The government ID number associated with the customer",
        "765432-1",
    ),
    "PaymentTerm": ("string", "The terms under which the payment is meant to be paid", "Net90"),
    "PaymentDetails": ("array", "List of payment details", ""),
    "TaxDetails": ("array", "List of tax details", ""),
    "Items": ("array", "List of line items", ""),
}

PAYMENT_DETAIL: dict[str, Spec] = {
    "IBAN": ("string", "International bank account number", "DE 94 700 700 100 029 49 00 00"),
    "SWIFT": (
        "string",
        "ISO9362, an international standard for Business Identifier Codes (BIC)",
        "DEUTDEMMXXX",
    ),
}
TAX_DETAIL: dict[str, Spec] = {
    "Amount": ("currency", "The amount of the tax detail", "29,520.00"),
    "Rate": ("string", "The rate of the tax detail", "18 %"),
}

RECEIPT_ITEM: dict[str, Spec] = {
    "TotalPrice": ("number", "Total price of line item", "$999.00"),
    "Description": ("string", "Item description", "Surface Pro 6"),
    "Quantity": ("number", "Quantity of each item", "1"),
    "Price": ("number", "Individual price of each item unit", "$999.00"),
    "ProductCode": (
        "string",
        "Product code, product number, or SKU associated with the specific line item",
        "A123",
    ),
    "QuantityUnit": ("string", "Quantity unit of each item", ""),
}

RECEIPT: dict[str, Spec] = {
    "MerchantName": ("string", "Name of the merchant issuing the receipt", "Contoso"),
    "MerchantPhoneNumber": ("phoneNumber", "Listed phone number of merchant", "987-654-3210"),
    "MerchantAddress": ("address", "Listed address of merchant", "123 Main St Redmond WA 98052"),
    "Total": ("number", "Full transaction total of receipt", "$14.34"),
    "TransactionDate": ("date", "Date the receipt was issued", "June 06, 2019"),
    "TransactionTime": ("time", "Time the receipt was issued", "4:49 PM"),
    "Subtotal": ("number", "Subtotal of receipt, often before taxes are applied", "$12.34"),
    "TotalTax": ("number", "Tax on receipt, often sales tax or equivalent", "$2.00"),
    "Tip": ("number", "Tip included by buyer", "$1.00"),
    "Items": ("array", "Extracted line item", "1 Surface Pro 6 $999.00 $999.00"),
    "TaxDetails": ("array", "", ""),
    "CountryRegion": ("countryRegion", "Country or region where the receipt was issued", "USA"),
}
RECEIPT_TAX_DETAIL: dict[str, Spec] = {
    "Amount": ("currency", "The amount of the tax detail", "$999.00"),
}

HOTEL_ITEM: dict[str, Spec] = {
    "TotalPrice": ("number", "Total price of line item", "$999.00"),
    "Description": ("string", "Item description", "Room Charge"),
    "Date": ("date", "Item date", "27Mar21"),
    "Category": ("string", "Item category", "Room"),
}
HOTEL: dict[str, Spec] = {
    "MerchantName": RECEIPT["MerchantName"],
    "MerchantPhoneNumber": RECEIPT["MerchantPhoneNumber"],
    "MerchantAddress": RECEIPT["MerchantAddress"],
    "Total": RECEIPT["Total"],
    "ArrivalDate": ("date", "Date of arrival", "27Mar21"),
    "DepartureDate": ("date", "Date of departure", "28Mar21"),
    "Currency": (
        "string",
        "Currency unit of receipt amounts (ISO 4217), or 'MIXED' if multiple values are found",
        "USD",
    ),
    "MerchantAliases": ("array", "", ""),
    "Items": ("array", "Extracted line item", ""),
}

V31_ONLY = {
    "invoice": {"TotalDiscount", "PaymentDetails", "TaxDetails", "Items.TaxRate"},
    "receipt": {"CountryRegion"},
}

# Item/property schemas of array and object fields, by (docType family, field).
_ITEMS: dict[tuple[str, str], tuple[str, str, dict[str, Spec] | None]] = {
    ("invoice", "Items"): ("object", "A single line item", INVOICE_ITEM),
    ("invoice", "PaymentDetails"): ("object", "A single payment detail", PAYMENT_DETAIL),
    ("invoice", "TaxDetails"): ("object", "A single tax detail", TAX_DETAIL),
    ("receipt", "Items"): ("object", "Extracted line item", RECEIPT_ITEM),
    ("receipt", "TaxDetails"): ("object", "", RECEIPT_TAX_DETAIL),
    ("hotel", "Items"): ("object", "Extracted line item", HOTEL_ITEM),
    ("hotel", "MerchantAliases"): ("string", "Alternative name of merchant", None),
}

RECEIPT_DOC_TYPES = (
    "receipt",
    "receipt.retailMeal",
    "receipt.creditCard",
    "receipt.gas",
    "receipt.parking",
    "receipt.hotel",
)


def _schema(spec: Spec) -> dict[str, Any]:
    t, description, example = spec
    out: dict[str, Any] = {"type": t}
    if description:
        out["description"] = description
    if example:
        out["example"] = example
    return out


def _fields(family: str, fields: dict[str, Spec], api_version: str) -> dict[str, Any]:
    v31 = api_version != "2022-08-31"
    skip = set() if v31 else V31_ONLY.get(family, set())
    out: dict[str, Any] = {}
    for name, spec in fields.items():
        if name in skip:
            continue
        schema = _schema(spec)
        if family == "invoice" and not v31 and name == "ServiceAddress":
            schema["type"] = "string"
        if family == "invoice" and not v31 and name == "ServiceAddressRecipient":
            schema["type"] = "address"
        item = _ITEMS.get((family, name))
        if item is not None:
            item_type, item_description, props = item
            item_schema: dict[str, Any] = {"type": item_type}
            if item_description:
                item_schema["description"] = item_description
            if props is not None:
                item_schema["properties"] = {
                    k: _schema(v) for k, v in props.items() if f"{name}.{k}" not in skip
                }
            schema["items"] = item_schema
        out[name] = schema
    return out


def doc_types(model_id: str, api_version: str) -> dict[str, Any] | None:
    """The ``docTypes`` of a prebuilt model (``None`` for read, layout and document)."""
    if model_id == "prebuilt-invoice":
        return {
            "invoice": {
                "buildMode": "template",
                "fieldSchema": _fields("invoice", INVOICE, api_version),
            }
        }
    if model_id == "prebuilt-receipt":
        out: dict[str, Any] = {}
        for name in RECEIPT_DOC_TYPES:
            family, fields = ("hotel", HOTEL) if name == "receipt.hotel" else ("receipt", RECEIPT)
            out[name] = {
                "buildMode": "template",
                "fieldSchema": _fields(family, fields, api_version),
            }
        return out
    return None


def field_types(model_id: str, doc_type: str, api_version: str) -> dict[str, Any]:
    """``fieldSchema`` of one docType (empty when the model has none)."""
    types = doc_types(model_id, api_version) or {}
    entry = types.get(doc_type)
    return dict(entry["fieldSchema"]) if entry else {}
