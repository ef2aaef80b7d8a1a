"""Pure rules of e-mail intake: which category a subject suggests (English, Spanish, Portuguese;
staff can change it on the item), and bounds on what a message may carry."""

from __future__ import annotations

import re
import unicodedata

# Most specific first: the first category with a word in the subject wins; "other" otherwise.
# Words are matched whole, without accents and case ("facturacion" matches "Facturación").
KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("billing", ("bill", "billing", "invoice", "invoices", "credit", "dispute", "factura", "facturas", "facturacion",
                 "fatura", "faturas", "faturamento", "cobranca", "credito")),
    ("outage", ("outage", "major outage", "corte masivo", "caida masiva", "interrupcao", "apagao")),
    ("repair", ("down", "repair", "trouble", "fault", "alarm", "ticket", "tt", "falla", "fallas", "caido", "caida",
                "averia", "reparacion", "defeito", "reparo", "fora do ar", "queda", "chamado")),
    ("expedite", ("expedite", "expedited", "agilizar", "agilizacion", "agilizacao", "urgente")),
    ("delayed_order", ("delayed", "delay", "late order", "demora", "demorado", "atraso", "atrasado")),
    ("pricing", ("price", "prices", "pricing", "quote", "precio", "precios", "cotizacion", "presupuesto", "preco",
                 "precos", "cotacao", "orcamento")),
    ("sales_proposal", ("proposal", "propuesta", "proposta")),
    ("ica_question", ("ica", "interconnection agreement", "acuerdo de interconexion", "acordo de interconexao")),
    ("complaint", ("complaint", "complain", "reclamo", "queja", "reclamacao", "reclamação")),
    ("testing", ("test", "testing", "performance", "prueba", "pruebas", "teste", "testes")),
    ("contract_compliance", ("compliance", "cumplimiento", "conformidade")),
    ("order_escalation", ("order", "orders", "pedido", "pedidos", "orden")),
]


def plain_words(text: str) -> str:
    """Lower case, without accents, every run of non-letters one space: " facturacion de abril "."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " " + " ".join(re.findall(r"[a-z0-9]+", bare)) + " "


def guess_category(subject: str, default: str = "other") -> str:
    """The category a subject suggests: "Factura de abril duplicada" → "billing"."""
    words = plain_words(subject)
    for category, keywords in KEYWORDS:
        if any(f" {plain_words(k).strip()} " in words for k in keywords):
            return category
    return default
