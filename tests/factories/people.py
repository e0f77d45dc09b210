"""People data for tests: an HR export as Excel writes it."""

from __future__ import annotations

import codecs

HEADER = "Correo electrónico;Nombre;Apellidos;Equipo;Responsable;Idioma;Fecha de alta"


def hr_export(good: int = 47, bad: bool = True) -> bytes:
    """An HR export as Excel writes it: BOM, semicolons, CRLF, Spanish headers, quoted cells.

    Line 2 is the head of sales, everyone else reports to them. With ``bad``, three rows have
    problems: line 10 (bad email), line 20 (duplicate of line 6), line 30 (unknown manager).
    """
    rows = [HEADER, "marta.ruiz@acme.test;Marta;Ruiz;Ventas;;es;01/02/2019"]
    for i in range(1, good):
        team = "Ventas" if i % 2 else "Soporte"
        rows.append(
            f'persona{i}@acme.test;"Persona; {i}";Pérez;{team};marta.ruiz@acme.test;'
            f"{'es' if i % 3 else 'en'};15/03/2021"
        )
    if bad:
        rows.insert(9, "pedro.gomez@@acme.test;Pedro;Gómez;Ventas;;es;01/01/2020")
        rows.insert(19, "PERSONA4@acme.test;Otra;Persona;Ventas;;es;01/01/2020")
        rows.insert(29, "luis.sanz@acme.test;Luis;Sanz;Soporte;nadie@acme.test;es;01/01/2020")
    return codecs.BOM_UTF8 + "\r\n".join(rows).encode("utf-8") + b"\r\n"
